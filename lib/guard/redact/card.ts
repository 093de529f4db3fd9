/**
 * Payment card numbers (PAN). A candidate must pass three tests: Luhn, an issuer prefix with a
 * length that issuer uses (IIN ranges from `credit-card-type`), and a grouping people write cards
 * in. Printed layouts (contiguous, 4-4-4-4, 4-4-4-4-3, Amex 4-6-5, Diners 4-6-4, 4-4-5) are cards
 * as they stand; any other grouping of 13-19 digits (`41111111 11111111`, `411 111 111 111 1111`,
 * `4 1 1 1 …`) has to look like one number rather than a list of numbers (see `freeLayoutOk`).
 * Lengths only some niche issuers use (12-15 and 17-19 digits, where barcodes, SSCC pallet labels
 * and IMEIs live) also need a card word nearby; a 16-digit Luhn-valid number with a card prefix is
 * a card even without one, unless it is labelled as a device serial (IMEISV is 16 digits).
 */
import creditCardType from 'credit-card-type';
import { isWordChar, keywordBefore } from './context';
import { digitWindows, eachMatchIn, type DigitWindow } from './digit-windows';
import type { Detector, Finding } from './finding';

/**
 * Maximal runs of digits joined by separator runs of one to three characters: any whitespace
 * (tabs, line breaks, NBSP, thin and narrow no-break spaces: `\s` covers Unicode spaces), dashes
 * (also the Unicode dashes word processors type), dots, slashes and underscores. A number copied
 * from a form or wrapped in a log ("4111 1111\n1111 1111") is still a card. Linear: each step
 * consumes a digit or a bounded separator run followed by a digit, and the two start differently.
 */
const DIGIT_RUN = /(?<!\d)\d(?:\d|[\s.\-_/\u2010-\u2015\u2212]{1,3}\d)*/g;
const WHITESPACE_ONLY = /^\s+$/;
/** A boundary inside a run where one number may end and the next begin: whitespace, or a slash (`…1111/12`, an expiry). */
const NUMBER_BREAK = /^(?:\s+|\s*\/\s*)$/;

/** Card words in the shop's languages (EN, DE, FR, ES, IT, NL, PT) and payment verbs. */
const CARD_WORD =
  /card|credit|debit|visa|master ?card|amex|american express|discover|diners|jcb|maestro|union ?pay|\b(?:cc|pan|mir|elo|troy|acct)\b|cc_?num|karte|carte|tarjeta|carta|kaart|cart[aã]o|paid with|pay(?:ment)? with|charged?\b|zahlung|paiement|pago|pagamento|betaling/i;
const DEVICE_WORD = /imei|\bmeid|serial no|serial number|s\/n/i;

/** At most this many digits in a card (19: Visa, Maestro, UnionPay, Discover). */
const MAX_DIGITS = 19;
/** Groups shorter than this make a free layout look like a list of small numbers. */
const SHORT_GROUP = 3;

/** Luhn (mod 10) over a digit string. */
export function luhnValid(digits: string): boolean {
  let sum = 0;
  let double = false;
  for (let i = digits.length - 1; i >= 0; i--) {
    let d = digits.charCodeAt(i) - 48;
    if (double) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    double = !double;
  }
  return sum % 10 === 0;
}

// credit-card-type clones its tables on every call; card-shaped numbers are rare, but a hostile
// input can repeat one, so remember answers (bounded) per issuer prefix and length.
const issuerCache = new Map<string, string | null>();
const ISSUER_CACHE_MAX = 4096;

/** The issuer whose prefix and lengths fit `digits`, or undefined. */
export function cardIssuer(digits: string): string | undefined {
  const key = `${digits.slice(0, 8)}:${digits.length}`;
  const cached = issuerCache.get(key);
  if (cached !== undefined) return cached ?? undefined;
  const issuer = creditCardType(digits).find((t) => t.lengths.includes(digits.length))?.type;
  if (issuerCache.size >= ISSUER_CACHE_MAX) issuerCache.clear();
  issuerCache.set(key, issuer ?? null);
  return issuer;
}

