/**
 * Words near a candidate that make it more (or less) likely to be what it looks like,
 * e.g. a bare 9-digit number is an SSN only next to "SSN".
 */

/** True when `pattern` (not global) matches within `window` characters before `start`. */
export function keywordBefore(text: string, start: number, pattern: RegExp, window = 48): boolean {
  return pattern.test(text.slice(Math.max(0, start - window), start));
}

const WORD_CHAR = /[\p{L}\p{N}_]/u;

/** A letter, digit or underscore: a candidate touching one is part of a longer token. */
export function isWordChar(ch: string | undefined): boolean {
  if (ch === undefined) return false;
  const c = ch.charCodeAt(0);
  // ASCII answered without the regex (the digit detectors ask this of every candidate's neighbours)
  if (c < 0x80) return (c >= 0x30 && c <= 0x39) || ((c | 0x20) >= 0x61 && (c | 0x20) <= 0x7a) || c === 0x5f;
  return WORD_CHAR.test(ch);
}

/**
 * True when the candidate at [start, end) is glued to a neighbouring token, like the digits in
 * `ORD-4111…`, `0.4111…`, `…1111-ABC` or `v1.2.3`: such numbers are ids, decimals or versions.
 */
export function joinedToToken(text: string, start: number, end: number): boolean {
  const before = text[start - 1];
  if (isWordChar(before)) return true;
  if ((before === '-' || before === '.' || before === '_') && isWordChar(text[start - 2])) return true;
  const after = text[end];
  if (isWordChar(after)) return true;
  if ((after === '-' || after === '_') && isWordChar(text[end + 1])) return true;
  if ((after === '.' || after === '/' || after === ',') && /\p{N}/u.test(text[end + 1] ?? '')) return true;
  return false;
}
