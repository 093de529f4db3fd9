/**
 * The text the detectors read, and the way back to the text that is sent. People and tools
 * write the same card in many ways that are one number to a reader: full-width digits (Japanese
 * input methods), Arabic-Indic or mathematical digits, soft hyphens and other invisible
 * characters inside it, `&nbsp;` between the groups, runs of spaces. The detectors see one
 * normalized form; the redactor replaces the ORIGINAL span of what they found, so nothing of the
 * value survives in what leaves the server, and everything else comes back byte for byte.
 *
 * Per code point, in one left-to-right pass (linear):
 * - default-ignorable code points (U+00AD, U+034F, U+061C, U+115F, U+180E, U+200B-U+200F,
 *   U+2060-U+206F, U+3164, U+FE00-U+FE0F, U+FEFF, U+FFA0, tags U+E0000-U+E0FFF, …), other format
 *   characters (`Cf`) and combining marks (`Mn`, `Me`: a keycap or an underline on a digit) are dropped;
 * - every decimal digit (`Nd`, any script) becomes its ASCII digit;
 * - every dash (`Pd`, U+2212 minus) becomes `-`;
 * - a run of whitespace becomes one space, or one line break if it holds one;
 * - `&nbsp;`, `&shy;`, numeric character references (`&#160;`, `&#x34;`, also without the `;`
 *   browsers do not need: `&#52&#49`) and a few other named entities are read as the character
 *   they stand for;
 * - a percent-escape of printable ASCII (`%20`, `%34`, `%2D`: a URL or form body) is read as its
 *   character, and so are the JSON string escapes `\uXXXX`, `\n`, `\r`, `\t` in text that is
 *   not itself parsed as JSON (a log line quoting JSON);
 * - Cyrillic and Greek letters drawn like Latin ones become that letter (`DЕ89…` with a Cyrillic Е);
 * - anything else is NFKC-normalized on its own (`Ｄ` → `D`, `ﬁ` → `fi`).
 */

/** Text as the detectors read it, with the original span of every UTF-16 unit. */
export interface DetectionView {
  readonly text: string;
  /** `start[i]`, `end[i]`: the span of the original text that unit `i` of `text` came from. */
  readonly start?: Uint32Array;
  readonly end?: Uint32Array;
}

/**
 * Text whose detection view is the text itself, told by native string scans (a character-class
 * regex over the whole text cost about 1 ns a character, the scans here a few µs per 64 KB):
 * - nothing beyond ASCII: the UTF-8 length is the UTF-16 length (lone surrogates take 3 bytes);
 * - no `&` (entities), no `%XX` or `\u`/`\n`/`\r`/`\t` escape;
 * - no two ASCII whitespace characters in a row (a run collapses to one);
 * - and, when there is a `\r`, no other ASCII control character: `\r` alone is left as written
 *   (a view is built only for text that needs one for another reason, and there it becomes `\n`).
 * Other ASCII controls are their own detection text, so without `\r` they need no view.
 */
const WHITESPACE_PAIR = /[\t\n\r ][\t\n\r ]/;
const PERCENT_ESCAPE_ANYWHERE = /%[2-7][0-9A-Fa-f]/;
const BACKSLASH_ESCAPE_ANYWHERE = /\\[unrt]/;
const ASCII_CONTROL = /[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]/;

function needsNormalizing(text: string): boolean {
  return (
    Buffer.byteLength(text, 'utf8') !== text.length ||
    text.includes('&') ||
    text.includes('  ') ||
    ((text.includes('\n') || text.includes('\r') || text.includes('\t')) && WHITESPACE_PAIR.test(text)) ||
    (text.includes('%') && PERCENT_ESCAPE_ANYWHERE.test(text)) ||
    (text.includes('\\') && BACKSLASH_ESCAPE_ANYWHERE.test(text)) ||
    (text.includes('\r') && ASCII_CONTROL.test(text))
  );
}

