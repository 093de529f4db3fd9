/**
 * Text normalisation and decoding for injection screening. Attackers hide instructions from
 * naive filters by spacing letters out, inserting zero-width characters, swapping in Cyrillic
 * or Greek lookalikes, leetspeak, or encoding the text (base64, %XX, &#NN;, \uXXXX). Every
 * function here is a single linear pass (or a fixed number of them).
 */

/**
 * Characters that render as nothing (or as blank) but are not classed as format characters, so
 * `\p{Cf}` misses them: Hangul fillers are letters (`ignoreㅤprevious` would read as one word)
 * and the Mongolian vowel separator is a separator. They serve as invisible spaces in bypasses.
 * (The braille blank is folded to a space too, but not reported: braille text may hold it.)
 */
const INVISIBLE_FILLERS: ReadonlySet<number> = new Set([0x115f, 0x1160, 0x3164, 0xffa0, 0x180e]);
const INVISIBLE_FILLER_RUN = /[\u115F\u1160\u3164\uFFA0\u180E\u2800]+/g;

/** Invisible or direction-changing characters that have no business in tool arguments. */
export function hiddenCharacterName(cp: number): string | undefined {
  if (cp >= 0x200b && cp <= 0x200f) return ['ZERO WIDTH SPACE', 'ZERO WIDTH NON-JOINER', 'ZERO WIDTH JOINER', 'LEFT-TO-RIGHT MARK', 'RIGHT-TO-LEFT MARK'][cp - 0x200b];
  // overrides reorder what follows (Trojan Source, "invoice\u202Efdp.exe"); embeddings only nest direction
  if (cp === 0x202d || cp === 0x202e) return 'BIDI OVERRIDE';
  if (cp >= 0x202a && cp <= 0x202c) return 'BIDI EMBEDDING';
  if (cp === 0x061c) return 'ARABIC LETTER MARK';
  if (cp >= 0x2066 && cp <= 0x2069) return 'BIDI ISOLATE';
  if (cp >= 0x2060 && cp <= 0x2064) return 'WORD JOINER/INVISIBLE OPERATOR';
  if (cp === 0xfeff) return 'ZERO WIDTH NO-BREAK SPACE';
  if (cp >= 0xe0000 && cp <= 0xe007f) return 'TAG CHARACTER';
  if (cp >= 0xe0100 && cp <= 0xe01ef) return 'VARIATION SELECTOR SUPPLEMENT';
  if (INVISIBLE_FILLERS.has(cp)) return 'INVISIBLE FILLER';
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
 * A cheap pre-test: text without any of these code units has no hidden character, so the
 * per-character scan (the costly part on large clean tool results) is skipped. `\uDB40`
 * followed by DC00–DDEF is the surrogate pair of the tag characters and the supplementary
 * variation selectors (U+E0000–U+E01EF).
 */
export const MAYBE_HIDDEN = /[\u061C\u115F\u1160\u180E\u200B-\u200F\u202A-\u202E\u2060-\u2064\u2066-\u2069\u3164\uFE00-\uFE0F\uFEFF\uFFA0]|\uDB40[\uDC00-\uDDEF]/;

/**
 * Calls `onHidden` with the UTF-16 offset and length of every hidden character, tolerating the
 * legitimate uses: ZWJ inside emoji sequences, ZWNJ between letters (Persian, Indic scripts)
 * and one variation selector after a character (emoji presentation). Runs of variation
 * selectors smuggle bytes ("emoji smuggling").
 */
function scanHidden(text: string, onHidden: (at: number, length: number, name: string) => void): void {
  if (!MAYBE_HIDDEN.test(text)) return;
  let prev = '';
  let prevWasSelector = false;
  let at = 0;
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
    if (name) onHidden(at, ch.length, name);
    prev = ch;
    at += ch.length;
  }
}

/** How many of each hidden character (by name) `text` holds, the tolerated uses excepted. */
export function hiddenCharacterCounts(text: string): Map<string, number> {
  const counts = new Map<string, number>();
  scanHidden(text, (_at, _length, name) => counts.set(name, (counts.get(name) ?? 0) + 1));
  return counts;
}

