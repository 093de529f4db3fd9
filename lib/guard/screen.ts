/**
 * Injection screening of tool arguments: structural limits (always refused) and content
 * markers (refused or flagged per manifest `guard.injection`). One pass over the value; each
 * string is normalised and decoded a bounded number of times, so the cost is linear in the
 * size of the input.
 *
 * Content markers are scored, not counted: each signal has a weight (docs/screening.md), the
 * weights of one string's distinct signals add up, and the arguments are flagged when a string
 * reaches SCREEN_THRESHOLD. A strong signal (a chat-template token, "ignore previous
 * instructions", a tag-character payload) reaches it alone; wording business text also uses
 * ("do not notify the user", "override previous pricing rules", a zero-width joiner) needs a
 * second one. The argument's name sets the context (screen-context.ts): in a `reason` or a
 * search the weak signals count half, in a name direction marks and joiners count nothing.
 */
import { createHash, hash as cryptoHash, randomBytes } from 'node:crypto';
import { argumentContext, exemptionPath, type ArgumentContext } from './screen-context';
import { LATIN_LANGUAGE_PATTERNS, SCRIPT_PATTERNS } from './screen-languages';
import { compactForm, compactPhrasesMatcher, decodeBase32Runs, decodeBase64Runs, decodeEscapes, decodeHexRuns, encodedRuns, foldedSpacedForm, foldText, hiddenCharacterCounts, reversed, rot13, spacedForm, visibleForm } from './screen-normalize';
import { COMMENT_INSTRUCTION_WORDS, COMPACT_PHRASES, htmlCommentBodies, INSTRUCTION_PATTERNS, LONG_COMPACT_PHRASES, TAG_PATTERNS } from './screen-patterns';

/** Score at which a string's markers flag the arguments (and refuse them under `injection: block`). */
export const SCREEN_THRESHOLD = 1;
/** Added to a marker found only after decoding (base64, ROT13, reversed…): hiding an instruction is itself a signal. */
export const DECODED_BONUS = 0.5;
/** Zero-width characters in a run this long carry data (steganography), whatever the context. */
export const ZERO_WIDTH_RUN = 16;

export type FindingKind =
  | 'instruction'
  | 'chat-template'
  | 'poisoning-tag'
  | 'hidden-unicode'
  | 'too-deep'
  | 'too-many-keys'
  | 'oversize-string'
  | 'forbidden-key'
  | 'operator-key';

/** Findings that refuse the call whatever `guard.injection` says. */
export const STRUCTURAL_FINDINGS: ReadonlySet<FindingKind> = new Set(['too-deep', 'too-many-keys', 'oversize-string', 'forbidden-key', 'operator-key']);

export interface ScreenFinding {
  readonly kind: FindingKind;
  /** Where in the arguments, e.g. `args.note` or `args.items[2].name` (`{key}` for a key). */
  readonly path: string;
  /** What matched (a pattern name or a limit), never the attacker's text itself. */
  readonly detail: string;
  /** What it added to its string's score (content markers; structural findings refuse outright). */
  readonly weight?: number;
}

export interface ScreenResult {
  /** `flagged`: a structural limit was hit or a string's score reached SCREEN_THRESHOLD. */
  readonly verdict: 'clean' | 'flagged';
  /** Every marker seen, also those below the threshold (for the audit of a flagged call). */
  readonly findings: ScreenFinding[];
  /** True when a structural limit was hit: refuse regardless of the injection setting. */
  readonly structural: boolean;
  /** Highest score of any one string (0 when none had a marker). */
  readonly score: number;
}

export interface ScreenOptions extends ScreenLimits {
  /**
   * Finding kinds the manifest exempts at an argument (`guard.injection.exempt`), given its
   * exemption path (`reason`, `items[].note`); undefined: none. Structural limits are never exempt.
   */
  readonly exempt?: (path: string) => ReadonlySet<FindingKind> | undefined;
}

export interface ScreenLimits {
  /** @default 32 */
  readonly maxDepth?: number;
  /** Object keys plus array elements, in total. @default 10000 */
  readonly maxKeys?: number;
  /** UTF-8 bytes of any one string. @default 262144 (256 KB) */
  readonly maxStringBytes?: number;
}

