/**
 * US Social Security numbers. Dashed or spaced `AAA-GG-SSSS` with the SSA validity rules (area
 * not 000, 666 or 900-999; group not 00; serial not 0000); bare 9 digits only next to an SSN
 * word, because 9-digit order ids and zip+4 codes are everywhere.
 */
import { isWordChar, keywordBefore } from './context';
import { digitWindows, sticky, type DigitWindow } from './digit-windows';
import type { Detector, Finding } from './finding';

const SSN_GROUPED = /(?<![\p{L}\p{N}_])(\d{3})([- .])(\d{2})\2(\d{4})(?![\p{L}\p{N}_])/gu;

/** An ASCII digit at `at` (local: an imported function costs a module getter per call under tsx and jest). */
function digitAt(text: string, at: number): boolean {
  const c = text.charCodeAt(at);
  return c >= 48 && c <= 57;
}
/** Typed straight after the word: `ssn536221234`, `SSN#536-22-1234`, `TIN:536.22.1234`. */
const SSN_GLUE_WORD = /(?:ssn|tin|soc\.?sec)[#:.]?\d/i;
/** The word ending where a window starts, read as SSN_GLUED reads it (`/iu`: `ſ` is an `s` there). */
const SSN_GLUE_WORD_END = /(?:ssn|tin|soc\.?sec)[#:]?$/iu;
const SSN_GLUED = /(?<![\p{L}\p{N}_])(?:ssn|tin|soc\.?sec)[#:.]?(\d{3})([-.]?)(\d{2})\2(\d{4})(?![\p{L}\p{N}_])/giu;
const SSN_BARE = /(?<![\p{L}\p{N}_])\d{9}(?![\p{L}\p{N}_])/gu;
/** Dashes with spaces around them (`536 - 22 - 1234`, a form's separate boxes), only after an SSN word. */
const SSN_SPACED_DASHES = /(?<![\p{L}\p{N}_])(\d{3}) ?- ?(\d{2}) ?- ?(\d{4})(?![\p{L}\p{N}_])/gu;
const SPACED_DASH = / -|- /;

// The patterns above tried only where they can start (as eachStickyMatchIn does): a digit not right after
// an ASCII letter, digit or `_` (their lookbehind), followed by the first characters of the form.
const GROUPED_START = sticky(SSN_GROUPED);
const SPACED_START = sticky(SSN_SPACED_DASHES);
const BARE_START = sticky(SSN_BARE);
const WORD_ASCII = new Uint8Array(128);
for (const c of 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_') WORD_ASCII[c.charCodeAt(0)] = 1;
/** Three digits at `at`, and no ASCII word character before. */
function threeDigitsStart(text: string, at: number): boolean {
  const before = text.charCodeAt(at - 1);
  return !(before < 128 && WORD_ASCII[before] === 1) && digitAt(text, at) && digitAt(text, at + 1) && digitAt(text, at + 2);
}
/** `\d{3}([- .])\d{2}\1`, after threeDigitsStart. */
function mayStartGrouped(text: string, at: number): boolean {
  const sep = text.charCodeAt(at + 3);
  return (sep === 0x2d || sep === 0x20 || sep === 0x2e) && digitAt(text, at + 4) && digitAt(text, at + 5) && text.charCodeAt(at + 6) === sep;
}
/** `\d{3} ?- ?\d{2} ?-`, after threeDigitsStart (each optional space is taken when it is there: a dash must follow). */
function mayStartSpaced(text: string, at: number): boolean {
  let k = at + 3;
  if (text.charCodeAt(k) === 0x20) k++;
  if (text.charCodeAt(k++) !== 0x2d) return false;
  if (text.charCodeAt(k) === 0x20) k++;
  if (!digitAt(text, k) || !digitAt(text, k + 1)) return false;
  k += 2;
  if (text.charCodeAt(k) === 0x20) k++;
  return text.charCodeAt(k) === 0x2d;
}
/** `\d{9}`, after threeDigitsStart. */
function mayStartBare(text: string, at: number): boolean {
  for (let k = at + 3; k < at + 9; k++) if (!digitAt(text, k)) return false;
  return true;
}
const SSN_WORD = /\bssn|social[ _-]?security|\bss ?#|\bsoc\.? ?sec|\bssa\b|\btax ?id|\btin\b/i;

/**
 * The SSA's structural rules. Voided numbers (the Woolworth wallet insert 078-05-1120, the
 * 219-09-9999 advertising sample) pass on purpose: they were issued once, they are what test
 * data and careless users paste, and redacting them costs nothing.
 */
export function ssnValid(area: string, group: string, serial: string): boolean {
  if (area === '000' || area === '666' || area[0] === '9') return false;
  return group !== '00' && serial !== '0000';
}

export const findSsns: Detector = (text, out) => findSsnsIn(text, digitWindows(text), out);

/** Nine digits in every SSN form. */
const SSN_DIGITS = 9;

/**
 * findSsns on the given windows of `text` (digit-windows.ts). The grouped, spaced and bare
 * patterns match inside one window; the glued form starts with its word, so it is scanned over
 * the whole text, and only when a window of nine or more digits starts right after an SSN word.
 */
export function findSsnsIn(text: string, windows: readonly DigitWindow[], out: Finding[], scan: 'anchored' | 'global' = 'anchored'): void {
  if (scan === 'global') return findSsnsGlobally(text, out);
  // one pass over each window tries the three forms where they can start (eachStickyMatchIn,
  // written out: a shared loop with a callback per form cost more than the patterns); each form
  // resumes after its own match, as its global scan would, and reports in the old order
  const grouped: Finding[] = [];
  const spaced: Finding[] = [];
  const bare: Finding[] = [];
  let glued = false;
  for (const w of windows) {
    if (w.digits < SSN_DIGITS) continue;
    glued ||= w.start === 0 || glueWordBefore(text, w.start);
    let groupedFrom = w.start;
    let spacedFrom = w.start;
    let bareFrom = w.start;
    for (let at = w.start; at < w.end; at++) {
      if (!threeDigitsStart(text, at)) continue;
      if (at >= groupedFrom && mayStartGrouped(text, at)) {
        GROUPED_START.lastIndex = at;
        const m = GROUPED_START.exec(text);
        if (m !== null) {
          const end = at + m[0].length;
          groupedFrom = end;
          if (ssnValid(m[1]!, m[3]!, m[4]!) && !partOfLongerNumber(text, at, end)) grouped.push({ start: at, end, type: 'ssn' });
        }
      }
      if (at >= spacedFrom && mayStartSpaced(text, at)) {
        SPACED_START.lastIndex = at;
        const m = SPACED_START.exec(text);
        if (m !== null) {
          const end = at + m[0].length;
          spacedFrom = end;
          if (SPACED_DASH.test(m[0]) && ssnValid(m[1]!, m[2]!, m[3]!) && !partOfLongerNumber(text, at, end) && keywordBefore(text, at, SSN_WORD, 40)) {
            spaced.push({ start: at, end, type: 'ssn' });
          }
        }
      }
      if (at >= bareFrom && mayStartBare(text, at)) {
        BARE_START.lastIndex = at;
        const m = BARE_START.exec(text);
        if (m !== null) {
          const end = at + 9;
          bareFrom = end;
          const n = m[0];
          if (ssnValid(n.slice(0, 3), n.slice(3, 5), n.slice(5)) && !partOfLongerNumber(text, at, end) && keywordBefore(text, at, SSN_WORD, 40)) {
            bare.push({ start: at, end, type: 'ssn' });
          }
        }
      }
    }
  }
  for (const f of grouped) out.push(f);
  SSN_GLUED.lastIndex = 0;
  // the gate of the whole-text scan stays (ASCII case rules: it does not read `ſſn` as `ssn`)
  for (let m = glued && SSN_GLUE_WORD.test(text) ? SSN_GLUED.exec(text) : null; m !== null; m = SSN_GLUED.exec(text)) {
    const end = m.index + m[0].length;
    const start = end - m[1]!.length - m[2]!.length * 2 - m[3]!.length - m[4]!.length;
    if (ssnValid(m[1]!, m[3]!, m[4]!) && !partOfLongerNumber(text, start, end)) out.push({ start, end, type: 'ssn' });
  }
  for (const f of spaced) out.push(f);
  for (const f of bare) out.push(f);
}

/** The four patterns as global scans over the whole text: what findSsnsIn does faster (the reference in tests). */
function findSsnsGlobally(text: string, out: Finding[]): void {
  for (const [pattern, gate] of [[SSN_GROUPED, undefined], [SSN_GLUED, SSN_GLUE_WORD], [SSN_SPACED_DASHES, SPACED_DASH], [SSN_BARE, undefined]] as const) {
    if (gate !== undefined && !gate.test(text)) continue;
    pattern.lastIndex = 0;
    for (let m = pattern.exec(text); m !== null; m = pattern.exec(text)) {
      const end = m.index + m[0].length;
      if (pattern === SSN_GLUED) {
        const start = end - m[1]!.length - m[2]!.length * 2 - m[3]!.length - m[4]!.length;
        if (ssnValid(m[1]!, m[3]!, m[4]!) && !partOfLongerNumber(text, start, end)) out.push({ start, end, type: 'ssn' });
        continue;
      }
      const start = m.index;
      const [area, group, serial] = pattern === SSN_BARE ? [m[0].slice(0, 3), m[0].slice(3, 5), m[0].slice(5)] : pattern === SSN_GROUPED ? [m[1]!, m[3]!, m[4]!] : [m[1]!, m[2]!, m[3]!];
      if (pattern === SSN_SPACED_DASHES && !SPACED_DASH.test(m[0])) continue;
      if (!ssnValid(area, group, serial) || partOfLongerNumber(text, start, end)) continue;
      if (pattern === SSN_GROUPED || keywordBefore(text, start, SSN_WORD, 40)) out.push({ start, end, type: 'ssn' });
    }
  }
}

/**
 * An SSN word right before a window (then a `#` or `:`, which are no cluster characters; a `.`
 * starts the window): the glued form's digits lie in a window that starts there. No character
 * but `n`, `N`, `c` and `C` case-folds to the words' last letter, so that is looked at first.
 */
function glueWordBefore(text: string, start: number): boolean {
  const c = text.charCodeAt(start - 1);
  const k = c === 0x23 || c === 0x3a ? start - 1 : start;
  const last = text.charCodeAt(k - 1) | 0x20;
  return (last === 0x6e || last === 0x63) /* n, c */ && SSN_GLUE_WORD_END.test(text.slice(Math.max(0, k - 8), k));
}

/** `+1 212-55-1234 5`, `2024-01-1234`, `12.345-67-8901`: digits continuing on either side. */
function partOfLongerNumber(text: string, start: number, end: number): boolean {
  const before = text[start - 1];
  if ((before === '-' || before === '.' || before === '/' || before === '+') && (isWordChar(text[start - 2]) || before === '+')) return true;
  if ((before === ' ' || before === '-') && /\d/.test(text[start - 2] ?? '') && /[+\d]/.test(text[start - 3] ?? '')) return true;
  const after = text[end];
  if ((after === '-' || after === '.' || after === '/') && isWordChar(text[end + 1])) return true;
  return after === ' ' && /\d/.test(text[end + 1] ?? '') && /\d/.test(text[end + 2] ?? '');
}
