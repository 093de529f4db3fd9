/**
 * Text normalisation and decoding for injection screening. Attackers hide instructions from
 * naive filters by spacing letters out, inserting zero-width characters, swapping in Cyrillic
 * or Greek lookalikes, leetspeak, or encoding the text (base64, %XX, &#NN;, \uXXXX). Every
 * function here is a single linear pass (or a fixed number of them).
 */

/** Invisible or direction-changing characters that have no business in tool arguments. */
export function hiddenCharacterName(cp: number): string | undefined {
  if (cp >= 0x200b && cp <= 0x200f) return ['ZERO WIDTH SPACE', 'ZERO WIDTH NON-JOINER', 'ZERO WIDTH JOINER', 'LEFT-TO-RIGHT MARK', 'RIGHT-TO-LEFT MARK'][cp - 0x200b];
  if (cp >= 0x202a && cp <= 0x202e) return 'BIDI EMBEDDING/OVERRIDE';
  if (cp >= 0x2066 && cp <= 0x2069) return 'BIDI ISOLATE';
  if (cp >= 0x2060 && cp <= 0x2064) return 'WORD JOINER/INVISIBLE OPERATOR';
  if (cp === 0xfeff) return 'ZERO WIDTH NO-BREAK SPACE';
  if (cp >= 0xe0000 && cp <= 0xe007f) return 'TAG CHARACTER';
  if (cp >= 0xe0100 && cp <= 0xe01ef) return 'VARIATION SELECTOR SUPPLEMENT';
  return undefined;
}

const PICTOGRAPHIC = /\p{Extended_Pictographic}/u;
const LETTER = /\p{L}/u;
const isBasicVariationSelector = (cp: number) => cp >= 0xfe00 && cp <= 0xfe0f;

export interface HiddenCharacters {
  /** Distinct names of the hidden characters found (a few, for the finding). */
  readonly names: string[];
  readonly count: number;
}

/**
 * Finds hidden characters, tolerating the legitimate uses: ZWJ inside emoji sequences, ZWNJ
 * between letters (Persian, Indic scripts) and one variation selector after a character
 * (emoji presentation). Runs of variation selectors smuggle bytes ("emoji smuggling").
 */
export function findHiddenCharacters(text: string): HiddenCharacters {
  const names = new Set<string>();
  let count = 0;
  let prev = '';
  let prevWasSelector = false;
  for (const ch of text) {
    const cp = ch.codePointAt(0)!;
    let name = hiddenCharacterName(cp);
    if (cp === 0x200d && PICTOGRAPHIC.test(prev)) name = undefined;
    if (cp === 0x200c && LETTER.test(prev)) name = undefined;
    if (isBasicVariationSelector(cp)) {
      name = prevWasSelector ? 'VARIATION SELECTOR RUN' : undefined;
      prevWasSelector = true;
    } else {
      prevWasSelector = false;
    }
    if (name) {
      count++;
      if (names.size < 4) names.add(name);
    }
    prev = ch;
  }
  return { names: [...names], count };
}

/** Cyrillic and Greek letters that render like Latin ones (after lower-casing). */
const HOMOGLYPHS: Record<string, string> = {
  а: 'a', в: 'b', е: 'e', ё: 'e', к: 'k', м: 'm', н: 'h', о: 'o', р: 'p', с: 'c', т: 't', у: 'y', х: 'x',
  ѕ: 's', і: 'i', ї: 'i', ј: 'j', ԁ: 'd', һ: 'h', ӏ: 'l', ԛ: 'q', ԝ: 'w', ɡ: 'g', ı: 'i', ł: 'l',
  α: 'a', β: 'b', γ: 'y', ε: 'e', η: 'n', ι: 'i', κ: 'k', μ: 'u', ν: 'v', ο: 'o', ρ: 'p', σ: 'o', ς: 's', τ: 't', υ: 'u', χ: 'x', ω: 'w', ϲ: 'c',
};
/** Leetspeak basics. */
const LEET: Record<string, string> = { '0': 'o', '1': 'i', '3': 'e', '4': 'a', '5': 's', '7': 't' };
/** Symbols used as letters only when they sit between letters ("p@$$word" but not "now!"). */
const LEET_SYMBOLS: Record<string, string> = { '@': 'a', $: 's', '!': 'i', '|': 'i' };