/** Finds hidden characters (the tolerated uses above excepted). */
export function findHiddenCharacters(text: string): HiddenCharacters {
  const names = new Set<string>();
  let count = 0;
  scanHidden(text, (_at, _length, name) => {
    count++;
    if (names.size < 4) names.add(name);
  });
  return { names: [...names], count };
}

/**
 * `text` without the characters `findHiddenCharacters` reports (the same string when there
 * are none): tool output must not carry invisible instructions or reordering to a model.
 */
export function stripHiddenCharacters(text: string): HiddenCharacters & { readonly text: string } {
  const names = new Set<string>();
  let count = 0;
  let out = '';
  let from = 0;
  scanHidden(text, (at, length, name) => {
    count++;
    if (names.size < 4) names.add(name);
    out += text.slice(from, at);
    from = at + length;
  });
  return { text: count === 0 ? text : out + text.slice(from), names: [...names], count };
}

/** Cyrillic and Greek letters that render like Latin ones (after lower-casing). */
const HOMOGLYPHS: Record<string, string> = {
  а: 'a', в: 'b', е: 'e', ё: 'e', к: 'k', м: 'm', н: 'h', о: 'o', р: 'p', с: 'c', т: 't', у: 'y', х: 'x',
  ѕ: 's', і: 'i', ї: 'i', ј: 'j', ԁ: 'd', һ: 'h', ӏ: 'l', ԛ: 'q', ԝ: 'w', ɡ: 'g', ı: 'i', ł: 'l',
  α: 'a', β: 'b', γ: 'y', ε: 'e', η: 'n', ι: 'i', κ: 'k', μ: 'u', ν: 'v', ο: 'o', ρ: 'p', σ: 'o', ς: 's', τ: 't', υ: 'u', χ: 'x', ω: 'w', ϲ: 'c',
};
/** Latin small capitals and IPA lookalikes, which NFKD leaves alone ("ɪɢɴᴏʀᴇ"). */
const SMALL_CAPITALS: Record<string, string> = {
  ᴀ: 'a', ʙ: 'b', ᴄ: 'c', ᴅ: 'd', ᴇ: 'e', ꜰ: 'f', ɢ: 'g', ʜ: 'h', ɪ: 'i', ᴊ: 'j', ᴋ: 'k', ʟ: 'l', ᴍ: 'm',
  ɴ: 'n', ᴏ: 'o', ᴘ: 'p', ǫ: 'q', ʀ: 'r', ꜱ: 's', ᴛ: 't', ᴜ: 'u', ᴠ: 'v', ᴡ: 'w', ʏ: 'y', ᴢ: 'z',
};
/** Leetspeak basics. */
const LEET: Record<string, string> = { '0': 'o', '1': 'i', '3': 'e', '4': 'a', '5': 's', '7': 't' };
/** Symbols used as letters only when they sit between letters ("p@$$word" but not "now!"). */
const LEET_SYMBOLS: Record<string, string> = { '@': 'a', $: 's', '!': 'i', '|': 'i' };

/**
 * What each character the maps above fold becomes, by UTF-16 code unit (0: itself). Every key
 * and value is one unit, so folding keeps the length and is one table look-up per unit.
 */
const FOLD_TO = new Uint16Array(0x10000);
for (const [from, to] of Object.entries({ ...LEET, ...SMALL_CAPITALS, ...HOMOGLYPHS })) FOLD_TO[from.charCodeAt(0)] = to.charCodeAt(0);
const LEET_SYMBOL_TO = new Uint16Array(128);
for (const [from, to] of Object.entries(LEET_SYMBOLS)) LEET_SYMBOL_TO[from.charCodeAt(0)] = to.charCodeAt(0);
const isLowerAscii = (c: number): boolean => c >= 0x61 && c <= 0x7a;
/** Text with nothing but ASCII: compatibility forms, marks, fillers and format characters can't occur. */
const NON_ASCII = /[^\x00-\x7f]/;

