/**
 * Payment card numbers (PAN). A candidate must pass three tests: Luhn, an issuer prefix with a
 * length that issuer uses (IIN ranges from `credit-card-type`), and a layout people write cards
 * in (contiguous, 4-4-4-4, 4-4-4-4-3, Amex 4-6-5, Diners 4-6-4). Lengths only some niche issuers
 * use (12-15 and 17-19 digits, where barcodes, SSCC pallet labels and IMEIs live) also need a
 * card word nearby; a 16-digit Luhn-valid number with a card prefix is a card even without one,
 * unless it is labelled as a device serial (IMEISV is 16 digits).
 */
import creditCardType from 'credit-card-type';
import { isWordChar, keywordBefore } from './context';
import type { Detector, Finding } from './finding';

/**
 * Maximal runs of digits joined by at most three separators: spaces, NBSP, thin spaces, dashes,
 * dots, Unicode dashes (word processors turn `-` into `–`), and also tabs and line breaks, because a number copied from a form or wrapped in a log
 * or a support note ("4111 1111\n1111 1111", "3714\r\n256951\r\n25138") is still a card.
 */
const DIGIT_RUN = /(?<!\d)\d(?:\d|[ \t\r\n\u00A0\u2009\u202F.\-\u2010-\u2015\u2212]{1,3}\d)*/g;

/** Card words in the shop's languages (EN, DE, FR, ES, IT, NL, PT) and payment verbs. */
const CARD_WORD =
  /card|credit|debit|visa|master ?card|amex|american express|discover|diners|jcb|maestro|union ?pay|\b(?:cc|pan|mir|elo|troy|acct)\b|cc_?num|karte|carte|tarjeta|carta|kaart|cart[aã]o|paid with|pay(?:ment)? with|charged?\b|zahlung|paiement|pago|pagamento|betaling/i;
const DEVICE_WORD = /imei|\bmeid|serial no|serial number|s\/n/i;

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

function layoutOk(lens: readonly number[]): boolean {
  if (lens.length === 1) return true;
  if (lens.length === 3 && lens[0] === 4 && lens[1] === 6 && (lens[2] === 5 || lens[2] === 4)) return true;
  // 4-4-5: how 13-digit (legacy Visa) numbers are printed.
  if (lens.length === 3 && lens[0] === 4 && lens[1] === 4 && lens[2] === 5) return true;
  for (let k = 0; k < lens.length - 1; k++) if (lens[k] !== 4) return false;
  const last = lens[lens.length - 1];
  return last >= 1 && last <= 4;
}

/** Lengths and layouts that are cards on their own, without a card word nearby. */
function unambiguous(issuer: string, lens: readonly number[], total: number): boolean {
  if (total === 16) return true;
  if (issuer === 'american-express' && total === 15) return true;
  if (issuer === 'diners-club' && total === 14 && lens.length === 3) return true;
  return total === 19 && lens.length === 5;
}

interface Group {
  start: number;
  end: number;
}

export const findCards: Detector = (text, out) => {
  DIGIT_RUN.lastIndex = 0;
  for (let m = DIGIT_RUN.exec(text); m !== null; m = DIGIT_RUN.exec(text)) {
    const run = m[0];
    if (run.length < 12) continue;
    const groups: Group[] = [];
    let groupStart = -1;
    for (let k = 0; k <= run.length; k++) {
      const isDigit = k < run.length && run.charCodeAt(k) >= 48 && run.charCodeAt(k) <= 57;
      if (isDigit && groupStart < 0) groupStart = k;
      if (!isDigit && groupStart >= 0) {
        groups.push({ start: m.index + groupStart, end: m.index + k });
        groupStart = -1;
      }
    }
    scanGroups(text, groups, out);
  }
};

function scanGroups(text: string, groups: readonly Group[], out: Finding[]): void {
  let i = 0;
  while (i < groups.length) {
    let matched = -1;
    for (let j = Math.min(groups.length - 1, i + 4); j >= i; j--) {
      if (isCard(text, groups, i, j)) {
        matched = j;
        break;
      }
    }
    if (matched >= 0) {
      out.push({ start: groups[i].start, end: groups[matched].end, type: 'card' });
      i = matched + 1;
    } else i++;
  }
}

function isCard(text: string, groups: readonly Group[], i: number, j: number): boolean {
  const lens: number[] = [];
  let total = 0;
  for (let k = i; k <= j; k++) {
    lens.push(groups[k].end - groups[k].start);
    total += groups[k].end - groups[k].start;
  }
  if (total < 12 || total > 19 || !layoutOk(lens)) return false;
  const start = groups[i].start;
  const end = groups[j].end;
  // Inside a longer run, only whitespace may separate a card from its neighbours
  // ("qty 2 4111 1111 1111 1111"); dashes and dots make one token (an id, a decimal).
  if (i > 0 && !/^\s+$/.test(text.slice(groups[i - 1].end, start))) return false;
  if (j < groups.length - 1 && !/^\s+$/.test(text.slice(end, groups[j + 1].start))) return false;
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
  if (unambiguous(issuer, lens, total)) return !keywordBefore(text, start, DEVICE_WORD, 32);
  return false;
}

/** `ORD4111…`, `ORD-4111…`, `0.4111…`: part of an id or a decimal. */
function gluedBefore(text: string, start: number): boolean {
  const before = text[start - 1];
  // `card%3D4111…` in a logged URL: the percent-escape is a separator, not part of the number.
  if (isWordChar(before)) return !PERCENT_ESCAPE.test(text.slice(Math.max(0, start - 3), start));
  return (before === '-' || before === '.' || before === '_') && isWordChar(text[start - 2]);
}

/**
 * `…1111ABC`, `…1111-A`, `…1111.5`, `…1111,50`: part of a longer token. A comma followed by
 * another card-length number is a list (`4111…1111,4012…1881` in a CSV row), not a decimal.
 */
function gluedAfter(text: string, end: number): boolean {
  const after = text[end];
  if (isWordChar(after)) return true;
  if ((after === '-' || after === '_') && isWordChar(text[end + 1])) return true;
  if (after === ',') return /\d/.test(text[end + 1] ?? '') && !CARD_LENGTH_NEXT.test(text.slice(end + 1, end + 21));
  return after === '.' && /\d/.test(text[end + 1] ?? '');
}
const PERCENT_ESCAPE = /^%[0-9A-Fa-f]{2}$/;
const CARD_LENGTH_NEXT = /^\d{12,19}(?!\d)/;
