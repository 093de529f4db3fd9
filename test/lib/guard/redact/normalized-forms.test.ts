/**
 * Cards, SSNs and IBANs in the forms customers really type (issue 7, point 2): other digit
 * scripts, invisible characters, unusual separators and glued words. The text is normalized for
 * detection (NFKC, every Unicode decimal digit to ASCII, default-ignorable code points removed)
 * and the ORIGINAL span is redacted, so nothing of the value survives in what is sent.
 */
import { redact, redactJson } from '../../../../lib/guard/redact';
import { detectionView } from '../../../../lib/guard/redact/normalize';
import { shopPolicy } from './shop-policy';

const toScript = (digits: string, zero: number) => digits.replace(/\d/g, (d) => String.fromCodePoint(zero + Number(d)));
const FULLWIDTH = 0xff10;
const ARABIC_INDIC = 0x0660;
const MATH_BOLD = 0x1d7ce;
const DEVANAGARI = 0x0966;

const CARDS: Array<[string, string, string]> = [
  ['full-width digits', `カード ${toScript('4111111111111111', FULLWIDTH)}`, 'card'],
  ['full-width grouped', `card ${toScript('4111 1111 1111 1111', FULLWIDTH)}`, 'card'],
  ['Arabic-Indic digits', `بطاقة ${toScript('4111111111111111', ARABIC_INDIC)}`, 'card'],
  ['mathematical bold digits', `card ${toScript('4111111111111111', MATH_BOLD)}`, 'card'],
  ['Devanagari digits', `card ${toScript('5555555555554444', DEVANAGARI)}`, 'card'],
  ['glued to a card word', 'paid visa4111111111111111 today', 'card'],
  ['glued to an expiry', 'card 4111111111111111exp1227', 'card'],
  ['comma groups', 'my card is 4111,1111,1111,1111 thanks', 'card'],
  ['runs of spaces', 'card 4111     1111     1111     1111', 'card'],
  ['&nbsp; separators', 'card 4111&nbsp;1111&nbsp;1111&nbsp;1111', 'card'],
  ['NBSP separators', 'card 4111\u00a01111\u00a01111\u00a01111', 'card'],
  ['one digit per dash', 'card 4-1-1-1-1-1-1-1-1-1-1-1-1-1-1-1', 'card'],
  ['soft hyphens', 'card 4111\u00ad1111\u00ad1111\u00ad1111', 'card'],
  ['U+034F combining grapheme joiner', 'card 4\u034f111111111111111', 'card'],
  ['U+061C Arabic letter mark', 'card 4111\u061c1111\u061c1111\u061c1111', 'card'],
  ['U+180E and U+2060', 'card 4111\u180e1111\u20601111\u20601111', 'card'],
  ['Hangul fillers and tag characters', 'card 4111\u31641111\u{e0020}1111\u{e0041}1111', 'card'],
  ['zero-width spaces', 'card 4111\u200b1111\u200b1111\u200b1111', 'card'],
  ['dotted SSN', 'SSN 536.22.1234', 'ssn'],
  ['glued SSN', 'ssn536221234', 'ssn'],
  ['SSN with full-width digits', `SSN ${toScript('536-22-1234', FULLWIDTH)}`, 'ssn'],
  ['SSN with a soft hyphen inside', 'SSN 536-2\u00ad2-1234', 'ssn'],
  ['dotted IBAN', 'IBAN DE89.3704.0044.0532.0130.00', 'iban'],
  ['glued IBAN', 'ibanDE89370400440532013000', 'iban'],
  ['IBAN with full-width characters', `IBAN ＤＥ${toScript('89370400440532013000', FULLWIDTH)}`, 'iban'],
  ['IBAN with NBSP and soft hyphens', 'IBAN DE89\u00a03704\u00ad0044\u00a00532\u00a00130\u00a000', 'iban'],
];

/** The digits left in `text` (any script, as ASCII, separators dropped): no run of the value may survive. */
const digitsLeft = (text: string) => detectionView(text).text.replace(/\D/g, '');
const VALUE_RUNS = /4111111111|5555555555|53622|370400440532/;

describe('redact: normalized detection, original span redacted', () => {
  it.each(CARDS)('redacts a value written with %s', (_form, text, type) => {
    const r = redact(text, 'public', shopPolicy);
    expect(r.counts[type as 'card']).toBe(1);
    expect(r.text).toContain(`[REDACTED:${type}]`);
    expect(digitsLeft(r.text)).not.toMatch(VALUE_RUNS);
  });

  it('keeps the text around the value byte for byte', () => {
    expect(redact(`注文 A-1 カード ${toScript('4111111111111111', FULLWIDTH)} です`, 'public', shopPolicy).text).toBe('注文 A-1 カード [REDACTED:card] です');
  });

  it('redacts a card stored as a negative JSON number', () => {
    expect(redactJson({ value: -4111111111111111 }, 'public', shopPolicy).value).toEqual({ value: '[REDACTED:card]' });
  });

  it('leaves shop text with other scripts and soft hyphens alone', () => {
    for (const text of ['Preis: ４９,９０ €', 'Bestell\u00adnummer 2026-11-25', 'SKU ١٢٣٤٥', 'qty 4,1,1,1', 'Lieferung in 3\u00a0Tagen', 'Version 4.1.1.1 released']) {
      expect(redact(text, 'public', shopPolicy).text).toBe(text);
    }
  });
});