/**
 * Compatibility-decomposes (NFKD, a superset of NFKC for matching: full-width, ligatures and
 * accents all fold), drops combining marks and invisible format characters, lower-cases, and
 * folds homoglyphs and leetspeak.
 */
export function foldText(text: string): string {
  const base = text
    .normalize('NFKD')
    .replace(/[\p{Mn}\p{Cf}\u{E0100}-\u{E01EF}\uFE00-\uFE0F]/gu, '')
    .toLowerCase();
  let out = '';
  const chars = [...base];
  for (let i = 0; i < chars.length; i++) {
    const ch = chars[i]!;
    const symbol = LEET_SYMBOLS[ch];
    if (symbol && i > 0 && i < chars.length - 1 && /[a-z]/.test(chars[i - 1]!) && /[a-z]/.test(chars[i + 1]!)) out += symbol;
    else out += HOMOGLYPHS[ch] ?? LEET[ch] ?? ch;
  }
  return out;
}

/** Words separated by single spaces; runs of separators (space, _, -, ., punctuation) collapse. */
export function spacedForm(folded: string): string {
  return folded.replace(/[^\p{L}\p{N}]+/gu, ' ').trim();
}

/** Letters and digits only, with l/i merged: defeats "i g n o r e" and "ig-nore_previous". */
export function compactForm(folded: string): string {
  return folded.replace(/[^\p{L}\p{N}]+/gu, '').replace(/l/g, 'i');
}

const NAMED_ENTITIES: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'", nbsp: ' ', sol: '/', bsol: '\\', lpar: '(', rpar: ')', colon: ':', excl: '!', vert: '|', lsqb: '[', rsqb: ']' };

function fromCodePoint(cp: number): string {
  return cp >= 0 && cp <= 0x10ffff ? String.fromCodePoint(cp) : '';
}

/** Decodes %XX runs (as UTF-8 bytes), HTML entities and \uXXXX / \u{…} / \xXX escapes. */
export function decodeEscapes(text: string): string {
  return text
    .replace(/(?:%[0-9a-f]{2})+/gi, (run) => Buffer.from(run.replace(/%/g, ''), 'hex').toString('utf8'))
    .replace(/&#x([0-9a-f]{1,6});?|&#([0-9]{1,7});?|&([a-z]{2,6});/gi, (m, hex: string | undefined, dec: string | undefined, name: string | undefined) =>
      hex ? fromCodePoint(parseInt(hex, 16)) : dec ? fromCodePoint(parseInt(dec, 10)) : (NAMED_ENTITIES[name!.toLowerCase()] ?? m),
    )
    .replace(/\\u\{([0-9a-f]{1,6})\}|\\u([0-9a-f]{4})|\\x([0-9a-f]{2})/gi, (_m, braced: string | undefined, u: string | undefined, x: string | undefined) =>
      fromCodePoint(parseInt((braced ?? u ?? x)!, 16)),
    );
}

const BASE64_RUN = /[A-Za-z0-9+/_-]{16,}={0,2}/g;
const PRINTABLE = /[\p{L}\p{N}\p{P}\p{S}\p{Zs}\t\r\n]/u;

/** Decodes base64 / base64url runs that turn out to be text; binary and noise are skipped. */
export function decodeBase64Runs(text: string): string[] {
  const out: string[] = [];
  for (const match of text.matchAll(BASE64_RUN)) {
    const run = match[0].replace(/-/g, '+').replace(/_/g, '/');
    const decoded = Buffer.from(run, 'base64').toString('utf8');
    if (decoded.length < 8 || decoded.includes('\uFFFD')) continue;
    let printable = 0;
    for (const ch of decoded) if (PRINTABLE.test(ch)) printable++;
    if (printable / decoded.length >= 0.9) out.push(decoded);
  }
  return out;
}
