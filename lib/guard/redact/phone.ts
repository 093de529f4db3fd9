/**
 * Phone numbers: international (`+44 20 7946 0958`, `0049 30 123456`), North American
 * (`(555) 123-4567`, `1-800-555-0199`) and European national forms with a trunk 0
 * (`06 12 34 56 78`, `020 7946 0958`). A layout rule finds candidates, libphonenumber-js
 * decides whether the digits can be a number there; dates, IPs, versions, prices and ids
 * are rejected by layout and by what they are glued to. Bare digit strings count only next
 * to a phone word ("tel", "mobile", ...), because order ids and timestamps look the same.
 */
import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js';
import { isWordChar, keywordBefore } from './context';
import { digitWindows, sticky, type DigitWindow } from './digit-windows';
import type { Detector, Finding } from './finding';


/** An ASCII digit at `at` (local: an imported function costs a module getter per call under tsx and jest). */
function digitAt(text: string, at: number): boolean {
  const c = text.charCodeAt(at);
  return c >= 48 && c <= 57;
}
/** Runs of digits with single separators and parentheses, optionally led by `+` or `(`. */
const PHONE_RUN = /(?<![\p{L}\p{N}_+.\/\-#$€£@\\]|\d:)(?:\+|\(\+?)?\d(?:\d|[ \u00A0.\-]\(?\d|\)[ \u00A0.\-]?\d|\(\d){5,30}\)?/gu;
const PHONE_START = sticky(PHONE_RUN);
/** ASCII characters PHONE_RUN's lookbehind rules out right before a number: letters, digits, `_+./-#$@\`. */
const NOT_BEFORE_PHONE = new Uint8Array(128);
for (const c of 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_+./-#$@\\') NOT_BEFORE_PHONE[c.charCodeAt(0)] = 1;
/** Where PHONE_RUN can start: `+`, `(` or a digit, not after a character (or `digit:`) its lookbehind rules out in ASCII. */
function mayStartPhone(text: string, at: number): boolean {
  const c = text.charCodeAt(at);
  if (c !== 0x2b && c !== 0x28 && !(c >= 48 && c <= 57)) return false;
  const before = text.charCodeAt(at - 1);
  if (before < 128 && NOT_BEFORE_PHONE[before] === 1) return false;
  return !(before === 0x3a && digitAt(text, at - 2));
}
/** Phone words in the shop's languages: EN, DE (Telefon, Handy, Rückruf), FR, ES, IT, NL (bel, mobiel). */
const PHONE_WORD =
  /phone|\btel\b|tel:|t[ée]l[ée]f|mobile|\bcell|\bfax|\bcall|\bsms\b|whatsapp|\bph\b|\bmob\b|contact|m[óo]vil|mobil|handy|portable|llam|chiam|\bbel\b|r[üu]ckruf|anruf/i;
/**
 * A number labelled as something else is that thing, even in a phone layout: `ISBN 0-306-40615-2`,
 * `Order 030 12345678`, `Ref: 06 12 34 56 78`, `UPC 0 36000 29145 2` (unless a phone word is there too).
 */
const NOT_A_PHONE_LABEL =
  /\b(?:isbn|issn|order|bestell\p{L}*|auftrag\p{L}*|rechnung\p{L}*|invoice|ref|reference|ticket|case|batch|lot|id|sku|ean|upc|gtin|serial|s\/n|tracking|sendung\p{L}*|awb|artikel\p{L}*|item|part|pedido|commande|ordine|bestelling|factura|facture|fattura|kunden\p{L}*|zip|postcode|postal|plz|cp|cap)(?:-1[03])?\.?\s{0,2}(?:no\.?|nr\.?|number|num|#|id)?\s{0,2}[:#=]?\s{0,2}$/iu;
/** Countries without a trunk 0 whose national numbers people write bare: Spain (6xx/7xx/8xx/9xx), Italian mobiles (3xx). */
const NO_TRUNK_COUNTRIES: readonly CountryCode[] = ['ES', 'IT'];
/** Countries whose national numbers start with a trunk 0 (or, for Italy, a leading 0). */
const TRUNK_ZERO_COUNTRIES: readonly CountryCode[] = ['GB', 'FR', 'DE', 'IT', 'NL', 'BE', 'AT', 'CH', 'IE', 'PL', 'SE', 'FI', 'PT'];
const NANP_AREA = /^[2-9]\d\d$/;

interface Group {
  /** Offsets in the whole text. */
  readonly start: number;
  readonly end: number;
  /** `(` right before the digits. */
  readonly open: boolean;
  /** `)` right after the digits. */
  readonly close: boolean;
}

export const findPhones: Detector = (text, out) => findPhonesIn(text, digitWindows(text), out);

/**
 * findPhones on the given windows of `text` (digit-windows.ts): every PHONE_RUN match lies in one.
 * `scan: 'global'` ignores the windows and runs PHONE_RUN over the whole text (the reference in tests).
 */
export function findPhonesIn(text: string, windows: readonly DigitWindow[], out: Finding[], scan: 'anchored' | 'global' = 'anchored'): void {
  if (scan === 'global') {
    PHONE_RUN.lastIndex = 0;
    for (let m = PHONE_RUN.exec(text); m !== null; m = PHONE_RUN.exec(text)) scanRun(text, splitGroups(text, m.index, m.index + m[0].length), out);
    return;
  }
  for (const w of windows) {
    // eachStickyMatchIn, written out (a shared loop with a callback cost more than the pattern)
    for (let at = w.start; at < w.end; at++) {
      if (!mayStartPhone(text, at)) continue;
      PHONE_START.lastIndex = at;
      const m = PHONE_START.exec(text);
      if (m === null) continue;
      if (!gluedRun(text, at, at + m[0].length)) scanRun(text, splitGroups(text, at, at + m[0].length), out);
      at += m[0].length - 1;
    }
  }
}

function splitGroups(text: string, from: number, to: number): Group[] {
  const groups: Group[] = [];
  let k = from;
  while (k < to) {
    const c = text.charCodeAt(k);
    if (c < 48 || c > 57) {
      k++;
      continue;
    }
    const start = k;
    while (k < to && text.charCodeAt(k) >= 48 && text.charCodeAt(k) <= 57) k++;
    groups.push({ start, end: k, open: text[start - 1] === '(', close: text[k] === ')' });
  }
  return groups;
}

/** Tries the whole run, then shorter runs of its groups split at whitespace. */
function scanRun(text: string, groups: readonly Group[], out: Finding[]): void {
  let a = 0;
  while (a < groups.length) {
    let found = -1;
    // A leading group may be dropped ("qty 2 +44 20 …") only before a clear start: `+` or `(`.
    const clearStart = text[groups[a].start - 1] === '+' || text[groups[a].start - 1] === '(';
    if (a === 0 || (clearStart && /^\s+\(?\+?$/.test(text.slice(groups[a - 1].end, groups[a].start)))) {
      for (let b = groups.length - 1; b >= a; b--) {
        if (b < groups.length - 1 && !spacesBetween(text, groups[b].end, groups[b + 1].start)) continue;
        if (isPhone(text, groups.slice(a, b + 1))) {
          found = b;
          break;
        }
      }
    }
    if (found >= 0) {
      const first = groups[a];
      const last = groups[found];
      let start = first.open ? first.start - 1 : first.start;
      if (text[start - 1] === '+') start--;
      out.push({ start, end: endOf(text, start, last), type: 'phone' });
      a = found + 1;
    } else a++;
  }
}

/**
 * A run scanRun() would reject as a whole without splitting it (`2024-01-15T10`, `123.456.789abc`):
 * with no space, NBSP, `(`, `)` or `+` in it, the only candidate scanRun() tries is the whole run
 * (shorter ones end at whitespace, or start after a `+` or `(`), with no `+` before it (the
 * pattern's lookbehind) and no `)` after; and a word character right after it makes that one
 * glued. Saves the groups and labels of every date and id a result is full of.
 */
function gluedRun(text: string, start: number, end: number): boolean {
  if (!isWordChar(text[end])) return false;
  for (let k = start; k < end; k++) {
    const c = text.charCodeAt(k);
    if (c === 0x20 || c === 0xa0 || c === 0x28 || c === 0x29 || c === 0x2b) return false;
  }
  return true;
}

/**
 * `/^\s+$/` over the separator between two groups of a PHONE_RUN match, whose characters are
 * ` `, NBSP, `.`, `-`, `(` and `)`: of these only the two spaces are `\s`.
 */
function spacesBetween(text: string, from: number, to: number): boolean {
  if (to <= from) return false;
  for (let k = from; k < to; k++) {
    const c = text.charCodeAt(k);
    if (c !== 0x20 && c !== 0xa0) return false;
  }
  return true;
}

function isPhone(text: string, groups: readonly Group[]): boolean {
  const first = groups[0];
  const last = groups[groups.length - 1];
  const start = first.open ? first.start - 1 : first.start;
  const plus = text[start - 1] === '+';
  const end = endOf(text, start, last);
  if (glued(text, plus ? start - 1 : start, end)) return false;

  const lens = groups.map((g) => g.end - g.start);
  let digits = '';
  for (const g of groups) digits += text.slice(g.start, g.end);
  if (digits.length < 7 || digits.length > 15) return false;

  const seps = new Set<string>();
  for (let k = 1; k < groups.length; k++) {
    const sep = text.slice(groups[k - 1].end, groups[k].start).replace(/[()]/g, '');
    seps.add(sep.length === 0 ? '' : /\s/.test(sep) ? ' ' : sep);
  }
  if (seps.has('.') && seps.size > 1) return false;
  if (seps.has('.') && lens.length === 4 && lens.every((n) => n <= 3)) return false; // an IPv4 address
  // AAA-GG-SSSS is how SSNs are written (the SSN detector judges those) and 5-4 is a ZIP+4 code.
  if (!plus && (lens.join('-') === '3-2-4' || lens.join('-') === '5-4') && seps.size === 1 && seps.has('-')) return false;
  const label = text.slice(Math.max(0, start - 24), plus ? start - 1 : start);
  if (NOT_A_PHONE_LABEL.test(label) && !PHONE_WORD.test(label)) return false;
  const parens = groups.some((g) => g.open || g.close);
  if (!plus && !parens && looksLikeDate(lens)) return false;

  if (plus) return possible(`+${digits}`);
  if (digits.startsWith('00') && digits[2] !== '0') return groups.length > 1 && possible(`+${digits.slice(2)}`);
  if (groups.length === 1 && !keywordBefore(text, start, PHONE_WORD, 32)) return false;
  if (isNorthAmerican(digits, lens, groups)) return true;
  // A 7-digit local number (`Phone: 555-0132`) only right after a phone word.
  if (digits.length === 7 && lens.join('-') === '3-4' && /^[2-9]/.test(digits) && keywordBefore(text, start, PHONE_WORD, 16)) return true;
  if (digits[0] === '0' && digits.length >= 9 && digits.length <= 11) {
    return validIn(TRUNK_ZERO_COUNTRIES, digits);
  }
  // Spanish `612 34 56 78` is distinctive on its own; other bare layouts (`612 345 678`,
  // `3471234567`) are ids as often as numbers, so they need a phone word.
  const spanishLayout = digits.length === 9 && lens.join('-') === '3-2-2-2';
  if (spanishLayout || (digits.length >= 9 && digits.length <= 10 && keywordBefore(text, start, PHONE_WORD, 32))) {
    return validIn(NO_TRUNK_COUNTRIES, digits);
  }
  return false;
}

function isNorthAmerican(digits: string, lens: readonly number[], groups: readonly Group[]): boolean {
  const shape = lens.join('-');
  if (digits.length === 10 && (shape === '3-3-4' || shape === '10')) return NANP_AREA.test(digits.slice(0, 3)) && (shape === '10' || !groups[1].open);
  if (digits.length === 11 && digits[0] === '1' && (shape === '1-3-3-4' || shape === '11')) return NANP_AREA.test(digits.slice(1, 4));
  return false;
}

/** 2024-01-15, 15.01.2024, 01 02 2024, 2024 01 15: dates, not numbers to call. */
function looksLikeDate(lens: readonly number[]): boolean {
  if (lens.length !== 3) return false;
  const [a, b, c] = lens;
  return (a === 4 && b <= 2 && c <= 2) || (a <= 2 && b <= 2 && (c === 4 || c === 2));
}

function possible(e164: string): boolean {
  return answer(e164, () => parsePhoneNumberFromString(e164)?.isPossible() === true);
}

/** A national number valid in one of `countries`. */
function validIn(countries: readonly CountryCode[], digits: string): boolean {
  return answer(`${countries[0]}:${digits}`, () => countries.some((country) => parsePhoneNumberFromString(digits, country)?.isValid() === true));
}

/**
 * libphonenumber's answers for the text being read (about 10 µs each): a number that comes back
 * in one text (a customer on every order line, the same result twice, a hostile text repeating
 * one) is parsed once. Kept only while one text is read (forgetPhoneAnswers), bounded: no
 * number outlives the redaction that read it.
 */
const answers = new Map<string, boolean>();
const ANSWERS_MAX = 1024;

function answer(key: string, compute: () => boolean): boolean {
  let known = answers.get(key);
  if (known === undefined) {
    known = compute();
    if (answers.size >= ANSWERS_MAX) answers.clear();
    answers.set(key, known);
  }
  return known;
}

/** Drops the answers (findSensitive calls this when its detectors are done with a text). */
export function forgetPhoneAnswers(): void {
  answers.clear();
}

/** Digits glued to a word, a decimal, a time or a range on either side. */
function glued(text: string, start: number, end: number): boolean {
  const before = text[start - 1];
  if (isWordChar(before)) return true;
  if ((before === '-' || before === '.' || before === '/') && isWordChar(text[start - 2])) return true;
  if (before === ':' && /\d/.test(text[start - 2] ?? '')) return true; // 10:30, not tel:+1…
  const after = text[end];
  if (isWordChar(after)) return true;
  if ((after === '-' || after === '_') && isWordChar(text[end + 1])) return true;
  return (after === '.' || after === ',' || after === ':' || after === '/') && /\d/.test(text[end + 1] ?? '');
}

/** Past the last digit, and past a `)` only when the number opened one: `(Jane, +49 170 1234567)` keeps its own. */
function endOf(text: string, start: number, last: Group): number {
  if (!last.close) return last.end;
  let open = 0;
  for (let k = start; k < last.end; k++) {
    if (text[k] === '(') open++;
    else if (text[k] === ')') open--;
  }
  return open > 0 ? last.end + 1 : last.end;
}
