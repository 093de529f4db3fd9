/** What every benchmark file shares: the quantile of sorted samples, and running one file alone. */

/** The `q` quantile (0..1) of ascending samples, nearest-rank. */
export function quantile(sorted: readonly number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}

/** `npx tsx bench/<file>.ts`: prints the file's rows as JSON lines, as `npm run bench` does. */
export function runStandalone(benchModule: NodeModule, run: () => Promise<object[]>): void {
  if (require.main !== benchModule) return;
  run()
    .then((rows) => rows.forEach((row) => process.stdout.write(`${JSON.stringify(row)}\n`)))
    .catch((err: unknown) => {
      process.stderr.write(`bench failed: ${err instanceof Error ? err.stack : String(err)}\n`);
      process.exitCode = 1;
    });
}
