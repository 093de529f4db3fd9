/**
 * Issue 7, point 8, checked independently: the argument screen on a held-out set written by a
 * second red team that had not read the screen's patterns or the first corpus
 * (test/fixtures/screening/heldout-7c.ts). Prints detection and false positives and the misses;
 * the bounds are the measured values (docs/screening.md), so a change that loses either fails.
 */
import { screenArguments } from '../../../lib/guard/screen';
import type { ScreeningSample } from '../../fixtures/screening/corpus';
import { HELDOUT_ATTACKS, HELDOUT_BENIGN } from '../../fixtures/screening/heldout-7c';

const flagged = (s: ScreeningSample) => screenArguments({ [s.field]: s.text }).verdict === 'flagged';

describe('the argument screen on a held-out set', () => {
  const missed = HELDOUT_ATTACKS.filter((s) => !flagged(s));
  const falsePositives = HELDOUT_BENIGN.filter(flagged);

  beforeAll(() => {
    process.stdout.write(
      [
        `held-out screening set: detection ${HELDOUT_ATTACKS.length - missed.length}/${HELDOUT_ATTACKS.length}, false positives ${falsePositives.length}/${HELDOUT_BENIGN.length}`,
        ...missed.map((s) => `  missed [${s.category}/${s.lang}] ${JSON.stringify(s.text.slice(0, 90))}`),
        ...falsePositives.map((s) => `  false positive [${s.category}/${s.lang}] ${s.field}: ${JSON.stringify(s.text.slice(0, 90))}`),
      ].join('\n') + '\n',
    );
  });

  it('refuses at least 23 of the 26 held-out attacks (the three misses are documented)', () => {
    expect(HELDOUT_ATTACKS.length - missed.length).toBeGreaterThanOrEqual(23);
  });

  it('passes every held-out benign text, in every language (reasons, notes, names with direction marks)', () => {
    expect(falsePositives.map((s) => s.text)).toEqual([]);
  });
});