/** NFKD, marks and format characters dropped, lower-cased: the text `foldText` folds. */
function decomposedLower(text: string): string {
  // ASCII is its own NFKD and has no marks, fillers or format characters
  if (!NON_ASCII.test(text)) return text.toLowerCase();
  return text
    .replace(INVISIBLE_FILLER_RUN, ' ')
    .normalize('NFKD')
    .replace(/[\p{Mn}\p{Cf}\u{E0100}-\u{E01EF}\uFE00-\uFE0F]/gu, '')
    .toLowerCase();
}

/** The folded code unit at `i` of a decomposed, lower-cased text (see foldText). */
function foldedUnit(base: string, i: number, c: number): number {
  // symbols first: whether one sits between letters is decided on the unfolded text
  if (c < 128 && LEET_SYMBOL_TO[c] !== 0) {
    return i > 0 && i + 1 < base.length && isLowerAscii(base.charCodeAt(i - 1)) && isLowerAscii(base.charCodeAt(i + 1)) ? LEET_SYMBOL_TO[c]! : c;
  }
  return FOLD_TO[c] || c;
}

/**
 * Compatibility-decomposes (NFKD, a superset of NFKC for matching: full-width, ligatures and
 * accents all fold), drops combining marks and invisible format characters, lower-cases, and
 * folds homoglyphs and leetspeak. The folding is one table look-up per code unit, not two
 * callback `replace`s (on a result listing SKUs every digit was a callback).
 */
export function foldText(text: string): string {
  const base = decomposedLower(text);
  let out = '';
  let from = 0;
  for (let i = 0; i < base.length; i++) {
    const c = base.charCodeAt(i);
    const to = foldedUnit(base, i, c);
    if (to === c) continue;
    out += base.slice(from, i) + String.fromCharCode(to);
    from = i + 1;
  }
  return from === 0 ? base : out + base.slice(from);
}

/**
 * `\p{L}` or `\p{N}` (what the spaced and compact forms keep) per BMP code unit, filled on first
 * use: 1 yes, 2 no, 0 not asked yet. Code points past the BMP are asked each time (rare).
 */
const WORD_UNIT = new Uint8Array(0x10000);
const LETTER_OR_NUMBER = /^[\p{L}\p{N}]$/u;
for (let c = 0; c < 128; c++) WORD_UNIT[c] = LETTER_OR_NUMBER.test(String.fromCharCode(c)) ? 1 : 2;

function isWordUnit(c: number): boolean {
  let known = WORD_UNIT[c]!;
  if (known === 0) {
    // a lone surrogate is a code point of its own, not a letter
    known = LETTER_OR_NUMBER.test(String.fromCharCode(c)) ? 1 : 2;
    WORD_UNIT[c] = known;
  }
  return known === 1;
}

/** Whether the code point at `i` (a surrogate pair read whole) is a letter or number, and its width. */
function wordAt(text: string, i: number, c: number): number {
  if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length) {
    const low = text.charCodeAt(i + 1);
    if (low >= 0xdc00 && low <= 0xdfff) return LETTER_OR_NUMBER.test(text.slice(i, i + 2)) ? 2 : -2;
  }
  return isWordUnit(c) ? 1 : -1;
}

/**
 * Words separated by single spaces; runs of separators (space, _, -, ., punctuation) collapse.
 * As `folded.replace(/[^\p{L}\p{N}]+/gu, ' ').trim()`, in one loop.
 */
export function spacedForm(folded: string): string {
  return spacedOf(folded, false);
}

/** `spacedForm(foldText(text))` in one pass over the decomposed text (fold and spacing are both per code unit). */
export function foldedSpacedForm(text: string): string {
  return NON_ASCII.test(text) ? spacedOf(decomposedLower(text), true) : asciiFoldedSpaced(text.toLowerCase());
}

/** What an ASCII code unit is to the folded spaced form: 0 a separator, 1 kept, 2 a leet symbol, else the letter it folds to. */
const ASCII_SPACED = new Uint8Array(128);
for (let c = 0; c < 128; c++) ASCII_SPACED[c] = LEET_SYMBOL_TO[c] ? 2 : FOLD_TO[c] ? FOLD_TO[c]! : WORD_UNIT[c] === 1 ? 1 : 0;
let spacedScratch = new Uint8Array(4096);