export const DEFAULT_SCREEN_LIMITS: Required<ScreenLimits> = { maxDepth: 32, maxKeys: 10_000, maxStringBytes: 256 * 1024 };

/** Keys that reach Object.prototype in naive merges (prototype pollution). */
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);
/**
 * NoSQL query operators (`{"$ne": null}`, `$where`, `$regex`): a tool whose schema lets a
 * free-form object through must still never hand a query operator to a data store.
 */
const OPERATOR_KEY = /^\$[A-Za-z]/;
/** How many times decoded text is decoded again (base64 of URL-encoded text, …). */
const MAX_DECODE_LEVELS = 2;

const childPath = (parent: string, key: string | number): string =>
  typeof key === 'number' ? `${parent}[${key}]` : /^[A-Za-z_$][\w$]*$/.test(key) ? `${parent}.${key}` : `${parent}[${JSON.stringify(key)}]`;

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

/** A content marker before it is placed: what matched and its base weight. */
export interface Marker {
  readonly kind: FindingKind;
  readonly detail: string;
  readonly weight: number;
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
/** What a name may hold without counting at all (Hebrew/Arabic names, names pasted from apps that isolate them). */
const NAME_SAFE_HIDDEN = new Set([...SOFT_HIDDEN, 'BIDI ISOLATE', 'BIDI EMBEDDING']);

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

/**
 * One regex that matches where any of `regexes` does (an alternation of their sources: none has
 * flags, a back-reference or a lookbehind, so each alternative reads as it did alone). The screen
 * asks it first and tries the patterns one by one only when it matched: on clean text that is
 * one scan instead of one per pattern.
 */
function anyOf(regexes: readonly RegExp[]): RegExp {
  for (const r of regexes) if (r.flags !== '' || /\\[1-9]|\(\?<[=!]/.test(r.source)) throw new Error(`screen pattern ${r.source} can't be combined`);
  return new RegExp(regexes.map((r) => `(?:${r.source})`).join('|'));
}
const ANY_TAG = anyOf(TAG_PATTERNS.map((t) => t.regex));
const ANY_OUTPUT_TAG = anyOf(TAG_PATTERNS.filter((t) => !t.argumentsOnly).map((t) => t.regex));
const ANY_INSTRUCTION = anyOf(INSTRUCTION_PATTERNS.map((p) => p.regex));
const ANY_LATIN_LANGUAGE = anyOf(LATIN_LANGUAGE_PATTERNS.map((p) => p.regex));
/** Three single-unit words in a row in the spaced form: what letterSpacedPhrase looks around. */
const LETTER_RUN = /(?:^| )[^ ] [^ ] [^ ](?: |$)/;
/** `compactForm(spaced).includes(p)` for some p of LONG_COMPACT_PHRASES, without building the compact form. */
const ANY_LONG_COMPACT = compactPhrasesMatcher(LONG_COMPACT_PHRASES);

/** Content markers in one piece of text (not its decodings). */
function textMarkers(text: string, withHidden = true, forOutput = false): Marker[] {
  const out: Marker[] = withHidden ? hiddenMarkers(text) : [];

  const visible = visibleForm(text);
  if ((forOutput ? ANY_OUTPUT_TAG : ANY_TAG).test(visible)) {
    for (const tag of TAG_PATTERNS) if (!(forOutput && tag.argumentsOnly) && tag.regex.test(visible)) out.push({ kind: tag.kind, detail: tag.name, weight: tag.weight ?? 1 });
  }
  for (const body of htmlCommentBodies(visible)) {
    const inner = spacedForm(foldText(body));
    if (COMMENT_INSTRUCTION_WORDS.test(inner) || INSTRUCTION_PATTERNS.some((p) => p.regex.test(inner))) {
      out.push({ kind: 'poisoning-tag', detail: 'HTML comment with instructions', weight: 1 });
      break;
    }
  }
  for (const p of SCRIPT_PATTERNS) if (p.regex.test(visible)) out.push({ kind: 'instruction', detail: p.name, weight: p.weight ?? 1 });

  const spaced = foldedSpacedForm(text);
  let phrases = ANY_INSTRUCTION.test(spaced) ? INSTRUCTION_PATTERNS.filter((p) => p.regex.test(spaced)) : [];
  // French "ignore les instructions" reads as English too: other languages only when English found nothing
  if (phrases.length === 0 && ANY_LATIN_LANGUAGE.test(spaced)) phrases = LATIN_LANGUAGE_PATTERNS.filter((p) => p.regex.test(spaced));
  for (const p of phrases) out.push({ kind: 'instruction', detail: p.name, weight: p.weight ?? 1 });
  if (phrases.length === 0) {
    const spacedOut = LETTER_RUN.test(spaced) ? letterSpacedPhrase(spaced) : undefined;
    if (spacedOut) out.push({ kind: 'instruction', detail: `letter-spaced "${spacedOut}"`, weight: 1 });
    else if (ANY_LONG_COMPACT.test(spaced)) {
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
  // keys, enum values and ids come back in every call: the markers of a short string are a
  // pure function of it, remembered (bounded), so each is read once, not once per call
  if (level === 0 && text.length <= MARKER_MEMO_MAX_LENGTH) {
    const memo = forOutput ? outputMarkerMemo : argumentMarkerMemo;
    const key = memoKey(text);
    let markers = memo.get(key);
    if (markers === undefined) {
      markers = Object.freeze(readMarkers(text, 0, '', forOutput).map((m) => Object.freeze(m)));
      if (memo.size >= MARKER_MEMO_MAX_ENTRIES) memo.clear();
      memo.set(key, markers);
    }
    return [...markers];
  }
  return readMarkers(text, level, via, forOutput);
}

const MARKER_MEMO_MAX_LENGTH = 256;
const MARKER_MEMO_MAX_ENTRIES = 4096;
/**
 * The memos are keyed by a salted SHA-256 of the string, not the string: arguments carry
 * names, e-mail addresses and notes, and a long-lived map of them would be a copy of personal
 * data in memory (heap snapshots, crash dumps). The salt is random per process, so a digest
 * can't be looked up in a table computed elsewhere; a collision (which would hand one string
 * another's markers) needs a SHA-256 collision.
 */
const MEMO_SALT = randomBytes(16).toString('base64');
const sha256 = typeof cryptoHash === 'function' ? (data: string) => cryptoHash('sha256', data, 'base64') : (data: string) => createHash('sha256').update(data).digest('base64');
const memoKey = (text: string): string => sha256(MEMO_SALT + text);
const argumentMarkerMemo = new Map<string, readonly Marker[]>();
const outputMarkerMemo = new Map<string, readonly Marker[]>();

function readMarkers(text: string, level: number, via: string, forOutput: boolean): Marker[] {
  const out = textMarkers(text, true, forOutput).map((f) => (via ? { ...f, detail: `${f.detail} (${via})`, weight: f.weight + DECODED_BONUS } : f));
  if (level >= MAX_DECODE_LEVELS) return out;
  const deeper = (decoded: string, how: string) => out.push(...stringMarkers(decoded, level + 1, via ? `${via}, ${how}` : how, forOutput));
  const unescaped = decodeEscapes(text);
  if (unescaped !== text) deeper(unescaped, 'escape-decoded');
  const runs = encodedRuns(text);
  for (const decoded of decodeBase64Runs(text, runs)) deeper(decoded, 'base64-decoded');
  for (const decoded of decodeBase32Runs(text, runs)) deeper(decoded, 'base32-decoded');
  for (const decoded of decodeHexRuns(text, runs)) deeper(decoded, 'hex-decoded');
  // not for tool results: they are screened as one joined text, and three readings of every
  // large result would triple the cost of the hot path (bench/), for attacks aimed at arguments
  if (level === 0 && !forOutput && ASCII_LETTERS.test(text)) {
    // one level only: these turn ordinary text into noise, so a phrase in them was put there
    const hidden = (f: Marker, how: string): Marker => ({ ...f, detail: `${f.detail} (${how})`, weight: f.weight + DECODED_BONUS });
    for (const f of textMarkers(rot13(text), false)) out.push(hidden(f, 'rot13-decoded'));
    for (const f of textMarkers(reversed(text), false)) out.push(hidden(f, 'reversed'));
  }
  return out;
}

/** The weight a marker has in an argument of this context. */
function contextual(marker: Marker, context: ArgumentContext): number {
  if (marker.kind === 'hidden-unicode') {
    if (context === 'name' && [...NAME_SAFE_HIDDEN].some((n) => marker.detail.endsWith(`: ${n}`))) return 0;
    return marker.weight;
  }
  // an operator's reason or a search is not addressed to a model: weak wording counts half
  if ((context === 'free-text' || context === 'search') && marker.weight < 1) return marker.weight / 2;
  return marker.weight;
}

/**
 * The score of one string's markers: the largest weight per signal (a phrase seen in the text
 * and again in its base64 counts once), summed over distinct signals.
 */
export function scoreMarkers(markers: readonly { readonly detail: string; readonly weight?: number }[]): number {
  const best = new Map<string, number>();
  for (const m of markers) {
    const signal = m.detail.replace(/ \([^)]*decoded[^)]*\)$| \(reversed\)$/, '');
    best.set(signal, Math.max(best.get(signal) ?? 0, m.weight ?? 1));
  }
  let score = 0;
  for (const w of best.values()) score += w;
  return Math.round(score * 100) / 100;
}

/**
 * Screens tool arguments. `flagged` with `structural: true` means the input breaks a hard limit
 * (too deep, too many keys, a huge string, a prototype key, a NoSQL operator key) and is refused; other findings are
 * injection markers whose handling (`block`/`flag`) the guard decides.
 */
export function screenArguments(value: unknown, options: ScreenOptions = {}): ScreenResult {
  const { maxDepth, maxKeys, maxStringBytes } = { ...DEFAULT_SCREEN_LIMITS, ...options };
  const findings: ScreenFinding[] = [];
  const seen = new Set<string>();
  let score = 0;
  const add = (kind: FindingKind, path: string, detail: string, weight?: number) => {
    const key = `${kind}\u0000${path}\u0000${detail}`;
    if (!seen.has(key)) {
      seen.add(key);
      findings.push(weight === undefined ? { kind, path, detail } : { kind, path, detail, weight });
    }
  };
  const screenString = (text: string, path: string) => {
    // UTF-8 is at most 3 bytes per UTF-16 unit: only measure strings that could be too big.
    if (text.length * 3 > maxStringBytes && Buffer.byteLength(text, 'utf8') > maxStringBytes) {
      add('oversize-string', path, `longer than ${maxStringBytes} bytes`);
      return;
    }
    const exempt = options.exempt?.(exemptionPath(path));
    const context = argumentContext(path);
    const placed = stringMarkers(text)
      .filter((m) => !exempt?.has(m.kind))
      .map((m) => ({ ...m, weight: contextual(m, context) }))
      .filter((m) => m.weight > 0);
    for (const m of placed) add(m.kind, path, m.detail, m.weight);
    score = Math.max(score, scoreMarkers(placed));
  };

  let entries = 0;
  let tooMany = false;
  const stack: Array<{ value: unknown; path: string; depth: number }> = [{ value, path: 'args', depth: 0 }];
  while (stack.length > 0) {
    const { value: v, path, depth } = stack.pop()!;
    if (typeof v === 'string') {
      screenString(v, path);
      continue;
    }
    if (v === null || typeof v !== 'object') continue;
    if (depth + 1 > maxDepth) {
      add('too-deep', path, `nested deeper than ${maxDepth} levels`);
      continue;
    }
    const children: Array<[string | number, unknown]> = Array.isArray(v) ? v.map((c, i) => [i, c]) : Object.keys(v).map((k) => [k, (v as Record<string, unknown>)[k]]);
    entries += children.length;
    if (entries > maxKeys) {
      if (!tooMany) add('too-many-keys', 'args', `more than ${maxKeys} keys and elements`);
      tooMany = true;
      break;
    }
    for (const [key, child] of children) {
      const p = childPath(path, key);
      if (typeof key === 'string') {
        if (FORBIDDEN_KEYS.has(key)) add('forbidden-key', p, `key "${key}" is not allowed`);
        else if (OPERATOR_KEY.test(key)) add('operator-key', p, `query operator key "${key.slice(0, 32)}" is not allowed`);
        else screenString(key, `${p}{key}`);
      }
      stack.push({ value: child, path: p, depth: depth + 1 });
    }
  }
  // stable, readable order: by path
  findings.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  const structural = findings.some((f) => STRUCTURAL_FINDINGS.has(f.kind));
  return { verdict: structural || score >= SCREEN_THRESHOLD ? 'flagged' : 'clean', findings, structural, score };
}
