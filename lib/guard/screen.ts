/**
 * Injection screening of tool arguments: structural limits (always refused) and content
 * markers (refused or flagged per manifest `guard.injection`). One pass over the value; each
 * string is normalised and decoded a bounded number of times, so the cost is linear in the
 * size of the input.
 */
import { collapseWhitespace, compactForm, decodeBase64Runs, decodeEscapes, decodeHexRuns, findHiddenCharacters, foldText, spacedForm } from './screen-normalize';
import { COMMENT_INSTRUCTION_WORDS, COMPACT_PHRASES, htmlCommentBodies, INSTRUCTION_PATTERNS, LONG_COMPACT_PHRASES, TAG_PATTERNS } from './screen-patterns';

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
}

export interface ScreenResult {
  readonly verdict: 'clean' | 'flagged';
  readonly findings: ScreenFinding[];
  /** True when a structural limit was hit: refuse regardless of the injection setting. */
  readonly structural: boolean;
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

/** Content markers in one piece of text (not its decodings). */
function textMarkers(text: string): Array<{ kind: FindingKind; detail: string }> {
  const out: Array<{ kind: FindingKind; detail: string }> = [];
  const hidden = findHiddenCharacters(text);
  if (hidden.count > 0) out.push({ kind: 'hidden-unicode', detail: `${hidden.count} hidden character(s): ${hidden.names.join(', ')}` });

  const visible = collapseWhitespace(text.normalize('NFKC').replace(/[\p{Cf}\u{E0100}-\u{E01EF}]/gu, '').toLowerCase());
  for (const tag of TAG_PATTERNS) if (tag.regex.test(visible)) out.push({ kind: tag.kind, detail: tag.name });
  for (const body of htmlCommentBodies(visible)) {
    const inner = spacedForm(foldText(body));
    if (COMMENT_INSTRUCTION_WORDS.test(inner) || INSTRUCTION_PATTERNS.some((p) => p.regex.test(inner))) {
      out.push({ kind: 'poisoning-tag', detail: 'HTML comment with instructions' });
      break;
    }
  }

  const spaced = spacedForm(foldText(text));
  const phrases = INSTRUCTION_PATTERNS.filter((p) => p.regex.test(spaced));
  for (const p of phrases) out.push({ kind: 'instruction', detail: p.name });
  if (phrases.length === 0) {
    const spacedOut = letterSpacedPhrase(spaced);
    if (spacedOut) out.push({ kind: 'instruction', detail: `letter-spaced "${spacedOut}"` });
    else {
      // "ig no re pre vi ous" has no single-letter run; long phrases are safe to seek anywhere
      const compact = compactForm(spaced);
      const hit = LONG_COMPACT_PHRASES.find((p) => compact.includes(p));
      if (hit) out.push({ kind: 'instruction', detail: `split words "${hit}"` });
    }
  }
  return out;
}

/** Markers in a string and in what it decodes to (URL/HTML/\u escapes, base64), bounded depth. */
export function stringMarkers(text: string, level = 0, via = ''): Array<{ kind: FindingKind; detail: string }> {
  const out = textMarkers(text).map((f) => (via ? { ...f, detail: `${f.detail} (${via})` } : f));
  if (level >= MAX_DECODE_LEVELS) return out;
  const unescaped = decodeEscapes(text);
  if (unescaped !== text) out.push(...stringMarkers(unescaped, level + 1, via ? `${via}, escape-decoded` : 'escape-decoded'));
  for (const decoded of decodeBase64Runs(text)) out.push(...stringMarkers(decoded, level + 1, via ? `${via}, base64-decoded` : 'base64-decoded'));
  for (const decoded of decodeHexRuns(text)) out.push(...stringMarkers(decoded, level + 1, via ? `${via}, hex-decoded` : 'hex-decoded'));
  return out;
}

/**
 * Screens tool arguments. `flagged` with `structural: true` means the input breaks a hard limit
 * (too deep, too many keys, a huge string, a prototype key, a NoSQL operator key) and is refused; other findings are
 * injection markers whose handling (`block`/`flag`) the guard decides.
 */
export function screenArguments(value: unknown, limits: ScreenLimits = {}): ScreenResult {
  const { maxDepth, maxKeys, maxStringBytes } = { ...DEFAULT_SCREEN_LIMITS, ...limits };
  const findings: ScreenFinding[] = [];
  const seen = new Set<string>();
  const add = (kind: FindingKind, path: string, detail: string) => {
    const key = `${kind}\u0000${path}\u0000${detail}`;
    if (!seen.has(key)) {
      seen.add(key);
      findings.push({ kind, path, detail });
    }
  };
  const screenString = (text: string, path: string) => {
    // UTF-8 is at most 3 bytes per UTF-16 unit: only measure strings that could be too big.
    if (text.length * 3 > maxStringBytes && Buffer.byteLength(text, 'utf8') > maxStringBytes) {
      add('oversize-string', path, `longer than ${maxStringBytes} bytes`);
      return;
    }
    for (const f of stringMarkers(text)) add(f.kind, path, f.detail);
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
  return { verdict: findings.length > 0 ? 'flagged' : 'clean', findings, structural: findings.some((f) => STRUCTURAL_FINDINGS.has(f.kind)) };
}
