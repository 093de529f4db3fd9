/**
 * IBANs in any country, electronic (`DE89370400440532013000`) or grouped (`DE89 3704 0044 …`):
 * the country's registered length and the ISO 13616 mod-97 check, both from `ibantools`.
 */
import { countrySpecs, isValidIBAN } from 'ibantools';
import { isWordChar } from './context';
import type { Detector, Finding } from './finding';

/**
 * Country code, check digits, then up to 30 characters with optional single separators (space,
 * NBSP, dash, dot); straight after the word `IBAN` too (`ibanDE89…`).
 */
const IBAN_CANDIDATE = /(?<![A-Za-z0-9])[A-Za-z]{2}\d{2}(?:[ \u00A0.\-]?[A-Za-z0-9]){8,30}/g;
// a separate pattern, run only when the word is there: an alternation in the lookbehind costs every position
const IBAN_GLUED = /(?<=iban)[A-Za-z]{2}\d{2}(?:[ \u00A0.\-]?[A-Za-z0-9]){8,30}/gi;
const IBAN_WORD = /iban/i;
const SEPARATOR = /[ \u00A0.\-]/g;

export const findIbans: Detector = (text, out) => findIbansIn(text, out, 'anchored');

const IBAN_GLUED_AT = new RegExp(IBAN_GLUED.source, 'iy');
const IBAN_WORDS = /iban/gi;

/**
 * findIbans; `scan: 'global'` runs IBAN_GLUED over the whole text (the reference in tests).
 * The default tries it only right after each `iban` (its lookbehind), which a search for the
 * word finds without trying every position of the text.
 */
export function findIbansIn(text: string, out: Finding[], scan: 'anchored' | 'global'): void {
  scanFrom(text, out, (from) => {
    IBAN_CANDIDATE.lastIndex = from;
    return IBAN_CANDIDATE.exec(text);
  });
  if (!IBAN_WORD.test(text)) return;
  if (scan === 'global') {
    scanFrom(text, out, (from) => {
      IBAN_GLUED.lastIndex = from;
      return IBAN_GLUED.exec(text);
    });
    return;
  }
  const after: number[] = [];
  IBAN_WORDS.lastIndex = 0;
  for (let m = IBAN_WORDS.exec(text); m !== null; m = IBAN_WORDS.exec(text)) after.push(m.index + 4);
  let k = 0;
  scanFrom(text, out, (from) => {
    for (; k < after.length; k++) {
      if (after[k]! < from) continue;
      IBAN_GLUED_AT.lastIndex = after[k]!;
      const m = IBAN_GLUED_AT.exec(text);
      if (m !== null) return m;
    }
    return null;
  });
}

/** The candidates `next(from)` finds (the first match at or after `from`), each checked; resumes as a global scan would. */
function scanFrom(text: string, out: Finding[], next: (from: number) => RegExpExecArray | null): void {
  let from = 0;
  for (let m = next(from); m !== null; m = next(from)) {
    const country = m[0].slice(0, 2).toUpperCase();
    const length = countrySpecs[country]?.chars;
    const end = length ? ibanEnd(m[0], length) : -1;
    if (end > 0 && !isWordChar(text[m.index + end])) {
      const iban = m[0].slice(0, end).replace(SEPARATOR, '').toUpperCase();
      if (isValidIBAN(iban)) {
        out.push({ start: m.index, end: m.index + end, type: 'iban' });
        from = m.index + end;
        continue;
      }
    }
    // The greedy candidate may have swallowed the start of a real IBAN ("ref AB12 DE89 …").
    from = m.index + 1;
  }
}

/** Offset just past the `length`-th alphanumeric character of `candidate`, or -1. */
function ibanEnd(candidate: string, length: number): number {
  let seen = 0;
  for (let k = 0; k < candidate.length; k++) {
    const c = candidate[k];
    if (c !== ' ' && c !== '\u00A0' && c !== '-' && c !== '.' && ++seen === length) return k + 1;
  }
  return -1;
}
