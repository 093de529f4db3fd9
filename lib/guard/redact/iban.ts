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

export const findIbans: Detector = (text, out) => {
  scan(IBAN_CANDIDATE, text, out);
  if (IBAN_WORD.test(text)) scan(IBAN_GLUED, text, out);
};

function scan(candidate: RegExp, text: string, out: Finding[]): void {
  candidate.lastIndex = 0;
  for (let m = candidate.exec(text); m !== null; m = candidate.exec(text)) {
    const country = m[0].slice(0, 2).toUpperCase();
    const length = countrySpecs[country]?.chars;
    const end = length ? ibanEnd(m[0], length) : -1;
    if (end > 0 && !isWordChar(text[m.index + end])) {
      const iban = m[0].slice(0, end).replace(SEPARATOR, '').toUpperCase();
      if (isValidIBAN(iban)) {
        out.push({ start: m.index, end: m.index + end, type: 'iban' });
        candidate.lastIndex = m.index + end;
        continue;
      }
    }
    // The greedy candidate may have swallowed the start of a real IBAN ("ref AB12 DE89 …").
    candidate.lastIndex = m.index + 1;
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
