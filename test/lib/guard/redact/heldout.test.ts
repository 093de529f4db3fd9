/**
 * The held-out corpus (test/fixtures/redaction/heldout-*.jsonl, built by build-heldout.ts) was written
 * by a second engineer before reading the detectors, so its numbers estimate real-world recall and
 * false positives better than the author's corpus does. Prints the per-type table; asserts floors.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REDACTION_TYPES, type RedactionType } from '../../../../lib/config/schema';
import { redact } from '../../../../lib/guard/redact';
import { shopPolicy } from './shop-policy';

interface Positive {
  type: RedactionType;
  text: string;
  secrets: string[];
}
interface Negative {
  kind: string;
  text: string;
}
const fixtures = join(__dirname, '../../../fixtures/redaction');
const readJsonl = <T>(file: string): T[] =>
  readFileSync(join(fixtures, file), 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as T);

const positives = readJsonl<Positive>('heldout-positives.jsonl');
const negatives = readJsonl<Negative>('heldout-negatives.jsonl');

/** Floors per type: what the engine must keep reaching on this corpus (measured, minus a small margin). */
const RECALL_FLOOR: Record<RedactionType, number> = {
  card: 0.97,
  cvv: 0.9,
  iban: 0.97,
  ssn: 0.9,
  email: 0.95,
  phone: 0.85,
  address: 0.8,
  'aws-access-key': 0.95,
  'aws-secret': 0.9,
  jwt: 0.95,
  'private-key': 0.95,
};
const FP_CEILING = 0.01;

/** Caught: every secret is gone and a marker of the sample's own type took its place. */
function caught(p: Positive): boolean {
  const r = redact(p.text, 'public', shopPolicy);
  return p.secrets.every((s) => !r.text.includes(s)) && (r.counts[p.type] ?? 0) > 0;
}

const negativeResults = negatives.map((n) => ({ n, r: redact(n.text, 'public', shopPolicy) }));
const perType = REDACTION_TYPES.map((type) => {
  const mine = positives.filter((p) => p.type === type);
  const missed = mine.filter((p) => !caught(p));
  const falsePositives = negativeResults.filter(({ r }) => (r.counts[type] ?? 0) > 0).map(({ n }) => n);
  return { type, samples: mine.length, recall: mine.length ? (mine.length - missed.length) / mine.length : 1, missed, falsePositives, fpRate: falsePositives.length / negatives.length };
});

describe('held-out redaction corpus', () => {
  beforeAll(() => {
    const touched = negativeResults.filter(({ n, r }) => r.text !== n.text);
    const total = perType.reduce((s, r) => s + r.samples, 0);
    const found = perType.reduce((s, r) => s + r.samples - r.missed.length, 0);
    console.log(
      [
        `held-out corpus: ${positives.length} positives, ${negatives.length} negatives; overall recall ${(found / total).toFixed(3)}, negatives touched ${touched.length}/${negatives.length}`,
        ['type', 'samples', 'recall', 'floor', 'FPs', 'FP rate'].join('\t'),
        ...perType.map((r) => [r.type, r.samples, r.recall.toFixed(3), RECALL_FLOOR[r.type].toFixed(2), r.falsePositives.length, r.fpRate.toFixed(4)].join('\t')),
        ...perType.flatMap((r) => r.missed.map((p) => `missed ${r.type}: ${JSON.stringify(p.text).slice(0, 160)} -> ${JSON.stringify(redact(p.text, 'public', shopPolicy).text).slice(0, 160)}`)),
        ...touched.map(({ n, r }) => `touched ${n.kind}: ${JSON.stringify(n.text).slice(0, 120)} -> ${JSON.stringify(r.text).slice(0, 120)}`),
      ].join('\n'),
    );
  });

  it('holds at least 200 positives covering every type and 200 negatives', () => {
    expect(positives.length).toBeGreaterThanOrEqual(200);
    expect(negatives.length).toBeGreaterThanOrEqual(200);
    for (const type of REDACTION_TYPES) expect(positives.some((p) => p.type === type)).toBe(true);
  });

  it.each(REDACTION_TYPES)('finds %s at or above its recall floor', (type) => {
    const row = perType.find((r) => r.type === type)!;
    expect(row.recall).toBeGreaterThanOrEqual(RECALL_FLOOR[type]);
  });

  it.each(REDACTION_TYPES)('flags %s in at most 1% of the negatives', (type) => {
    const row = perType.find((r) => r.type === type)!;
    expect(row.fpRate).toBeLessThanOrEqual(FP_CEILING);
  });
});
