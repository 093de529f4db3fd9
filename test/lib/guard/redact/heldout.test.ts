/**
 * Held-out corpora, written by a second engineer rather than the detectors' author:
 * - `heldout-*.jsonl` (built by build-heldout.ts) before reading the detectors; its misses drove
 *   fixes, so after those fixes it is a regression suite with per-type floors;
 * - `heldout2-*.jsonl`, hand-written after the fixes and not tuned against: the fresher estimate.
 * Prints the per-type table of each; asserts floors.
 */
import { REDACTION_TYPES, type RedactionType } from '../../../../lib/config/schema';
import { measureCorpus } from './corpus-measure';

/** Floors per type on the first corpus: what the engine must keep reaching (measured, minus a margin). */
const RECALL_FLOOR: Record<RedactionType, number> = {
  card: 0.97,
  cvv: 0.95,
  iban: 0.97,
  ssn: 0.95,
  email: 0.95,
  phone: 0.9,
  address: 0.9,
  'aws-access-key': 0.95,
  'aws-secret': 0.95,
  jwt: 0.95,
  'private-key': 0.95,
};
/** The second corpus is small (a few samples per type), so it has one overall floor. */
const ROUND2_RECALL_FLOOR = 0.95;
const FP_CEILING = 0.01;

describe('held-out corpus written before reading the detectors', () => {
  const m = measureCorpus('heldout', 'heldout-');
  beforeAll(() => console.log(m.report));

  it('holds at least 200 positives covering every type and 200 negatives', () => {
    expect(m.positives.length).toBeGreaterThanOrEqual(200);
    expect(m.negatives.length).toBeGreaterThanOrEqual(200);
    for (const type of REDACTION_TYPES) expect(m.positives.some((p) => p.type === type)).toBe(true);
  });

  it.each(REDACTION_TYPES)('finds %s at or above its recall floor', (type) => {
    expect(m.perType.find((r) => r.type === type)!.recall).toBeGreaterThanOrEqual(RECALL_FLOOR[type]);
  });

  it.each(REDACTION_TYPES)('flags %s in at most 1% of the negatives', (type) => {
    expect(m.perType.find((r) => r.type === type)!.fpRate).toBeLessThanOrEqual(FP_CEILING);
  });
});

describe('second held-out corpus written after the fixes', () => {
  const m = measureCorpus('heldout2', 'heldout2-');
  beforeAll(() => console.log(m.report));

  it('covers every type', () => {
    for (const type of REDACTION_TYPES) expect(m.positives.some((p) => p.type === type)).toBe(true);
  });

  it(`finds at least ${ROUND2_RECALL_FLOOR * 100}% of its positives overall`, () => {
    expect(m.recall).toBeGreaterThanOrEqual(ROUND2_RECALL_FLOOR);
  });

  it('leaves at least 98% of its negatives byte-identical', () => {
    expect(m.touched.length / m.negatives.length).toBeLessThanOrEqual(0.02);
  });
});
