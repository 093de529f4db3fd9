/**
 * Synth time against the number of agents: the default manifest with its agents cloned to
 * 50, 200, 500 and 1000 (named agent-0000..., each with one of the example agents' tool sets,
 * as test/integration/synth-scale.test.ts does), built with `buildWardenStacks` and
 * synthesized without asset bundling, cdk-nag or the built-in CloudFormation validation, so
 * what is timed is the kit's own constructs. The linearity ratio is ms per agent at 1000 over
 * ms per agent at 200: 1.0 is linear. Each size is synthesized REPEAT times and the median
 * kept (the machine is small and shared). Template sizes are of the file as written (indented:
 * what CloudFormation's 1 MB limit applies to) and as compact JSON. One JSON object per line,
 * the last one the summary.
 * `npx tsx bench/synth.ts`, or through `npm run bench`.
 */
import { readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import { loadManifest, type Manifest } from '../lib/config';
import { buildWardenStacks } from '../lib/stacks';
import { stackCounts } from '../lib/stacks/synth-summary';
import { runStandalone } from './bench-kit';

const ROOT = join(__dirname, '..');
const SIZES = (process.env.BENCH_SYNTH_AGENTS ?? '50,200,500,1000').split(',').map(Number);
const REPEAT = Number(process.env.BENCH_SYNTH_REPEAT ?? 3);
const CDK_CONTEXT = (JSON.parse(readFileSync(join(ROOT, 'cdk.json'), 'utf8')) as { context: Record<string, unknown> }).context;

function withAgents(base: Manifest, n: number): Manifest {
  const agents = Array.from({ length: n }, (_, i) => ({ ...base.agents[i % base.agents.length]!, name: `agent-${String(i).padStart(4, '0')}` }));
  return { ...base, agents };
}

interface SynthRow {
  agents: number;
  seconds: number;
  msPerAgent: number;
  stacks: number;
  maxResourcesPerStack: number;
  maxTemplateKB: number;
  maxTemplateKBCompact: number;
}

function synth(manifest: Manifest): SynthRow {
  const started = performance.now();
  // cdk.json's feature flags, as `cdk synth` sees them; no bundling, no validation plugins
  const app = new App({ context: { ...CDK_CONTEXT, 'aws:cdk:bundling-stacks': [] }, builtinCloudFormationValidation: false });
  buildWardenStacks(app, { manifest, dir: ROOT });
  const assembly = app.synth();
  const ms = performance.now() - started;
  const counts = stackCounts(assembly);
  // CloudFormation's 1 MB applies to the template as uploaded: the indented file the CDK writes
  const written = assembly.stacks.map((s) => statSync(s.templateFullPath).size);
  rmSync(assembly.directory, { recursive: true, force: true });
  return {
    agents: manifest.agents.length,
    seconds: Math.round(ms / 10) / 100,
    msPerAgent: Math.round((ms / manifest.agents.length) * 100) / 100,
    stacks: counts.length,
    maxResourcesPerStack: Math.max(...counts.map((c) => c.resources)),
    maxTemplateKB: Math.round(Math.max(...written) / 1024),
    maxTemplateKBCompact: Math.round(Math.max(...counts.map((c) => c.templateBytes)) / 1024),
  };
}

export async function run(): Promise<object[]> {
  const { manifest } = loadManifest(join(ROOT, 'warden.config.yaml'));
  synth(withAgents(manifest, 10)); // load the CDK's modules and warm the JIT before timing
  const rows = SIZES.map((n): SynthRow & { runs: number; secondsMin: number; secondsMax: number } => {
    const runs = Array.from({ length: REPEAT }, () => synth(withAgents(manifest, n))).sort((a, b) => a.seconds - b.seconds);
    return { ...runs[Math.floor(runs.length / 2)]!, runs: REPEAT, secondsMin: runs[0]!.seconds, secondsMax: runs.at(-1)!.seconds };
  });
  const at = (n: number) => rows.find((r) => r.agents === n);
  const [small, large] = [at(200) ?? rows[0]!, at(1000) ?? rows.at(-1)!];
  return [
    ...rows,
    {
      summary: 'synth time vs agents',
      secondsByAgents: Object.fromEntries(rows.map((r) => [r.agents, r.seconds])),
      linearity: { of: `ms/agent at ${large.agents} / at ${small.agents}`, ratio: Math.round((large.msPerAgent / small.msPerAgent) * 100) / 100 },
      // what one more agent costs between sizes, without the fixed cost (data and servers stacks)
      marginalMsPerAgent: Object.fromEntries(rows.slice(1).map((r, i) => [`${rows[i]!.agents}-${r.agents}`, Math.round(((r.seconds - rows[i]!.seconds) * 1000 * 100) / (r.agents - rows[i]!.agents)) / 100])),
      maxResourcesPerStack: Math.max(...rows.map((r) => r.maxResourcesPerStack)),
      maxTemplateKB: Math.max(...rows.map((r) => r.maxTemplateKB)),
      maxTemplateKBCompact: Math.max(...rows.map((r) => r.maxTemplateKBCompact)),
    },
  ];
}

runStandalone(module, run);