/**
 * foldedSpacedForm of lower-cased ASCII: written byte by byte into a scratch buffer (a result
 * listing SKUs changes hundreds of places: cutting and joining the string at each cost more
 * than the whole scan), wiped after use.
 */
function asciiFoldedSpaced(base: string): string {
  const n = base.length;
  if (spacedScratch.length < n) spacedScratch = new Uint8Array(Math.max(n, spacedScratch.length * 2));
  const out = spacedScratch;
  let length = 0;
  let pendingSpace = false;
  for (let i = 0; i < n; i++) {
    const c = base.charCodeAt(i);
    let kind = ASCII_SPACED[c]!;
    // symbols first: whether one sits between letters is decided on the unfolded text
    if (kind === 2) kind = i > 0 && i + 1 < n && isLowerAscii(base.charCodeAt(i - 1)) && isLowerAscii(base.charCodeAt(i + 1)) ? LEET_SYMBOL_TO[c]! : 0;
    if (kind === 0) {
      pendingSpace = length > 0;
      continue;
    }
    if (pendingSpace) {
      out[length++] = 0x20;
      pendingSpace = false;
    }
    out[length++] = kind === 1 ? c : kind;
  }
  const spaced = Buffer.from(out.buffer, out.byteOffset, length).toString('latin1');
  out.fill(0, 0, length);
  return spaced;
}

function spacedOf(base: string, fold: boolean): string {
  let out = '';
  /** Start of the stretch of `base` copied as it is. */
  let from = 0;
  /** Where the pending separator run began, or -1. */
  let separatorAt = -1;
  let words = false;
  const n = base.length;
  for (let i = 0; i < n; ) {
    const c = base.charCodeAt(i);
    const to = fold ? foldedUnit(base, i, c) : c;
    const w = to === c ? wordAt(base, i, c) : isWordUnit(to) ? 1 : -1;
    const width = w < 0 ? -w : w;
    if (w < 0) {
      if (separatorAt < 0) separatorAt = i;
      i += width;
      continue;
    }
    if (separatorAt >= 0) {
      // one space between two words stays as it is; any other run (or one at the start) is cut
      if (!(words && i - separatorAt === 1 && base.charCodeAt(separatorAt) === 0x20)) {
        out += base.slice(from, separatorAt) + (words ? ' ' : '');
        from = i;
      }
      separatorAt = -1;
    }
    if (to !== c) {
      out += base.slice(from, i) + String.fromCharCode(to);
      from = i + 1;
    }
    words = true;
    i += width;
  }
  // a trailing run is trimmed
  const end = separatorAt >= 0 ? separatorAt : n;
  return from === 0 && end === n ? base : out + base.slice(from, end);
}

/** Letters and digits only, with l/i merged: defeats "i g n o r e" and "ig-nore_previous". */
export function compactForm(folded: string): string {
  let out = '';
  let from = 0;
  const n = folded.length;
  for (let i = 0; i < n; ) {
    const c = folded.charCodeAt(i);
    const w = wordAt(folded, i, c);
    if (w > 0) {
      i += w;
      continue;
    }
    out += folded.slice(from, i);
    i -= w;
    from = i;
  }
  out = from === 0 ? folded : out + folded.slice(from);
  return out.includes('l') ? out.replaceAll('l', 'i') : out;
}

/**
 * Whether `compactForm(spaced).includes(phrase)` for a phrase of LONG_COMPACT_PHRASES-like
 * letters, read off the spaced form without building the compact one: the spaced form holds
 * only letters, digits and single spaces, so a phrase of the compact form is its letters with
 * an optional space between any two (and `i` standing for `i` or `l`).
 */
