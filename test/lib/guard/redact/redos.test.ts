/**
 * The engine runs on every tool result in Lambda: it must stay linear on hostile input. Each
 * 1 MB input below targets one pattern's worst case (long runs, many near-misses).
 */
import { redact, redactEcho } from '../../../../lib/guard/redact';
import { shopPolicy } from './shop-policy';

const MB = 1_000_000;
const fill = (unit: string) => unit.repeat(Math.ceil(MB / unit.length)).slice(0, MB);

const HOSTILE: Record<string, string> = {
  'one digit run': fill('1'),
  'digits and spaces': fill('1 '),
  'card-like groups': fill('4111 '),
  'dashed digits': fill('12-'),
  'one letter run': fill('a'),
  'local parts without domains': fill('a@'),
  'one endless domain': `x@${fill('a.')}`,
  'base64 run': fill('Ab1/'),
  'JWT near-misses': fill('eyJhbGciOi.'),
  'BEGIN lines without END': fill('-----BEGIN PRIVATE KEY-----'),
  'opening parentheses': fill('(1'),
  'street-like words': fill('1 Main Main Main '),
  'compound street stems': fill('Hauptstrass'),
  'Romance connectors': fill('Via de la '),
  'IBAN-like groups': fill('DE89 '),
  'SSN-like groups': fill('123-45-'),
  'digits and line breaks': fill('1\r\n'),
  'card groups between tabs': fill('4111\t'),
  'brand words before street types': fill('Fifth Avenue '),
  'quantities after street names': fill('Via Roma 12 cm '),
  'CVV code labels': fill('cvv-code '),
  'nested phone parentheses': fill('(+1 (415) 555-0132) '),
  'comma-separated card lists': fill('4111111111111111,'),
  'digits between slashes': fill('1/'),
  'digits between underscores': fill('4_1_'),
  'digits between narrow no-break spaces': fill('1\u202f'),
  'free card groupings': fill('411 111 '),
  'spaced dashes between groups': fill('4111 - '),
  'card-length rows of single digits': fill('4 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1\n'),
  // issue 7: normalization, new layouts and key rules must stay linear too
  'full-width digit groups': fill('４１１１ '),
  'Arabic-Indic digits and soft hyphens': fill('٤١\u00ad'),
  'invisible characters only': fill('\u200b\u00ad\u034f\u061c'),
  'tag characters': fill('\u{e0041}'),
  '&nbsp; entities between digits': fill('4111&nbsp;'),
  'unterminated entities': fill('&#12'),
  'runs of many spaces': fill('4111      '),
  'comma groups': fill('4111,'),
  'one digit per dash': fill('4-'),
  'card words glued to digits': fill('visa4111'),
  'long digit runs after a card word': `card ${fill('4')}`,
  'SSN words glued to digits': fill('ssn53622'),
  'dotted IBAN-like groups': fill('DE89.'),
  'quoted sensitive keys without values': fill('"password": '),
  'quoted sensitive keys with open strings': fill('"password": "a'),
  'sensitive keys opening structures': fill('"address": {'),
  'bare credential keys': fill('apiKey=x '),
  'unbalanced JSON brackets': `[${fill('[')}]`,
  'deeply nested JSON arrays': `${'['.repeat(MB / 2)}${']'.repeat(MB / 2)}`,
  'JSON object of many keys': `{${Array.from({ length: 40_000 }, (_, i) => `"k${i}": "v ${i}"`).join(', ')}}`,
  // the second red team's forms (issue 7): escapes read in the detection view, split groups
  'percent-escaped digits': fill('%34%31%31%31'),
  'percent signs without hex': fill('%3'),
  'bare HTML numeric references': fill('&#52&#49'),
  'backslash runs': fill('\\'),
  'JSON \\u escapes without digits': fill('\\u00'),
  'quoted CSV groups': fill('"4111",'),
  'pipe-joined groups': fill('4111|'),
  'plus-joined groups': fill('4111+'),
  'spaced SSN dashes after the word': `ssn ${fill('536 - 22 - ')}`,
  'JSON array of card groups': JSON.stringify(Array.from({ length: 150_000 }, () => '4111')),
  'JSON array of small numbers': JSON.stringify(Array.from({ length: 150_000 }, (_, i) => i % 10_000)),
  'dense real PII': fill('Call +44 20 7946 0958 or 4111 1111 1111 1111, mail a@b.co, 10 Downing Street. '),
  // session 5: the scans that start from an anchor (`@`, `:`/`=`, `iban`, whitespace, digit windows)
  'non-ASCII local parts': fill('é@'),
  'long non-ASCII local parts': fill(`${'名'.repeat(70)}@`),
  'astral letters before @': fill('\u{1d400}@'),
  'key-length runs before colons': fill(`${'a'.repeat(41)}:`),
  'keys and spaces before equals': fill('ab  ='),
  'iban words': fill('iban'),
  'iban words before country codes': fill('ibanDE89'),
  'house numbers with bis before spaces': fill('12bis '),
  'capitalised words before numbers': fill('Aaaa 1'),
  'lower-case runs before numbers': `${fill('a')} 1`,
  'dates glued to words': fill('2024-01-15T'),
  'SSN-shaped spaced groups': fill('536 - 22 -'),
};

// No stopwatch (timings belong in `npm run bench`): the test's timeout is the bound. These run in
// 10-800 ms alone and ~26 s with the 2 cores oversubscribed tenfold; a quadratic pattern on 1 MB
// takes many minutes (550 s seen), so 120 s still tells them apart.
const LINEAR_BOUND_MS = 120_000;

describe('linear time on hostile input', () => {
  it.each(Object.keys(HOSTILE))(
    'redacts 1 MB of %s in seconds, not minutes',
    (name) => {
      const r = redact(HOSTILE[name], 'public', shopPolicy);
      expect(typeof r.text).toBe('string');
    },
    LINEAR_BOUND_MS,
  );
});

describe('linear time on hostile names (redactEcho: audit fields, echoed names, media types)', () => {
  it.each([
    ['letters glued to digits', fill('a1')],
    ['one long glued token', `x-${fill('4111')}`],
    ['many short glued tokens', fill('leak-4111111111111111 ')],
  ])(
    'reads 1 MB of %s in seconds',
    (_name, text) => {
      expect(typeof redactEcho(text, 'public', shopPolicy).text).toBe('string');
    },
    LINEAR_BOUND_MS,
  );
});
