/**
 * The screen's readings as they were before session 5 (main at 7147a34): one regex `replace`
 * chain per reading, one regex scan per pattern and per decoder, no memo. Kept verbatim as the
 * oracle of test/lib/guard/screen-fast-paths.test.ts: the loops and gates that replaced them
 * must read every text exactly as these did. Not used by the guard.
 */
import type { FindingKind, ScreenFinding } from '../../../lib/guard/screen';
import { mapOutputStrings, pathText, type OutputPath, type ToolOutput } from '../../../lib/guard/screen-output';
import { LATIN_LANGUAGE_PATTERNS, SCRIPT_PATTERNS } from '../../../lib/guard/screen-languages';
import { COMMENT_INSTRUCTION_WORDS, COMPACT_PHRASES, htmlCommentBodies, INSTRUCTION_PATTERNS, LONG_COMPACT_PHRASES, TAG_PATTERNS } from '../../../lib/guard/screen-patterns';

const MAX_DECODE_LEVELS = 2;
const DECODED_BONUS = 0.5;
const ZERO_WIDTH_RUN = 16;

export interface Marker {
  readonly kind: FindingKind;
  readonly detail: string;
  readonly weight: number;
}

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
const MAYBE_HIDDEN = /[\u061C\u115F\u1160\u180E\u200B-\u200F\u202A-\u202E\u2060-\u2064\u2066-\u2069\u3164\uFE00-\uFE0F\uFEFF\uFFA0]|\uDB40[\uDC00-\uDDEF]/;

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

/** Every character one of the maps above folds (one class, so folding is one regex pass). */
const FOLDED_CHAR = new RegExp(`[${[...Object.keys(HOMOGLYPHS), ...Object.keys(SMALL_CAPITALS), ...Object.keys(LEET)].join('')}]`, 'gu');
const FOLD: Record<string, string> = { ...LEET, ...SMALL_CAPITALS, ...HOMOGLYPHS };
/** A leet symbol with an ASCII letter on each side (checked on the text before any folding). */
const LEET_SYMBOL_BETWEEN_LETTERS = /(?<=[a-z])[@$!|](?=[a-z])/g;

/**
 * Compatibility-decomposes (NFKD, a superset of NFKC for matching: full-width, ligatures and
 * accents all fold), drops combining marks and invisible format characters, lower-cases, and
 * folds homoglyphs and leetspeak. Regex passes rather than a per-character loop: on a 64 KB
 * tool result the loop cost 5 ms, the passes a fraction of it.
 */
