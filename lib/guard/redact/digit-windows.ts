/**
 * Where the digit detectors (card, phone, SSN) have to look, found in one pass shared by all three.
 *
 * Every character of a match of their digit patterns is a digit or a separator one of those
 * patterns accepts (CLUSTER_CHAR below), and every finding holds at least 7 digits (a phone; an
 * SSN 9, a card 12). So each match lies inside one maximal run of cluster characters holding 7
 * or more digits: a window. A run of 7 or more characters contains exactly one index in any 7
 * consecutive ones that is a multiple of 7, so probing indexes 0, 7, 14, … and growing each probe
 * that lands on a cluster character into its run finds every window while reading about a
 * seventh of clean text (the per-character scans this replaces read all of it, three times).
 *
 * A detector then runs its own patterns on each window with the context they read either side
 * (BEFORE, AFTER) and keeps the matches that start inside it:
 * those are exactly the matches of a scan of the whole text (test/lib/guard/redact/fast-paths.test.ts
 * compares both on generated texts).
 */

export interface DigitWindow {
  readonly start: number;
  readonly end: number;
  /** ASCII digits in [start, end): what the patterns' `\d` reads. */
  readonly digits: number;
}

/** The fewest digits any digit detector's finding holds (a phone number). */
export const MIN_WINDOW_DIGITS = 7;
/**
 * Context a window's patterns may read outside it: their lookbehinds read at most two UTF-16
 * units before a match (`\d:`, one astral letter); past the end, every atom of theirs (in
 * lookaheads too) consumes only cluster characters, except the one code point of a closing
 * `(?![\p{L}\p{N}_])`, and the first character past a window is no cluster character.
 */
const BEFORE = 2;
const AFTER = 2;

const DIGIT = 2;
const SEPARATOR = 1;
/**
 * The class of every UTF-16 unit, as one table read (64 KB, built at load without a regex):
 * digits; the ASCII separators of card.ts, phone.ts and ssn.ts patterns (`\s`, `.-_/,"'+|*()`);
 * beyond ASCII, `\s` (NBSP, U+1680, U+2000-U+200A, line/paragraph separators, U+202F, U+205F,
 * U+3000, BOM), the dashes U+2010-U+2015 and the minus sign U+2212.
 */
const CLASS = new Uint8Array(0x10000);
for (let c = 48; c <= 57; c++) CLASS[c] = DIGIT;
for (const c of '\t\n\v\f\r .-_/,"\'+|*()\u00a0\u1680\u2028\u2029\u202f\u205f\u2212\u3000\ufeff') CLASS[c.charCodeAt(0)] = SEPARATOR;
CLASS.fill(SEPARATOR, 0x2000, 0x200b);
CLASS.fill(SEPARATOR, 0x2010, 0x2016);

/** The class of one UTF-16 unit: DIGIT, SEPARATOR or 0. */
export function clusterClass(c: number): number {
  return CLASS[c]!;
}

// The detectors of one text run one after the other (findSensitive): they share its windows.
let lastText: string | undefined;
let lastWindows: readonly DigitWindow[] = [];

/** The windows of `text`, left to right (see above). */
export function digitWindows(text: string): readonly DigitWindow[] {
  if (text === lastText) return lastWindows;
  const windows: DigitWindow[] = [];
  const n = text.length;
  const step = MIN_WINDOW_DIGITS;
  let p = 0;
  while (p < n) {
    const probe = CLASS[text.charCodeAt(p)]!;
    if (probe === 0) {
      p += step;
      continue;
    }
    let digits = probe === DIGIT ? 1 : 0;
    let start = p;
    for (let k; start > 0 && (k = CLASS[text.charCodeAt(start - 1)]!) !== 0; start--) if (k === DIGIT) digits++;
    let end = p + 1;
    for (let k; end < n && (k = CLASS[text.charCodeAt(end)]!) !== 0; end++) if (k === DIGIT) digits++;
    if (digits >= MIN_WINDOW_DIGITS) windows.push({ start, end, digits });
    // the next run starts after `end`, which is no cluster character
    p = Math.ceil((end + 1) / step) * step;
  }
  lastText = text;
  lastWindows = windows;
  return windows;
}

/** Drops the remembered text (findSensitive calls this when its detectors are done: no tool result is kept). */
export function forgetDigitWindows(): void {
  lastText = undefined;
  lastWindows = [];
}

/** The whole text as one window: what the detectors did before windows (the reference in tests). */
export function wholeText(text: string): readonly DigitWindow[] {
  return [{ start: 0, end: text.length, digits: Number.MAX_SAFE_INTEGER }];
}

/**
 * Calls `each` with every match of the global `pattern` that starts inside `window`, and its
 * index in `text`, in order: the matches a scan of all of `text` finds there.
 */
export function eachMatchIn(pattern: RegExp, text: string, window: DigitWindow, each: (m: RegExpExecArray, index: number) => void): void {
  const from = Math.max(0, window.start - BEFORE);
  const slice = from === 0 && window.end + AFTER >= text.length ? text : text.slice(from, window.end + AFTER);
  pattern.lastIndex = 0;
  for (let m = pattern.exec(slice); m !== null; m = pattern.exec(slice)) {
    const index = from + m.index;
    if (index >= window.end) break;
    if (index >= window.start) each(m, index);
  }
}

/** The same pattern, tried only where `lastIndex` says (for eachStickyMatchIn). */
export function sticky(pattern: RegExp): RegExp {
  return new RegExp(pattern.source, `${pattern.flags.replace('g', '')}y`);
}

/**
 * eachMatchIn without slicing or scanning: `pattern` (sticky) is tried on the whole text at each
 * index of `window` that `mayStart` lets through, left to right, resuming after each match.
 * That is the scan a global regex makes, when `mayStart` is false only where the pattern cannot
 * match (a cheap necessary condition: the first characters, the one before).
 */
export function eachStickyMatchIn(pattern: RegExp, text: string, window: DigitWindow, mayStart: (text: string, at: number) => boolean, each: (m: RegExpExecArray, index: number) => void): void {
  for (let p = window.start; p < window.end; p++) {
    if (!mayStart(text, p)) continue;
    pattern.lastIndex = p;
    const m = pattern.exec(text);
    if (m === null) continue;
    each(m, p);
    p += m[0].length - 1;
  }
}