/** The layouts cards are printed and typed in. */
function printedLayout(lens: readonly number[]): boolean {
  if (lens.length === 1) return true;
  if (lens.length === 3 && lens[0] === 4 && lens[1] === 6 && (lens[2] === 5 || lens[2] === 4)) return true;
  // 4-4-5: how 13-digit (legacy Visa) numbers are printed.
  if (lens.length === 3 && lens[0] === 4 && lens[1] === 4 && lens[2] === 5) return true;
  for (let k = 0; k < lens.length - 1; k++) if (lens[k] !== 4) return false;
  const last = lens[lens.length - 1];
  return last >= 1 && last <= 4;
}

/** Lengths and layouts that are cards on their own, without a card word nearby. */
function unambiguous(issuer: string, lens: readonly number[], total: number, printed: boolean): boolean {
  if (total === 16) return true;
  if (issuer === 'american-express' && total === 15) return true;
  if (!printed) return false;
  if (issuer === 'diners-club' && total === 14 && lens.length === 3) return true;
  return total === 19 && lens.length === 5;
}

interface Group {
  start: number;
  end: number;
}

export const findCards: Detector = (text, out) => findCardsIn(text, digitWindows(text), out);

/** Every rule below needs 12 or more digits in one cluster of digits and separators. */
const MIN_CARD_DIGITS = 12;

/** findCards on the given windows of `text` (digit-windows.ts): every match of the patterns lies in one. */
export function findCardsIn(text: string, all: readonly DigitWindow[], out: Finding[]): void {
  const windows = all.filter((w) => w.digits >= MIN_CARD_DIGITS);
  if (windows.length === 0) return;
  for (const w of windows) {
    eachMatchIn(DIGIT_RUN, text, w, (m, index) => {
      const run = m[0];
      if (run.length < 12) return;
      const groups: Group[] = [];
      let groupStart = -1;
      for (let k = 0; k <= run.length; k++) {
        const isDigit = k < run.length && run.charCodeAt(k) >= 48 && run.charCodeAt(k) <= 57;
        if (isDigit && groupStart < 0) groupStart = k;
        if (!isDigit && groupStart >= 0) {
          groups.push({ start: index + groupStart, end: index + k });
          groupStart = -1;
        }
      }
      scanGroups(text, groups, out);
      for (const g of groups) if (g.end - g.start > MAX_DIGITS) gluedDigits(text, g, out);
    });
  }
  const joins = joinsOf(text, windows);
  for (let k = 0; k < SPELLED_OUT.length; k++) {
    const shape = SPELLED_OUT[k]!;
    for (let i = 0; i < windows.length; i++) {
      if ((joins[i]! & SPELLED_OUT_JOIN[k]!) !== 0) eachMatchIn(shape, text, windows[i]!, (m, index) => spelledOut(text, index, index + m[0].length, out));
    }
  }
}

/** The joins each SPELLED_OUT layout needs one of: a comma, `+`/`|`/`*`, a dash. */
const COMMA = 1;
const PLUS_BAR_STAR = 2;
const DASH = 4;
const SPELLED_OUT_JOIN = [COMMA, COMMA, PLUS_BAR_STAR, COMMA, DASH];

/** Which of those joins each window holds. */
function joinsOf(text: string, windows: readonly DigitWindow[]): Uint8Array {
  const joins = new Uint8Array(windows.length);
  for (let i = 0; i < windows.length; i++) {
    const w = windows[i]!;
    let seen = 0;
    for (let k = w.start; k < w.end; k++) {
      const c = text.charCodeAt(k);
      if (c === 0x2c) seen |= COMMA;
      else if (c === 0x2b || c === 0x7c || c === 0x2a) seen |= PLUS_BAR_STAR;
      else if (c === 0x2d) seen |= DASH;
    }
    joins[i] = seen;
  }
  return joins;
}

/**
 * Layouts the digit-run rules keep out because lists and codes use them too, accepted when the
 * digits are one Luhn-valid number of an issuer's length: groups joined by commas
 * (`4111,1111,1111,1111`, `3782, 822463, 10005`), quoted CSV or JSON-array groups
 * (`"4111","1111","1111","1111"`), the printed 4-4-4-4 layout joined by `+` (a form-encoded
 * space), `|` or `*`, and one digit per dash (`4-1-1-1-…`; one digit per dot stays a version number).
 */
