/**
 * Manifest validation at fleet size: the good test manifest (test/fixtures/manifests/good) with
 * its agents replaced by 1,000 and 10,000 generated ones, parsed and validated by
 * `parseManifest` as `warden validate` and `cdk synth` do. The test suite checks that the
 * result is right (test/lib/config/hostile-manifests.test.ts); this times it.
 * `npx tsx bench/manifest.ts`, or through `npm run bench`.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseManifest } from '../lib/config';
import { runStandalone } from './bench-kit';

const GOOD_DIR = join(__dirname, '..', 'test', 'fixtures', 'manifests', 'good');
const GOOD_YAML = readFileSync(join(GOOD_DIR, 'shop.yaml'), 'utf8');

function fleet(count: number): string {
  const head = GOOD_YAML.slice(0, GOOD_YAML.indexOf('agents:'));
  const tail = GOOD_YAML.slice(GOOD_YAML.indexOf('guard:'));
  const agents = Array.from({ length: count }, (_, i) => `  - { name: agent-${i}, owner: ops@shop.example, reviewedOn: 2026-11-01, clearance: internal, assumedBy: { service: ecs-tasks.amazonaws.com }, tools: [commerce/search_products] }`);
  return `${head}agents:\n${agents.join('\n')}\n${tail}`;
}

export async function run(): Promise<object[]> {
  const now = new Date('2026-11-25T12:00:00Z');
  const parse = (text: string) => parseManifest(text, 'warden.config.yaml', { now, baseDir: GOOD_DIR });
  parse(fleet(100)); // warm up
  const rows = [1_000, 10_000].map((agents) => {
    const text = fleet(agents);
    const times: number[] = [];
    for (let i = 0; i < 3; i++) {
      const t0 = performance.now();
      const n = parse(text).manifest.agents.length;
      times.push(performance.now() - t0);
      if (n !== agents) throw new Error(`expected ${agents} agents, got ${n}`);
    }
    times.sort((a, b) => a - b);
    return { agents, yamlKB: Math.round(text.length / 1024), seconds: Math.round(times[1]! / 10) / 100, msPerAgent: Math.round((times[1]! / agents) * 1000) / 1000 };
  });
  return [...rows, { summary: 'manifest validation', secondsFor10000Agents: rows.at(-1)!.seconds }];
}

runStandalone(module, run);