export function compactPhrasesMatcher(phrases: readonly string[]): RegExp {
  for (const p of phrases) if (!/^[a-z0-9]+$/.test(p)) throw new Error(`compact phrase "${p}" must be letters and digits only`);
  return new RegExp(phrases.map((phrase) => [...phrase].map((ch) => (ch === 'i' ? '[il]' : ch)).join(' ?')).join('|'));
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

/** Code units 0-127 of the base64 / base64url alphabet (`A-Za-z0-9+/_-`). */
const BASE64_ALPHABET = asciiSet('ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/_-');
/** Base32 as encoders write it: upper case and 2-7. */
const BASE32_CHARACTERS = asciiSet('ABCDEFGHIJKLMNOPQRSTUVWXYZ234567');
const HEX_DIGITS = asciiSet('0123456789abcdefABCDEF');

function asciiSet(characters: string): Uint8Array {
  const set = new Uint8Array(128);
  for (const ch of characters) set[ch.charCodeAt(0)] = 1;
  return set;
}
const inSet = (set: Uint8Array, c: number): boolean => c < 128 && set[c] === 1;
/** End of the run of `set` characters starting at `from`. */
function runEnd(text: string, from: number, set: Uint8Array): number {
  let i = from;
  while (i < text.length && inSet(set, text.charCodeAt(i))) i++;
  return i;
}
/** End of at most `max` `=` padding characters starting at `from`. */
function paddingEnd(text: string, from: number, max: number): number {
  let i = from;
  while (i < text.length && i - from < max && text.charCodeAt(i) === 0x3d) i++;
  return i;
}

/** The encoded-looking runs of a text, each list in text order (see encodedRuns). */
export interface EncodedRuns {
  /** What `/(?<![A-Za-z0-9+/_-])[A-Za-z0-9+/_-]{12,}={0,2}/g` matches. */
  readonly base64: string[];
  /** What `/(?<![A-Za-z0-9+/_=-])[A-Za-z0-9+/_-]{4,}={0,2}(?:\s+[A-Za-z0-9+/_-]{4,}={0,2})+/g` matches (base64 wrapped over lines or split by spaces). */
  readonly chunkedBase64: string[];
  /** What `/(?<![A-Z2-7])[A-Z2-7]{16,}={0,6}/g` matches. */
  readonly base32: string[];
  /** What `/(?:[0-9a-f]{2}){8,}/gi` matches. */
  readonly hex: string[];
}

/**
 * The runs the decoders try, found by ONE scan that steps over each run of base64-alphabet
 * characters at once, where the four regexes above each tried every position. Base32 and hex
 * characters are base64-alphabet characters too, so their runs lie inside base64-alphabet runs
 * and are only looked for in runs of 16+ (what they need). Equal to the regexes' matches
 * (differential test: test/lib/guard/screen-fast-paths.test.ts):
 * - a padded run starts only where a run starts (the lookbehinds) and takes the whole run (the
 *   greedy count) and its padding;
 * - a chunked match starts at a run of 4+ no `=` precedes; each chunk takes its whole run and up
 *   to two `=` (a shorter take would leave an alphabet character or `=` where the next chunk
 *   needs whitespace), and chunks go on while whitespace and another 4+ run follow;
 * - a hex match is the longest even-length start of a run of 16+ hex digits (the regex takes it
 *   at the run's first digit; later starts in the run are inside the match or too short).
 */
export function encodedRuns(text: string): EncodedRuns {
  const out: EncodedRuns = { base64: [], chunkedBase64: [], base32: [], hex: [] };
  const n = text.length;
  for (let i = 0; i < n; ) {
    if (!inSet(BASE64_ALPHABET, text.charCodeAt(i))) {
      i++;
      continue;
    }
    const end = runEnd(text, i, BASE64_ALPHABET);
    if (end - i >= 12) out.base64.push(text.slice(i, paddingEnd(text, end, 2)));
    if (end - i >= 16) innerRuns(text, i, end, out);
    if (end - i < 4 || (i > 0 && text.charCodeAt(i - 1) === 0x3d)) {
      i = end;
      continue;
    }
    let matched = paddingEnd(text, end, 2);
    let chunks = 1;
    /** Runs of the chunks after the first, committed only if the chunked match holds (else each is a start of its own, visited later). */
    let laterRuns: Array<[number, number]> | undefined;
    for (;;) {
      let next = matched;
      while (next < n && isRegexSpace(text.charCodeAt(next))) next++;
      if (next === matched) break;
      const chunkEnd = runEnd(text, next, BASE64_ALPHABET);
      if (chunkEnd - next < 4) break;
      if (chunkEnd - next >= 12) (laterRuns ??= []).push([next, chunkEnd]);
      matched = paddingEnd(text, chunkEnd, 2);
      chunks++;
    }
    if (chunks === 1) {
      i = end;
      continue;
    }
    out.chunkedBase64.push(text.slice(i, matched));
    for (const [from, to] of laterRuns ?? []) {
      out.base64.push(text.slice(from, paddingEnd(text, to, 2)));
      if (to - from >= 16) innerRuns(text, from, to, out);
    }
    i = matched;
  }
  return out;
}

/** The base32 and hex runs inside the base64-alphabet run [from, to). */
function innerRuns(text: string, from: number, to: number, out: EncodedRuns): void {
  for (let i = from; i < to; ) {
    const end = runEnd(text, i, BASE32_CHARACTERS);
    if (end === i) {
      i++;
      continue;
    }
    // a base32 run may end the base64 run, with its padding after it
    if (end - i >= 16) out.base32.push(text.slice(i, end === to ? paddingEnd(text, end, 6) : end));
    i = end;
  }
  for (let i = from; i < to; ) {
    const end = runEnd(text, i, HEX_DIGITS);
    if (end === i) {
      i++;
      continue;
    }
    if (end - i >= 16) out.hex.push(text.slice(i, i + ((end - i) & ~1)));
    i = end;
  }
}

const PRINTABLE = /[\p{L}\p{N}\p{P}\p{S}\p{Zs}\t\r\n]/u;

/** `decoded` when it is text (not binary or noise), else undefined. */
function asText(bytes: Buffer): string | undefined {
  const decoded = bytes.toString('utf8');
  if (decoded.length < 8 || decoded.includes('\uFFFD')) return undefined;
  let printable = 0;
  for (const ch of decoded) if (PRINTABLE.test(ch)) printable++;
  return printable / decoded.length >= 0.9 ? decoded : undefined;
}

const fromBase64 = (run: string): Buffer => Buffer.from(run.replace(/-/g, '+').replace(/_/g, '/'), 'base64');

/** Sextet of each base64 / base64url character (-1: not one). */
const SEXTET = new Int8Array(128).fill(-1);
[...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'].forEach((ch, i) => (SEXTET[ch.charCodeAt(0)] = i));
SEXTET[0x2d] = 62; // -
SEXTET[0x5f] = 63; // _
const SCRATCH_BYTES = new Uint8Array(768);

/**
 * `asText(fromBase64(run))`, deciding the common cases without a Buffer: most runs are long
 * words or identifiers, whose bytes are not UTF-8 (the decoding would hold U+FFFD: not text) or
 * are ASCII (counted here). Runs with `=` before their end, and valid UTF-8 beyond ASCII, take
 * the Buffer path. Decodes as Node does: 6 bits a character, trailing bits that make no byte dropped.
 */
function base64Text(run: string): string | undefined {
  let end = run.length;
  while (end > 0 && run.charCodeAt(end - 1) === 0x3d) end--;
  const most = Math.floor((end * 6) / 8);
  // small runs decode into one scratch buffer, wiped after each (no decoded text lingers)
  const bytes = most <= SCRATCH_BYTES.length ? SCRATCH_BYTES : new Uint8Array(most);
  try {
    return decodedText(run, end, bytes);
  } finally {
    if (bytes === SCRATCH_BYTES) SCRATCH_BYTES.fill(0, 0, most);
  }
}

function decodedText(run: string, end: number, bytes: Uint8Array): string | undefined {
  let n = 0;
  let bits = 0;
  let value = 0;
  let ascii = true;
  for (let i = 0; i < end; i++) {
    const c = run.charCodeAt(i);
    const sextet = c < 128 ? SEXTET[c]! : -1;
    if (sextet < 0) return asText(fromBase64(run));
    value = ((value << 6) | sextet) & 0xffffff;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      const byte = (value >>> bits) & 0xff;
      if (byte >= 0x80) ascii = false;
      bytes[n++] = byte;
    }
  }
  if (!ascii) return isWellFormedUtf8(bytes, n) ? asText(Buffer.from(bytes.subarray(0, n))) : undefined;
  if (n < 8) return undefined;
  let printable = 0;
  for (let i = 0; i < n; i++) {
    const b = bytes[i]!;
    // ASCII's letters, digits, punctuation, symbols and space, and \t \r \n (PRINTABLE)
    if ((b >= 0x20 && b <= 0x7e) || b === 0x09 || b === 0x0a || b === 0x0d) printable++;
  }
  return printable / n >= 0.9 ? Buffer.from(bytes.buffer, bytes.byteOffset, n).toString('latin1') : undefined;
}

/**
 * UTF-8 as Unicode's table of well-formed byte sequences has it (no overlong forms, surrogates
 * or code points past U+10FFFF): exactly the bytes Node decodes without a U+FFFD replacement.
 */
export function isWellFormedUtf8(bytes: Uint8Array, length: number): boolean {
  for (let i = 0; i < length; ) {
    const b = bytes[i]!;
    if (b < 0x80) {
      i++;
      continue;
    }
    let need: number;
    let min = 0x80;
    let max = 0xbf;
    if (b >= 0xc2 && b <= 0xdf) need = 1;
    else if (b >= 0xe0 && b <= 0xef) {
      need = 2;
      if (b === 0xe0) min = 0xa0;
      if (b === 0xed) max = 0x9f;
    } else if (b >= 0xf0 && b <= 0xf4) {
      need = 3;
      if (b === 0xf0) min = 0x90;
      if (b === 0xf4) max = 0x8f;
    } else return false;
    if (i + need >= length) return false;
    const second = bytes[i + 1]!;
    if (second < min || second > max) return false;
    for (let k = 2; k <= need; k++) {
      const c = bytes[i + k]!;
      if (c < 0x80 || c > 0xbf) return false;
    }
    i += need + 1;
  }
  return true;
}

/** Decodes base64 / base64url runs (also when split by whitespace) that turn out to be text. */
export function decodeBase64Runs(text: string, runs: EncodedRuns = encodedRuns(text)): string[] {
  const out: string[] = [];
  // 12 characters decode to 9 bytes: short enough for `<|im_start|>` (asText still wants 8+
  // printable characters, which random identifiers almost never decode to)
  for (const run of runs.base64) {
    const decoded = base64Text(run);
    if (decoded !== undefined) out.push(decoded);
  }
  for (const match of runs.chunkedBase64) {
    const joined = match.replace(/\s+/g, '');
    if (joined.length < 16) continue;
    const decoded = base64Text(joined);
    if (decoded !== undefined && !out.includes(decoded)) out.push(decoded);
  }
  return out;
}

const BASE32_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

function fromBase32(run: string): Buffer {
  const bytes: number[] = [];
  let bits = 0;
  let value = 0;
  for (const ch of run.replace(/=+$/, '')) {
    value = (value << 5) | BASE32_ALPHABET.indexOf(ch);
    bits += 5;
    if (bits >= 8) {
      bytes.push((value >>> (bits - 8)) & 0xff);
      bits -= 8;
    }
  }
  return Buffer.from(bytes);
}

/** Decodes base32 runs (RFC 4648, upper case as encoders write it: 16+ alphabet characters, optional padding) that turn out to be text (`NFXGO33SMU…` is "ignore…"). */
export function decodeBase32Runs(text: string, runs: EncodedRuns = encodedRuns(text)): string[] {
  const out: string[] = [];
  for (const run of runs.base32) {
    const decoded = asText(fromBase32(run));
    if (decoded !== undefined) out.push(decoded);
  }
  return out;
}

/** ROT13 of the ASCII letters (other characters unchanged). */
export function rot13(text: string): string {
  if (!NON_ASCII.test(text)) {
    // ASCII: byte by byte in a buffer (nearly every character changes)
    const bytes = Buffer.from(text, 'latin1');
    for (let i = 0; i < bytes.length; i++) bytes[i] = ROT13_ASCII[bytes[i]!]!;
    return bytes.toString('latin1');
  }
  let out = '';
  let from = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    const base = c >= 0x41 && c <= 0x5a ? 0x41 : c >= 0x61 && c <= 0x7a ? 0x61 : 0;
    if (base === 0) continue;
    out += text.slice(from, i) + String.fromCharCode(((c - base + 13) % 26) + base);
    from = i + 1;
  }
  return from === 0 ? text : out + text.slice(from);
}
const ROT13_ASCII = Uint8Array.from({ length: 128 }, (_, c) => (c >= 0x41 && c <= 0x5a ? ((c - 0x41 + 13) % 26) + 0x41 : c >= 0x61 && c <= 0x7a ? ((c - 0x61 + 13) % 26) + 0x61 : c));

