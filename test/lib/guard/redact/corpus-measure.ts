/**
 * Recall and false-positive rate per type over a JSONL corpus (test/fixtures/redaction), shared
 * by the author's corpus and the held-out corpora so they are measured the same way.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REDACTION_TYPES, type RedactionType } from '../../../../lib/config/schema';
import { redact } from '../../../../lib/guard/redact';
import { shopPolicy } from './shop-policy';

export interface Positive {
  type: RedactionType;
  text: string;
  secrets: string[];
}
export interface Negative {
  kind: string;
  text: string;
}

const fixtures = join(__dirname, '../../../fixtures/redaction');
const readJsonl = <T>(file: string): T[] =>
  readFileSync(join(fixtures, file), 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as T);

/** Caught: every secret is gone and a marker of the sample's own type took its place. */
function caught(p: Positive): boolean {
  const r = redact(p.text, 'public', shopPolicy);
  return p.secrets.every((s) => !r.text.includes(s)) && (r.counts[p.type] ?? 0) > 0;
}

/** Measures `<prefix>positives.jsonl` against `<prefix>negatives.jsonl`, with a printable report. */
export function measureCorpus(name: string, prefix: string) {
  const positives = readJsonl<Positive>(`${prefix}positives.jsonl`);
  const negatives = readJsonl<Negative>(`${prefix}negatives.jsonl`);
  const negativeResults = negatives.map((n) => ({ n, r: redact(n.text, 'public', shopPolicy) }));
  const perType = REDACTION_TYPES.map((type) => {
    const mine = positives.filter((p) => p.type === type);
    const missed = mine.filter((p) => !caught(p));
    const falsePositives = negativeResults.filter(({ r }) => (r.counts[type] ?? 0) > 0).map(({ n }) => n);
    return { type, samples: mine.length, recall: mine.length ? (mine.length - missed.length) / mine.length : 1, missed, falsePositives, fpRate: falsePositives.length / negatives.length };
  });
  const touched = negativeResults.filter(({ n, r }) => r.text !== n.text);
  const total = perType.reduce((s, r) => s + r.samples, 0);
  const recall = perType.reduce((s, r) => s + r.samples - r.missed.length, 0) / total;
  const report = [
    `${name}: ${positives.length} positives, ${negatives.length} negatives; overall recall ${recall.toFixed(3)}, negatives touched ${touched.length}/${negatives.length}`,
    ['type', 'samples', 'recall', 'FPs', 'FP rate'].join('\t'),
    ...perType.map((r) => [r.type, r.samples, r.recall.toFixed(3), r.falsePositives.length, r.fpRate.toFixed(4)].join('\t')),
    ...perType.flatMap((r) => r.missed.map((p) => `missed ${r.type}: ${JSON.stringify(p.text).slice(0, 160)}`)),
    ...touched.map(({ n, r }) => `touched ${n.kind}: ${JSON.stringify(n.text).slice(0, 120)} -> ${JSON.stringify(r.text).slice(0, 120)}`),
  ].join('\n');
  return { positives, negatives, perType, touched, recall, report };
}