const SPELLED_OUT = [
  /(?<![\d,.])\d{4}(?:, ?\d{4}){2}, ?\d{4}(?:, ?\d{1,3})?(?!\d|,\d)/g,
  /(?<![\d,.])\d{4}(?:(["'])\s?,\s?\1\d{4}){3}(?!\d|\1\s?,\s?\1\d{4}\1)/g,
  /(?<!\d|\d[+|*])\d{4}([+|*])\d{4}\1\d{4}\1\d{4}(?!\d|[+|*]\d)/g,
  /(?<![\d,.])\d{4}, ?\d{6}, ?\d{4,5}(?!\d|,\d)/g,
  /(?<![\d\-.])\d-\d(?:-\d){11,17}(?!\d|[\-.]\d)/g,
];

function spelledOut(text: string, start: number, end: number, out: Finding[]): void {
  if (gluedBefore(text, start) || gluedAfter(text, end)) return;
  let digits = '';
  for (let k = start; k < end; k++) if (text.charCodeAt(k) >= 48 && text.charCodeAt(k) <= 57) digits += text[k];
  if (digits.length < 13 || !luhnValid(digits)) return;
  const issuer = cardIssuer(digits);
  if (issuer === undefined) return;
  if (keywordBefore(text, start, CARD_WORD) || (digits.length === 16 && !keywordBefore(text, start, DEVICE_WORD, 32))) out.push({ start, end, type: 'card' });
}

/**
 * A card glued to other digits (`41111111111111111227`: the expiry typed after it, or before it),
 * only next to a card word: a long number holds some Luhn-valid 16 digits one time in ten.
 * The whole digit group is redacted.
 */
function gluedDigits(text: string, g: Group, out: Finding[]): void {
  const len = g.end - g.start;
  if (len > 2 * MAX_DIGITS + 4 || !keywordBefore(text, g.start, CARD_WORD)) return;
  const digits = text.slice(g.start, g.end);
  for (let n = MAX_DIGITS; n >= 13; n--) {
    for (const candidate of [digits.slice(0, n), digits.slice(len - n)]) {
      if (luhnValid(candidate) && cardIssuer(candidate) !== undefined) {
        out.push({ start: g.start, end: g.end, type: 'card' });
        return;
      }
    }
  }
}

/**
 * Left to right, the longest card starting at each group. A card has at most 19 digits, so at
 * most 19 groups are looked at per start: linear in the run.
 */
function scanGroups(text: string, groups: readonly Group[], out: Finding[]): void {
  // shortBefore[k]: groups shorter than SHORT_GROUP among groups[0..k-1]. A candidate with one
  // before its last group is no printed layout, so it must be the whole run (freeLayoutOk):
  // ruled out here in O(1), which keeps rows of small numbers ("1 2 3 …") cheap.
  const shortBefore = new Uint32Array(groups.length + 1);
  for (let k = 0; k < groups.length; k++) shortBefore[k + 1] = shortBefore[k] + (groups[k].end - groups[k].start < SHORT_GROUP ? 1 : 0);
  const lastGroup = groups.length - 1;
  let i = 0;
  while (i < groups.length) {
    let last = i;
    let total = groups[i].end - groups[i].start;
    while (last + 1 < groups.length && total + groups[last + 1].end - groups[last + 1].start <= MAX_DIGITS) {
      last++;
      total += groups[last].end - groups[last].start;
    }
    let matched = -1;
    for (let j = last; j >= i; j--) {
      const wholeRun = i === 0 && j === lastGroup;
      if ((wholeRun || shortBefore[j] === shortBefore[i]) && isCard(text, groups, i, j, total)) {
        matched = j;
        break;
      }
      total -= groups[j].end - groups[j].start;
    }
    if (matched >= 0) {
      out.push({ start: groups[i].start, end: groups[matched].end, type: 'card' });
      i = matched + 1;
    } else i++;
  }
}

function isCard(text: string, groups: readonly Group[], i: number, j: number, total: number): boolean {
  if (total < 12) return false;
  const count = j - i + 1;
  const lens: number[] = [];
  for (let k = i; k <= j; k++) lens.push(groups[k].end - groups[k].start);
  if (count > 1 && !consistentSlashes(text, groups, i, j)) return false;
  const printed = count <= 5 && printedLayout(lens);
  if (!printed && !freeLayoutOk(text, groups, i, j, lens, total)) return false;
  const start = groups[i].start;
  const end = groups[j].end;
  // Inside a longer run, a card is split from its neighbours by whitespace or a slash
  // ("qty 2 4111 1111 1111 1111", "4111…1111/12"); dashes, dots and underscores make one token (an id, a decimal).
  if (i > 0 && !NUMBER_BREAK.test(text.slice(groups[i - 1].end, start))) return false;
  if (j < groups.length - 1 && !NUMBER_BREAK.test(text.slice(end, groups[j + 1].start))) return false;
  if (i === 0 && gluedBefore(text, start)) return false;
  if (j === groups.length - 1 && gluedAfter(text, end)) return false;

  let digits = '';
  for (let k = i; k <= j; k++) digits += text.slice(groups[k].start, groups[k].end);
  if (!luhnValid(digits)) return false;
  // credit-card-type dropped 13-digit Visa (legacy, still in test suites: 4222222222222);
  // like other uncommon lengths it counts only next to a card word.
  const issuer = cardIssuer(digits) ?? (total === 13 && digits[0] === '4' ? 'visa' : undefined);
  if (issuer === undefined) return false;
  if (keywordBefore(text, start, CARD_WORD)) return true;
  // A device serial (IMEISV is 16 digits) labelled as such is not a card; other labels
  // (barcode, SSCC, tracking) only rule out lengths that cards rarely have.
  if (unambiguous(issuer, lens, total, printed)) return !keywordBefore(text, start, DEVICE_WORD, 32);
  return false;
}

/**
 * A slash or underscore joins every group of a card or none: `4111/1111/1111/1111` is a card,
 * `1234/5678 9012/3456` two fractions, `4111_1111 2222_3333` two ids.
 */
function consistentSlashes(text: string, groups: readonly Group[], i: number, j: number): boolean {
  let slashes = 0;
  let underscores = 0;
  for (let k = i + 1; k <= j; k++) {
    const sep = text.slice(groups[k - 1].end, groups[k].start);
    if (sep.includes('/')) slashes++;
    if (sep.includes('_')) underscores++;
  }
  const joins = j - i;
  return (slashes === 0 || slashes === joins) && (underscores === 0 || underscores === joins);
}

/**
 * Any other grouping (`41111111 11111111`, `411 111 111 111 1111`, `4 1 1 1 … 1`, mixed
 * separators) is one card number only when it cannot as well be a list of numbers:
 * - 13-19 digits;
 * - a group of one or two digits is joined to its neighbours by whitespace only (so dates
 *   `2026/11/25`, versions `4.1.1`, IPs, decimals and `4-1-1` codes stay whole tokens), and such a
 *   grouping must be the entire digit run: a row of small numbers ("qty 4 1 1 1 …") is a card only
 *   if the whole row is 13-19 digits, which together with issuer + Luhn leaves few tables;
 * - not thousands grouping (`4 111 111 111 111 111`: a big number, first group 1-3 digits, the rest 3);
 * - no date inside (`25 11 2026 26 11 2026`), no IPv4 dotted quad, no `+` before (a phone number).
 */
function freeLayoutOk(text: string, groups: readonly Group[], i: number, j: number, lens: readonly number[], total: number): boolean {
  if (total < 13) return false;
  let hasShort = false;
  for (let k = 0; k < lens.length; k++) {
    if (lens[k] >= SHORT_GROUP) continue;
    hasShort = true;
    const g = groups[i + k];
    if (k > 0 && !WHITESPACE_ONLY.test(text.slice(groups[i + k - 1].end, g.start))) return false;
    if (k < lens.length - 1 && !WHITESPACE_ONLY.test(text.slice(g.end, groups[i + k + 1].start))) return false;
  }
  if (hasShort && (i > 0 || j < groups.length - 1)) return false;
  if (lens[0] <= 3 && lens.slice(1).every((n) => n === 3)) return false;
  if (text[groups[i].start - 1] === '+' || text[groups[i].start - 2] === '+') return false;
  const values = lens.map((_, k) => text.slice(groups[i + k].start, groups[i + k].end));
  return !containsDate(values) && !containsDottedQuad(text, groups, i, j);
}

const isYear = (g: string) => g.length === 4 && (g.startsWith('19') || g.startsWith('20'));
const inRange = (g: string, max: number) => g.length <= 2 && Number(g) >= 1 && Number(g) <= max;

/** YYYY MM DD or DD MM YYYY (also MM DD YYYY) among consecutive groups. */
function containsDate(values: readonly string[]): boolean {
  for (let k = 0; k + 2 < values.length; k++) {
    const [a, b, c] = [values[k], values[k + 1], values[k + 2]];
    if (isYear(a) && inRange(b, 12) && inRange(c, 31)) return true;
    if (isYear(c) && inRange(a, 31) && inRange(b, 31) && (inRange(a, 12) || inRange(b, 12))) return true;
  }
  return false;
}

/** Four groups of at most 255 joined by single dots: an IPv4 address. */
function containsDottedQuad(text: string, groups: readonly Group[], i: number, j: number): boolean {
  let dotted = 0;
  for (let k = i; k <= j; k++) {
    const g = groups[k];
    const octet = g.end - g.start <= 3 && Number(text.slice(g.start, g.end)) <= 255;
    const joined = k > i && text.slice(groups[k - 1].end, g.start) === '.';
    dotted = octet ? (joined ? dotted + 1 : 1) : 0;
    if (dotted === 4) return true;
  }
  return false;
}

/** `ORD4111…`, `ORD-4111…`, `0.4111…`: part of an id or a decimal; `visa4111…` is a card. */
function gluedBefore(text: string, start: number): boolean {
  const before = text[start - 1];
  // `card%3D4111…` in a logged URL: the percent-escape is a separator, not part of the number.
  if (isWordChar(before)) return !PERCENT_ESCAPE.test(text.slice(Math.max(0, start - 3), start)) && !GLUED_CARD_WORD.test(text.slice(Math.max(0, start - 16), start));
  return (before === '-' || before === '.' || before === '_') && isWordChar(text[start - 2]);
}

/**
 * `…1111ABC`, `…1111-A`, `…1111.5`, `…1111,50`: part of a longer token. A comma followed by
 * another card-length number is a list (`4111…1111,4012…1881` in a CSV row), not a decimal.
 */
function gluedAfter(text: string, end: number): boolean {
  const after = text[end];
  if (isWordChar(after)) return !GLUED_EXPIRY.test(text.slice(end, end + 8));
  if ((after === '-' || after === '_') && isWordChar(text[end + 1])) return true;
  if (after === ',') return /\d/.test(text[end + 1] ?? '') && !CARD_LENGTH_NEXT.test(text.slice(end + 1, end + 21));
  return after === '.' && /\d/.test(text[end + 1] ?? '');
}
const PERCENT_ESCAPE = /^%[0-9A-Fa-f]{2}$/;
/** A card word the number is typed straight after (`visa4111…`, `CC#`, `cardno4111…`), itself a whole word. */
const GLUED_CARD_WORD = /(?<![A-Za-z])(?:visa|mastercard|master|mc|amex|card|cardno|cardnum|cardnumber|cc|ccnum|ccno|pan|debit|credit|karte|carte|tarjeta|carta|kaart|cartao)$/i;
/** What customers type straight after a card: the expiry or the code (`…1111exp1227`, `…1111cvv123`). */
const GLUED_EXPIRY = /^(?:exp|cvv|cvc|ccv|valid|gültig|mm|until)/i;
const CARD_LENGTH_NEXT = /^\d{12,19}(?!\d)/;
