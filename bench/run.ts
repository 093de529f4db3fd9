/**
 * `npm run bench`: runs every benchmark in this folder in one process, so ratios are measured
 * side by side on the same (small, noisy) machine. Prints one JSON object per line; the last
 * line is the summary.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { checkTargets } from './targets';

interface BenchModule {
  run(): Promise<object[]>;
}

/** Files here that are not benchmarks: this runner and what the benchmarks share. */
const NOT_BENCHES: ReadonlySet<string> = new Set(['run.ts', 'bench-kit.ts', 'targets.ts', 'payload-tools.ts']);

async function main(): Promise<void> {
  const files = readdirSync(__dirname)
    .filter((f) => f.endsWith('.ts') && !NOT_BENCHES.has(f) && !f.endsWith('.d.ts'))
    // BENCH_ONLY=guard,redact runs a subset (the summary then reports the other targets missing)
    .filter((f) => !process.env.BENCH_ONLY || process.env.BENCH_ONLY.split(',').includes(f.replace(/\.ts$/, '')))
    .sort();
  const summary: Record<string, unknown> = { summary: true, benches: [] as string[], machine: { node: process.version, cpus: require('node:os').cpus().length } };
  const started = Date.now();
  for (const file of files) {
    const mod = require(join(__dirname, file)) as Partial<BenchModule>;
    if (typeof mod.run !== 'function') continue;
    const rows = await mod.run();
    for (const row of rows) process.stdout.write(`${JSON.stringify({ bench: file.replace(/\.ts$/, ''), ...row })}\n`);
    (summary.benches as string[]).push(file.replace(/\.ts$/, ''));
    summary[file.replace(/\.ts$/, '')] = rows.at(-1) ?? null;
  }
  summary.totalSeconds = Math.round((Date.now() - started) / 100) / 10;
  const targets = checkTargets(summary);
  summary.targets = targets;
  summary.targetsMet = `${targets.filter((t) => t.met === true).length}/${targets.length}`;
  process.stdout.write(`${JSON.stringify(summary)}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`bench failed: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exitCode = 1;
});
