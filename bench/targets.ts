/**
 * The performance targets of issue 14, checked against the summary rows of one `npm run bench`
 * run. Each target names the figure it reads; a figure that a benchmark did not report is
 * `missing`, never `met`.
 */
export interface TargetResult {
  readonly target: string;
  readonly value: number | undefined;
  readonly limit: number;
  readonly met: boolean | 'missing';
}

type Summaries = Readonly<Record<string, unknown>>;

interface Target {
  readonly target: string;
  readonly limit: number;
  /** `max`: the value must be at most the limit; `min`: at least. */
  readonly kind: 'max' | 'min';
  readonly read: (s: Summaries) => unknown;
}

const at = (value: unknown, ...path: string[]): unknown => path.reduce<unknown>((v, k) => (v !== null && typeof v === 'object' ? (v as Record<string, unknown>)[k] : undefined), value);

export const TARGETS: readonly Target[] = [
  ...(['2025-11-25', '2026-07-28'] as const).flatMap((rev): Target[] => [
    { target: `server ${rev}: warden/bare p50, 2 KB result`, limit: 1.05, kind: 'max', read: (s) => at(s.server, 'p50Ratio', rev, 'result 2 KB') },
    { target: `server ${rev}: warden/bare throughput, 2 KB result, 8 in flight`, limit: 0.95, kind: 'min', read: (s) => at(s.server, 'concurrentThroughputRatio', rev) },
  ]),
  // new values on every call: a repeated result would also time the guard's memory of short clean strings
  { target: 'guard pipeline p50 µs, 16 KB result (new values each call)', limit: 50, kind: 'max', read: (s) => at(s.guard, 'pipeline_16kb_new_values_p50_us') },
  { target: 'redaction MB/s, clean text', limit: 100, kind: 'min', read: (s) => at(s.redact, 'cleanMbPerSecond') },
  { target: 'redaction MB/s, mixed corpus', limit: 20, kind: 'min', read: (s) => at(s.redact, 'mixedMbPerSecond') },
  { target: 'server Lambda cold init ms (module load + first call, bundled)', limit: 150, kind: 'max', read: (s) => at(s.lambda, 'coldInitMs') },
  { target: 'server Lambda JS bundle KB', limit: 1024, kind: 'max', read: (s) => at(s.lambda, 'bundleJsKB') },
];

export function checkTargets(summaries: Summaries): TargetResult[] {
  return TARGETS.map((t) => {
    const value = t.read(summaries);
    if (typeof value !== 'number' || !Number.isFinite(value)) return { target: t.target, value: undefined, limit: t.limit, met: 'missing' };
    return { target: t.target, value, limit: t.limit, met: t.kind === 'max' ? value <= t.limit : value >= t.limit };
  });
}