export function foldText(text: string): string {
  const base = text
    .replace(INVISIBLE_FILLER_RUN, ' ')
    .normalize('NFKD')
    .replace(/[\p{Mn}\p{Cf}\u{E0100}-\u{E01EF}\uFE00-\uFE0F]/gu, '')
    .toLowerCase();
  // symbols first: whether one sits between letters is decided on the unfolded text
  return base.replace(LEET_SYMBOL_BETWEEN_LETTERS, (ch) => LEET_SYMBOLS[ch]!).replace(FOLDED_CHAR, (ch) => FOLD[ch]!);
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

/** Starts only where a run starts (lookbehind): otherwise every short word is rescanned from each of its letters. */
// 12 characters decode to 9 bytes: short enough for `<|im_start|>` (asText still wants 8+
// printable characters, which random identifiers almost never decode to).
const BASE64_RUN = /(?<![A-Za-z0-9+/_-])[A-Za-z0-9+/_-]{12,}={0,2}/g;
/**
 * Base64 wrapped over lines or split by spaces (MIME wraps at 76 characters): chunks of 4+
 * alphabet characters separated by whitespace. The lookbehind starts a match only where a run
 * starts: without it every position inside a long run would rescan the run (quadratic).
 */
const BASE64_CHUNKED = /(?<![A-Za-z0-9+/_=-])[A-Za-z0-9+/_-]{4,}={0,2}(?:\s+[A-Za-z0-9+/_-]{4,}={0,2})+/g;
/** Hex-encoded text: an even run of 16+ hex digits. */
const HEX_RUN = /(?:[0-9a-f]{2}){8,}/gi;
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

/** Decodes base64 / base64url runs (also when split by whitespace) that turn out to be text. */
export function decodeBase64Runs(text: string): string[] {
  const out: string[] = [];
  for (const match of text.matchAll(BASE64_RUN)) {
    const decoded = asText(fromBase64(match[0]));
    if (decoded !== undefined) out.push(decoded);
  }
  for (const match of text.matchAll(BASE64_CHUNKED)) {
    const joined = match[0].replace(/\s+/g, '');
    if (joined.length < 16) continue;
    const decoded = asText(fromBase64(joined));
    if (decoded !== undefined && !out.includes(decoded)) out.push(decoded);
  }
  return out;
}

/** Base32 (RFC 4648, upper case as encoders write it): 16+ alphabet characters, optional padding. */
const BASE32_RUN = /(?<![A-Z2-7])[A-Z2-7]{16,}={0,6}/g;
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

/** Decodes base32 runs that turn out to be text (`NFXGO33SMU…` is "ignore…"). */
export function decodeBase32Runs(text: string): string[] {
  const out: string[] = [];
  for (const match of text.matchAll(BASE32_RUN)) {
    const decoded = asText(fromBase32(match[0]));
    if (decoded !== undefined) out.push(decoded);
  }
  return out;
}

/** ROT13 of the ASCII letters (other characters unchanged). */
export function rot13(text: string): string {
  return text.replace(/[A-Za-z]/g, (ch) => {
    const base = ch <= 'Z' ? 65 : 97;
    return String.fromCharCode(((ch.charCodeAt(0) - base + 13) % 26) + base);
  });
}

/** Decodes runs of hex digits that turn out to be text (`69676e6f7265…`). */
export function decodeHexRuns(text: string): string[] {
  const out: string[] = [];
  for (const match of text.matchAll(HEX_RUN)) {
    const decoded = asText(Buffer.from(match[0], 'hex'));
    if (decoded !== undefined) out.push(decoded);
  }
  return out;
}

/**
 * Whitespace runs collapsed to one character (a newline if the run held one). The tag patterns
 * allow `\s*` around their parts; on a raw run of 100k spaces such a pattern backtracks
 * quadratically (`<` + spaces took seconds), on a collapsed run it cannot.
 */
export function collapseWhitespace(text: string): string {
  return text.replace(/\s+/g, (run) => (run.includes('\n') ? '\n' : ' '));
}

/** Compact phrases around runs of 3+ single-letter words ("i g n o r e"). */
function letterSpacedPhrase(spaced: string): string | undefined {
  const tokens = spaced.split(' ');
  let i = 0;
  while (i < tokens.length) {
    if (tokens[i]!.length !== 1) {
      i++;
      continue;
    }
    let j = i;
    while (j < tokens.length && tokens[j]!.length === 1) j++;
    if (j - i >= 3) {
      const window = compactForm(tokens.slice(Math.max(0, i - 4), Math.min(tokens.length, j + 4)).join(''));
      const hit = COMPACT_PHRASES.find((p) => window.includes(p));
      if (hit) return hit;
    }
    i = j;
  }
  return undefined;
}

/** Weight of a hidden character by its name (screen-normalize's names), outside names. */
const HIDDEN_WEIGHT: Readonly<Record<string, number>> = {
  'TAG CHARACTER': 1,
  'VARIATION SELECTOR RUN': 1,
  'VARIATION SELECTOR SUPPLEMENT': 1,
  'BIDI OVERRIDE': 1,
  'BIDI EMBEDDING': 0.5,
  'BIDI ISOLATE': 0.5,
  'INVISIBLE FILLER': 0.5,
  'WORD JOINER/INVISIBLE OPERATOR': 0.5,
};
/** Marks and joiners that pasted text and right-to-left names carry: a hint, never an attack alone. */
const SOFT_HIDDEN = new Set(['ZERO WIDTH SPACE', 'ZERO WIDTH NON-JOINER', 'ZERO WIDTH JOINER', 'LEFT-TO-RIGHT MARK', 'RIGHT-TO-LEFT MARK', 'ARABIC LETTER MARK', 'ZERO WIDTH NO-BREAK SPACE']);

function hiddenMarkers(text: string): Marker[] {
  const counts = hiddenCharacterCounts(text);
  if (counts.size === 0) return [];
  const out: Marker[] = [];
  let soft = 0;
  for (const [name, count] of counts) {
    if (SOFT_HIDDEN.has(name)) soft += count;
    const weight = HIDDEN_WEIGHT[name] ?? 0.25;
    out.push({ kind: 'hidden-unicode', detail: `${count} hidden character(s): ${name}`, weight });
  }
  if (soft >= ZERO_WIDTH_RUN) out.push({ kind: 'hidden-unicode', detail: `${soft} zero-width characters (a hidden payload)`, weight: 1 });
  return out;
}

/** Content markers in one piece of text (not its decodings), as session 4 read them. */
function textMarkers(text: string, withHidden = true, forOutput = false): Marker[] {
  const out: Marker[] = withHidden ? hiddenMarkers(text) : [];

  const visible = collapseWhitespace(text.normalize('NFKC').replace(/[\p{Cf}\u{E0100}-\u{E01EF}]/gu, '').toLowerCase());
  for (const tag of TAG_PATTERNS) if (!(forOutput && tag.argumentsOnly) && tag.regex.test(visible)) out.push({ kind: tag.kind, detail: tag.name, weight: tag.weight ?? 1 });
  for (const body of htmlCommentBodies(visible)) {
    const inner = spacedForm(foldText(body));
    if (COMMENT_INSTRUCTION_WORDS.test(inner) || INSTRUCTION_PATTERNS.some((p) => p.regex.test(inner))) {
      out.push({ kind: 'poisoning-tag', detail: 'HTML comment with instructions', weight: 1 });
      break;
    }
  }
  for (const p of SCRIPT_PATTERNS) if (p.regex.test(visible)) out.push({ kind: 'instruction', detail: p.name, weight: p.weight ?? 1 });

  const spaced = spacedForm(foldText(text));
  let phrases = INSTRUCTION_PATTERNS.filter((p) => p.regex.test(spaced));
  // French "ignore les instructions" reads as English too: other languages only when English found nothing
  if (phrases.length === 0) phrases = LATIN_LANGUAGE_PATTERNS.filter((p) => p.regex.test(spaced));
  for (const p of phrases) out.push({ kind: 'instruction', detail: p.name, weight: p.weight ?? 1 });
  if (phrases.length === 0) {
    const spacedOut = letterSpacedPhrase(spaced);
    if (spacedOut) out.push({ kind: 'instruction', detail: `letter-spaced "${spacedOut}"`, weight: 1 });
    else {
      // "ig no re pre vi ous" has no single-letter run; long phrases are safe to seek anywhere
      const compact = compactForm(spaced);
      const hit = LONG_COMPACT_PHRASES.find((p) => compact.includes(p));
      if (hit) out.push({ kind: 'instruction', detail: `split words "${hit}"`, weight: 1 });
    }
  }
  return out;
}

/** Worth a ROT13 or reversed reading: four ASCII letters in a row (a fixed-length test: linear). */
const ASCII_LETTERS = /[A-Za-z]{4}/;

/**
 * Markers in a string and in what it decodes to (URL/HTML/\\u escapes, base64, base32, hex,
 * bounded depth; at the top level also ROT13 and the reversed text). A marker seen only in a
 * decoding weighs DECODED_BONUS more: nobody base64-encodes a delivery note's instructions.
 * `forOutput`: screening a tool result (no ROT13/reversed readings, no argument-only labels).
 */
export function stringMarkers(text: string, level = 0, via = '', forOutput = false): Marker[] {
  return readMarkers(text, level, via, forOutput);
}

function readMarkers(text: string, level: number, via: string, forOutput: boolean): Marker[] {
  const out = textMarkers(text, true, forOutput).map((f) => (via ? { ...f, detail: `${f.detail} (${via})`, weight: f.weight + DECODED_BONUS } : f));
  if (level >= MAX_DECODE_LEVELS) return out;
  const deeper = (decoded: string, how: string) => out.push(...stringMarkers(decoded, level + 1, via ? `${via}, ${how}` : how, forOutput));
  const unescaped = decodeEscapes(text);
  if (unescaped !== text) deeper(unescaped, 'escape-decoded');
  for (const decoded of decodeBase64Runs(text)) deeper(decoded, 'base64-decoded');
  for (const decoded of decodeBase32Runs(text)) deeper(decoded, 'base32-decoded');
  for (const decoded of decodeHexRuns(text)) deeper(decoded, 'hex-decoded');
  // not for tool results: they are screened as one joined text, and three readings of every
  // large result would triple the cost of the hot path (bench/), for attacks aimed at arguments
  if (level === 0 && !forOutput && ASCII_LETTERS.test(text)) {
    // one level only: these turn ordinary text into noise, so a phrase in them was put there
    const hidden = (f: Marker, how: string): Marker => ({ ...f, detail: `${f.detail} (${how})`, weight: f.weight + DECODED_BONUS });
    for (const f of textMarkers(rot13(text), false)) out.push(hidden(f, 'rot13-decoded'));
    for (const f of textMarkers([...text].reverse().join(''), false)) out.push(hidden(f, 'reversed'));
  }
  return out;
}


// ---- output screening as session 4 wrote it (screen-output.ts at 7147a34), over the readings above

/**
 * Put between the strings of a result when they are screened as one text. The newlines keep
 * line-anchored tags line-anchored, `-->` closes a comment a string left open (as the end of
 * that string would), and the word keeps phrases and letter runs from joining across strings.
 */
const SEPARATOR = '\n-->qx\n';

/** The path reported when only the joined text matched (a phrase split across two strings). */
const ACROSS_STRINGS = 'result (across strings)';

/** True when `text` is `value` serialised as JSON (compact or 2-space indented, as tools write it). */
function isJsonOf(text: string, value: unknown): boolean {
  const c = text.charCodeAt(0);
  if (c !== 0x7b /* { */) return false;
  return text === JSON.stringify(value, null, text.charCodeAt(1) === 0x0a ? 2 : undefined);
}

/**
 * Instruction phrases, chat-template tokens and poisoning tags in the strings a model reads
 * (also when URL/HTML/\u-escaped, base64 or hex encoded). Hidden characters are the business
 * of `stripOutputHidden`, so `hidden-unicode` is not reported here. Sorted by path.
 *
 * Cost: a result's strings are screened as ONE joined text (a result of 3,000 short strings
 * paid a fixed per-string cost 3,000 times), and a text part that is just the JSON of
 * `structuredContent` (what JSON tools return) is not screened twice. Every match in a single
 * string is also a match in the joined text, so only a flagged result is screened again string
 * by string, to name the paths.
 */
export function screenOutput(output: ToolOutput): ScreenFinding[] {
  const sc = output.structuredContent;
  const mirrors: string[] = [];
  output.content.forEach((part, i) => {
    if (part.type === 'text' && sc !== undefined && isJsonOf(part.text, sc)) mirrors.push(`content[${i}].text`);
  });
  // each distinct string once (keys and enum values repeat thousands of times in a listing)
  const strings = new Map<string, OutputPath[]>();
  mapOutputStrings(output, (text, path) => {
    if (path.parent === undefined && mirrors.includes(path.key as string)) return text;
    const paths = strings.get(text);
    if (paths) paths.push(path);
    else strings.set(text, [path]);
    return text;
  });
  const markers = (text: string) => stringMarkers(text, 0, '', true).filter((f) => f.kind !== 'hidden-unicode');
  const joined = markers([...strings.keys()].join(SEPARATOR));
  if (joined.length === 0) return [];

  const findings: ScreenFinding[] = [];
  const seen = new Set<string>();
  const add = (kind: FindingKind, path: string, detail: string) => {
    const key = `${kind}\u0000${path}\u0000${detail}`;
    if (seen.has(key)) return;
    seen.add(key);
    findings.push({ kind, path, detail });
  };
  for (const [text, paths] of strings) {
    const found = markers(text);
    if (found.length === 0) continue;
    for (const path of paths) {
      const shown = pathText(path);
      for (const f of found) {
        add(f.kind, shown, f.detail);
        // the JSON text part carries the same string
        if (shown.startsWith('structuredContent')) for (const m of mirrors) add(f.kind, m, f.detail);
      }
    }
  }
  if (findings.length === 0) for (const f of joined) add(f.kind, ACROSS_STRINGS, f.detail);
  return findings.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}
