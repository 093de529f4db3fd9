/**
 * Card numbers in any grouping people type (issue #4 audit: "Luhn-checked, any spacing"), and the
 * look-alikes that must survive: rows of small numbers, fractions, dates, IPs, versions, prices,
 * phone numbers and barcodes. Near-miss negatives are built to pass Luhn and carry a card prefix,
 * so only the grouping rules keep them.
 */
import { redact } from '../../../../lib/guard/redact';
import { shopPolicy } from './shop-policy';

const hidden = (text: string) => redact(text, 'public', shopPolicy);
const untouched = (text: string) => expect(hidden(text).text).toBe(text);

/** Independent Luhn, to build hard negatives. */
function luhn(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 1) d = d * 2 > 9 ? d * 2 - 9 : d * 2;
    sum += d;
  }
  return sum % 10 === 0;
}
/** The first filling of the `#` in `template` (0-9, or 00-99 for `##`) whose digits pass Luhn. */
function luhnFill(template: string): string {
  const width = (template.match(/#+/) ?? [''])[0].length;
  for (let n = 0; n < 10 ** width; n++) {
    const text = template.replace(/#+/, String(n).padStart(width, '0'));
    if (luhn(text.replace(/\D/g, ''))) return text;
  }
  throw new Error(`no Luhn-valid filling of ${template}`);
}

describe('card numbers in any grouping', () => {
  it.each([
    ['8-8', '41111111 11111111'],
    ['3-3-3-3-4', '411 111 111 111 1111'],
    ['slashes', '4111/1111/1111/1111'],
    ['one digit per group', '4 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1'],
    ['dots', '4111.1111.1111.1111'],
    ['underscores', '4111_1111_1111_1111'],
    ['spaced dashes', '4111 - 1111 - 1111 - 1111'],
    ['no-break spaces (U+00A0)', '4111\u00a01111\u00a01111\u00a01111'],
    ['narrow no-break spaces (U+202F)', '4111\u202f1111\u202f1111\u202f1111'],
    ['thin spaces (U+2009)', '4111\u20091111\u20091111\u20091111'],
    ['figure and ideographic spaces', '4111\u20071111\u30001111\u20071111'],
    ['mixed separators', '4111-1111 1111.1111'],
    ['mixed separators around dashes', '4111 -1111- 1111 - 1111'],
    ['mixed separators in a free grouping', '411.111-111 111\u00a01111'],
    ['Mastercard 4-4-8', '5555 5555 55554444'],
    ['Mastercard in pairs', '55 55 55 55 55 55 44 44'],
    ['Amex with slashes', '3782/822463/10005'],
    ['Amex 5-5-5', '37828 22463 10005'],
  ])('redacts a card written %s: %s', (_layout, card) => {
    expect(hidden(`ref ${card} ok`).text).toBe('ref [REDACTED:card] ok');
    expect(hidden(card).counts).toEqual({ card: 1 });
  });

  it('redacts the card and keeps the expiry written after it', () => {
    expect(hidden('41111111 11111111 12/27').text).toBe('[REDACTED:card] 12/27');
    expect(hidden('4111111111111111/12').text).toBe('[REDACTED:card]/12');
    expect(hidden('card 411 111 111 111 1111 exp 11/27').text).toBe('card [REDACTED:card] exp 11/27');
  });

  it('needs a card word for lengths other than 16 (15 for Amex) in a free grouping, as in printed ones', () => {
    const visa19 = luhnFill('400012345678901234#');
    expect(luhn(visa19.slice(0, 16))).toBe(false); // so no 16-digit card hides in it
    const free = `${visa19.slice(0, 8)} ${visa19.slice(8, 16)} ${visa19.slice(16)}`; // 8-8-3
    untouched(`ref ${free}`);
    expect(hidden(`Karte ${free}`).text).toBe('Karte [REDACTED:card]');
  });

  it('still requires Luhn and an issuer prefix', () => {
    untouched('41111111 11111112'); // Luhn fails
    untouched(luhnFill('9111 111 111 111 111#')); // Luhn passes, no issuer starts with 9
  });
});

describe('look-alikes that stay', () => {
  it('keeps a row of small numbers longer than a card, though a card-shaped run hides inside it', () => {
    // "4 1 1 … 1" (16 digits, a Luhn-valid Visa) followed by more quantities: a table, not a card.
    untouched('qty 4 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 2 3 4');
    untouched('qty 1 4 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1');
  });

  it('redacts a row of exactly 16 single digits that reads as a Luhn-valid Visa: no rule can tell it from a card (documented limit)', () => {
    expect(hidden('qty 4 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1').counts).toEqual({ card: 1 });
  });

  it('keeps fractions, dates and times', () => {
    untouched('4111/1111');
    untouched('ratios 4111/1111 1111/1111'); // digits are 4111111111111111: two fractions, not a card
    untouched('ids 4111_1111 1111_1111');
    untouched('shipped 2026/11/25, due 2026/12/01');
    untouched(luhnFill('2026/11/25 2026/11/2#'));
    // DD MM YYYY pairs start 25xx, a Mastercard prefix; Luhn-valid here.
    untouched(`from ${luhnFill('25 11 2026 2# 11 2026')}`);
    untouched(`dates ${luhnFill('25 11 2026 26 11 20##')}`);
    untouched(luhnFill('25-11-2026 2#-11-2026'));
  });

  it('keeps IP addresses and version strings', () => {
    untouched(`host ${luhnFill('230.100.200.1## 4111')}`); // dotted quad + port-like number, Mastercard 23xx
    untouched(`version ${luhnFill('4.1.1.1.1.1.1.1.1.1.1.1.1.1.1.#')}`);
    untouched(`node ${luhnFill('41.11.111.1111.111#')}`);
  });

  it('keeps prices and big numbers with digit grouping', () => {
    untouched('Revenue 4 111 111 111 111 111 USD'); // thousands grouping, digits are 4111111111111111
    untouched('Revenue 4\u202f111\u202f111\u202f111\u202f111\u202f111 EUR');
    untouched('total 4 111 111 111 111,11 €');
    untouched('price 4111.1111.1111.1111,50');
  });

  it('takes phone numbers for phones, not cards', () => {
    expect(hidden('+41 11 1111 1111 1111').counts.card).toBeUndefined(); // digits are 4111111111111111 after a +
    expect(hidden('call +1 415 555 0132 or 415 555 0199').counts).toEqual({ phone: 2 });
    expect(hidden('Tel. 06 12 34 56 78 / 06 98 76 54 32').counts).toEqual({ phone: 2 });
  });

  it('keeps IMEI, ICCID, EAN-13, SSCC, epoch millis and order ids in any grouping', () => {
    untouched(`IMEI ${luhnFill('35 209900 176148 #')}`);
    untouched(`ICCID ${luhnFill('8944 1234 5678 9012 34#')}`);
    untouched(`EAN ${luhnFill('4 006381 33393#')}`); // 13 digits, Visa prefix: needs a card word
    untouched(`SSCC ${luhnFill('4 0614141 123456789 #')}`); // 18 digits, Visa prefix
    untouched(`ts ${luhnFill('1718 000 000 00#')}`);
    untouched(`order ${luhnFill('4111-11-11-1111-111#')}`); // short groups joined by dashes: an id
    untouched(`id ${luhnFill('4111_11_1111_1111_#')}`);
  });

  it('keeps numbers glued to ids, decimals and underscores', () => {
    untouched('ORD_4111_1111_1111_1111');
    untouched('4111111111111111_2');
    untouched('v4111.1111.1111.1111');
  });
});