/** ASCII that is its own detection text: not `&`, `%`, `\`, a space or a line break (those may start an escape or a run). */
function isPlainUnit(c: number): boolean {
  return c < 0x80 && c !== 0x26 && c !== 0x25 && c !== 0x5c && c !== 0x20 && c !== 0x0a && c !== 0x0d;
}
const DROPPED = /^[\p{Default_Ignorable_Code_Point}\p{Cf}\p{Mn}\p{Me}]$/u;
const DECIMAL_DIGIT = /^\p{Nd}$/u;
const DASH = /^[\p{Pd}\u2212\uFE63\uFF0D]$/u;
const WHITESPACE = /^\s$/u;
const ENTITY = /&(?:(nbsp|ensp|emsp|thinsp|nnbsp|numsp|puncsp|shy|zwsp|zwj|zwnj|lrm|rlm|hyphen|dash|ndash|mdash|minus|NoBreak|ZeroWidthSpace)|#(\d{1,7})|#[xX]([0-9A-Fa-f]{1,6}));/y;
/** Numeric references without the closing `;`, which HTML parsers accept. */
const BARE_NUMERIC_ENTITY = /&#(?:(\d{1,7})|[xX]([0-9A-Fa-f]{1,6}))/y;
/** `%XX` of a printable ASCII character. */
const PERCENT_ESCAPE = /%([2-7][0-9A-Fa-f])/y;
/** JSON string escapes a log line keeps when it quotes JSON. */
const BACKSLASH_ESCAPE = /\\(?:u([0-9A-Fa-f]{4})|([nrt]))/y;
const NAMED_ENTITY: Readonly<Record<string, number>> = {
  nbsp: 0xa0, ensp: 0x2002, emsp: 0x2003, thinsp: 0x2009, nnbsp: 0x202f, numsp: 0x2007, puncsp: 0x2008, shy: 0xad, zwsp: 0x200b,
  ZeroWidthSpace: 0x200b, zwj: 0x200d, zwnj: 0x200c, lrm: 0x200e, rlm: 0x200f, NoBreak: 0x2060, hyphen: 0x2010, dash: 0x2010,
  ndash: 0x2013, mdash: 0x2014, minus: 0x2212,
};

/**
 * Cyrillic and Greek letters drawn like Latin ones, as their Latin letter: an IBAN's country code
 * typed or pasted as `DЕ89…` (Cyrillic Е) reads as `DE89…` to everyone. Uppercase (country codes,
 * BICs) and the lowercase ones no reader tells apart; NFKC keeps scripts apart, so it misses these.
 */
const CONFUSABLE: Readonly<Record<string, string>> = {
  А: 'A', В: 'B', Е: 'E', К: 'K', М: 'M', Н: 'H', О: 'O', Р: 'P', С: 'C', Т: 'T', Х: 'X', І: 'I', Ј: 'J', Ѕ: 'S',
  а: 'a', е: 'e', о: 'o', р: 'p', с: 'c', х: 'x', і: 'i', ј: 'j', ѕ: 's',
  Α: 'A', Β: 'B', Ε: 'E', Ζ: 'Z', Η: 'H', Ι: 'I', Κ: 'K', Μ: 'M', Ν: 'N', Ο: 'O', Ρ: 'P', Τ: 'T', Υ: 'Y', Χ: 'X', ο: 'o',
};

// Per-code-point answers, remembered (bounded): text is mostly a few scripts.
const mapped = new Map<number, string>();
const MAPPED_MAX = 8192;

/** The ASCII digit of a decimal digit of any script. */
function digitOf(cp: number): string {
  // Unicode stability policy: decimal digits are encoded in contiguous runs of ten, 0 to 9, so
  // the distance to the first digit of the (possibly multi-script) run gives the value.
  let first = cp;
  while (first > 0 && DECIMAL_DIGIT.test(String.fromCodePoint(first - 1))) first--;
  return String((cp - first) % 10);
}

/** What one code point becomes in the detection text ('' when dropped). */
function mapCodePoint(cp: number): string {
  if (cp < 0x80) return String.fromCharCode(cp);
  let out = mapped.get(cp);
  if (out !== undefined) return out;
  const ch = String.fromCodePoint(cp);
  if (CONFUSABLE[ch] !== undefined) out = CONFUSABLE[ch];
  else if (DROPPED.test(ch)) out = '';
  else if (DECIMAL_DIGIT.test(ch)) out = digitOf(cp);
  else if (DASH.test(ch)) out = '-';
  else if (WHITESPACE.test(ch)) out = ' ';
  else {
    out = ch.normalize('NFKC');
    // NFKC can yield digits of another script or a dash of its own (`⒈` → `1.`): map those too
    if (out !== ch) out = [...out].map((c) => (c.charCodeAt(0) < 0x80 ? c : DECIMAL_DIGIT.test(c) ? digitOf(c.codePointAt(0)!) : DASH.test(c) ? '-' : WHITESPACE.test(c) ? ' ' : DROPPED.test(c) ? '' : c)).join('');
  }
  if (mapped.size >= MAPPED_MAX) mapped.clear();
  mapped.set(cp, out);
  return out;
}

/** The detection view of `text`; the same string, without a map, when nothing needs normalizing. */
export function detectionView(text: string): DetectionView {
  return needsNormalizing(text) ? normalizedView(text) : { text };
}

/** The view built character by character (detectionView skips it for text that is its own view). */
export function normalizedView(text: string): DetectionView {
  const parts: string[] = [];
  // at most one output unit per input unit, except NFKC expansions: grow when needed
  let start = new Uint32Array(text.length + 16);
  let end = new Uint32Array(text.length + 16);
  let n = 0;
  const ensure = (size: number) => {
    if (size <= start.length) return;
    const grow = (a: Uint32Array) => {
      const b = new Uint32Array(Math.max(a.length * 2, size));
      b.set(a);
      return b;
    };
    start = grow(start);
    end = grow(end);
  };
  const push = (s: string, from: number, to: number) => {
    ensure(n + s.length);
    for (let k = 0; k < s.length; k++) {
      start[n] = from;
      end[n] = to;
      n++;
    }
    parts.push(s);
  };
  let i = 0;
  while (i < text.length) {
    // A run of plain ASCII maps to itself unit for unit: copied as one slice (indented JSON
    // needs a view for its runs of spaces, and per-character work there was most of the cost).
    let j = i;
    while (j < text.length && isPlainUnit(text.charCodeAt(j))) j++;
    if (j > i) {
      ensure(n + (j - i));
      for (let k = i; k < j; k++) {
        start[n] = k;
        end[n] = k + 1;
        n++;
      }
      parts.push(text.slice(i, j));
      i = j;
      if (i >= text.length) break;
    }
    // likewise a run of ASCII spaces and line breaks: one space, or one line break if it holds one
    const c = text.charCodeAt(i);
    if (c === 0x20 || c === 0x0a || c === 0x0d) {
      let breaks = false;
      j = i;
      for (let w = c; j < text.length && (w === 0x20 || w === 0x0a || w === 0x0d); w = text.charCodeAt(++j)) if (w !== 0x20) breaks = true;
      const last = parts.length > 0 ? parts[parts.length - 1] : undefined;
      if (last === ' ' || last === '\n') {
        end[n - 1] = j;
        if (breaks) parts[parts.length - 1] = '\n';
      } else push(breaks ? '\n' : ' ', i, j);
      i = j;
      continue;
    }
    let cp = text.codePointAt(i)!;
    let width = cp > 0xffff ? 2 : 1;
    if (cp === 0x26 /* & */) {
      ENTITY.lastIndex = i;
      const m = ENTITY.exec(text);
      BARE_NUMERIC_ENTITY.lastIndex = i;
      const bare = m ? null : BARE_NUMERIC_ENTITY.exec(text);
      const value = m ? (m[1] !== undefined ? NAMED_ENTITY[m[1]]! : Number.parseInt(m[2] ?? m[3]!, m[2] !== undefined ? 10 : 16)) : bare ? Number.parseInt(bare[1] ?? bare[2]!, bare[1] !== undefined ? 10 : 16) : 0;
      if (value > 0 && value <= 0x10ffff && !(value >= 0xd800 && value <= 0xdfff)) {
        cp = value;
        width = (m ?? bare)![0].length;
      }
    } else if (cp === 0x25 /* % */) {
      PERCENT_ESCAPE.lastIndex = i;
      const m = PERCENT_ESCAPE.exec(text);
      if (m) {
        cp = Number.parseInt(m[1]!, 16);
        width = 3;
      }
    } else if (cp === 0x5c /* \ */) {
      BACKSLASH_ESCAPE.lastIndex = i;
      const m = BACKSLASH_ESCAPE.exec(text);
      if (m) {
        cp = m[1] !== undefined ? Number.parseInt(m[1], 16) : 0x20;
        // a lone surrogate escape stays as written: only whole code points are read
        if (cp >= 0xd800 && cp <= 0xdfff) cp = 0x5c;
        else width = m[0].length;
      }
    }
    const out = cp === 0x0a || cp === 0x0d ? '\n' : mapCodePoint(cp);
    if (out === ' ' || out === '\n') {
      // a whitespace run becomes one character whose span covers the whole run
      const last = parts.length > 0 ? parts[parts.length - 1] : undefined;
      if (last === ' ' || last === '\n') {
        end[n - 1] = i + width;
        if (out === '\n' && last === ' ') parts[parts.length - 1] = '\n';
        i += width;
        continue;
      }
    }
    if (out !== '') push(out, i, i + width);
    i += width;
  }
  return { text: parts.join(''), start: start.subarray(0, n), end: end.subarray(0, n) };
}

/** The original span of `[from, to)` of the view. */
export function originalSpan(view: DetectionView, from: number, to: number): { start: number; end: number } {
  if (!view.start || !view.end) return { start: from, end: to };
  return { start: view.start[from]!, end: view.end[to - 1]! };
}