/** Decodes runs of hex digits that turn out to be text (`69676e6f7265…`). */
export function decodeHexRuns(text: string, runs: EncodedRuns = encodedRuns(text)): string[] {
  const out: string[] = [];
  for (const run of runs.hex) {
    const decoded = asText(Buffer.from(run, 'hex'));
    if (decoded !== undefined) out.push(decoded);
  }
  return out;
}

/** `\s` of a JavaScript regex (WhiteSpace and LineTerminator), on one UTF-16 code unit. */
export function isRegexSpace(c: number): boolean {
  if (c <= 0x20) return c === 0x20 || (c >= 0x09 && c <= 0x0d);
  if (c < 0xa0) return false;
  return c === 0xa0 || c === 0x1680 || (c >= 0x2000 && c <= 0x200a) || c === 0x2028 || c === 0x2029 || c === 0x202f || c === 0x205f || c === 0x3000 || c === 0xfeff;
}

/** A whitespace run collapseWhitespace changes: two or more, or one that is neither a space nor a line break. */
const WHITESPACE_TO_COLLAPSE = /\s\s|[^\S \n]/;

/** `collapseWhitespace(text.normalize('NFKC'), format characters dropped, lower-cased)`: what the tag patterns read. */
export function visibleForm(text: string): string {
  // ASCII is its own NFKC and has no format characters
  const base = NON_ASCII.test(text) ? text.normalize('NFKC').replace(/[\p{Cf}\u{E0100}-\u{E01EF}]/gu, '').toLowerCase() : text.toLowerCase();
  return collapseWhitespace(base);
}

/**
 * Whitespace runs collapsed to one character (a newline if the run held one). The tag patterns
 * allow `\s*` around their parts; on a raw run of 100k spaces such a pattern backtracks
 * quadratically (`<` + spaces took seconds), on a collapsed run it cannot. One loop: a callback
 * `replace` paid a call for every line break of a result.
 */
export function collapseWhitespace(text: string): string {
  // the common case: every whitespace run is one space or one line break, which stay
  if (!WHITESPACE_TO_COLLAPSE.test(text)) return text;
  let out = '';
  let from = 0;
  const n = text.length;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (!isRegexSpace(c)) continue;
    let j = i + 1;
    let newline = c === 0x0a;
    while (j < n && isRegexSpace(text.charCodeAt(j))) {
      if (text.charCodeAt(j) === 0x0a) newline = true;
      j++;
    }
    // one space or one line break stays as it is
    if (j - i > 1 || (c !== 0x20 && c !== 0x0a)) {
      out += text.slice(from, i) + (newline ? '\n' : ' ');
      from = j;
    }
    i = j - 1;
  }
  return from === 0 ? text : out + text.slice(from);
}

/** The text backwards by code point (a surrogate pair stays a pair), as `[...text].reverse().join('')`. */
export function reversed(text: string): string {
  // ASCII has no surrogate pairs: the bytes backwards
  if (!NON_ASCII.test(text)) return Buffer.from(text, 'latin1').reverse().toString('latin1');
  let out = '';
  for (let i = text.length - 1; i >= 0; i--) {
    const c = text.charCodeAt(i);
    if (c >= 0xdc00 && c <= 0xdfff && i > 0) {
      const high = text.charCodeAt(i - 1);
      if (high >= 0xd800 && high <= 0xdbff) {
        out += text[i - 1]! + text[i]!;
        i--;
        continue;
      }
    }
    out += text[i]!;
  }
  return out;
}
