/**
 * Key-based redaction in free text. `redactJson` hides the value of a sensitive key
 * (`password`, `apiKey`, `iban`, `address`, …) whatever it looks like; the same value written
 * as text must not slip through because no pattern recognises it:
 * - a JSON or Python-dict fragment inside a longer text (`log: {"sessionToken": "…", "ok": true}`,
 *   `{'password': 'x'}`): every sensitive key, its value a string, number, object or array;
 * - `key=value` / `key: value` (query strings, config dumps, log lines): credential keys only
 *   (`password`, `secret`, `apiKey`, `token`s, private keys), and only a value that looks like a
 *   secret (a digit or a symbol in it, or 12+ characters), so "reset your password: click here"
 *   stays prose.
 * Each scan is bounded and resumes after the value it consumed: linear in the text.
 */
import type { RedactionType } from '../../config/schema';
import type { Finding } from './finding';
import { sensitiveKeyType } from './sensitive-keys';

/** The end of a quoted key (`": `); the key is then read backwards, which is cheaper than trying every quote. */
const KEY_END = /(["'])[ \t]{0,8}:[ \t\r\n]{0,16}/g;
const KEY_NAME = /^[A-Za-z_$][\w$ .\-]{0,63}$/;
const BARE_KEY = /(?<![\w\-])([A-Za-z][\w\-]{1,40})[ \t]{0,2}[:=][ \t]{0,2}(?=[^\s{[])/g;
const BARE_VALUE = /[^\s"',;&<>{}[\]()]{1,512}/y;
const NUMBER = /-?\d[\d.eE+\-]{0,40}/y;
/** How far one value may reach; longer strings or structures are redacted up to here. */
const MAX_VALUE = 64 * 1024;
const CREDENTIALS: ReadonlySet<RedactionType> = new Set(['aws-secret', 'aws-access-key', 'jwt', 'private-key']);
const LOOKS_SECRET = /[\d\W_]/;
/** A value already redacted (the JSON path ran first): nothing left to hide, nothing to count. */
const MARKER = /^\[REDACTED:[a-z-]+\]$/;

/** End of the quoted string starting at `at` (the quote), or the bound. */
function stringEnd(text: string, at: number): number {
  const quote = text[at];
  const limit = Math.min(text.length, at + MAX_VALUE);
  for (let k = at + 1; k < limit; k++) {
    const c = text[k];
    if (c === '\\') k++;
    else if (c === quote) return k + 1;
    else if (c === '\n' && quote === "'") return k;
  }
  return limit;
}

/** End of the object or array starting at `at`, strings respected, or the bound. */
function structureEnd(text: string, at: number): number {
  const limit = Math.min(text.length, at + MAX_VALUE);
  let depth = 0;
  for (let k = at; k < limit; k++) {
    const c = text[k];
    if (c === '"' || c === "'") k = stringEnd(text, k) - 1;
    else if (c === '{' || c === '[') depth++;
    else if (c === '}' || c === ']') {
      depth--;
      if (depth === 0) return k + 1;
    }
  }
  return limit;
}

/**
 * A word every sensitive key contains (sensitive-keys.ts: exact keys and endings). Text without
 * one has no sensitive key: most tool output is skipped in one pass. Grouped by first letter
 * (pass, pwd, pan, phone; secret, security, ssn, social, street; token, tel; cvv, cvc, cvn, cvd,
 * csc, cav, card, cc; …), which the regex engine tries faster than 27 alternatives.
 */
const KEY_WORD = /p(?:ass|wd|an|hone)|s(?:ecret|ecurity|sn|ocial|treet)|key|t(?:oken|el)|jwt|c(?:v[vcnd]|sc|av|ard|c)|verification|iban|email|mobile|fax|address/i;

/**
 * Characters a key may hold between the letters of its key word (KEY_NAME's, minus letters and
 * digits): `s-e-c-r-e-t` and `card number` are compared as `secret` and `cardnumber`.
 */
const KEY_SEPARATOR = /[_$ .\-]/;
const KEY_WORDS = ['pass', 'pwd', 'pan', 'phone', 'secret', 'security', 'ssn', 'social', 'street', 'key', 'token', 'tel', 'jwt', 'cvv', 'cvc', 'cvn', 'cvd', 'csc', 'cav', 'card', 'cc', 'verification', 'iban', 'email', 'mobile', 'fax', 'address'];
/**
 * A key word split by separators has its first separator run between two letters that follow
 * each other in the word (`s-e`, `r e`, `p_w`): text with no such pair has no split key word.
 */
const SPLIT_KEY_WORD = ((): RegExp => {
  const next = new Map<string, Set<string>>();
  for (const word of KEY_WORDS) for (let i = 0; i + 1 < word.length; i++) next.set(word[i]!, (next.get(word[i]!) ?? new Set()).add(word[i + 1]!));
  return new RegExp([...next].map(([a, bs]) => `${a}[_$ .\\-]+[${[...bs].join('')}]`).join('|'), 'i');
})();

/** Appends a finding for each value of a key whose type is in `hidden`. */
export function findKeyedValues(text: string, hidden: ReadonlySet<RedactionType>, out: Finding[], scan: 'anchored' | 'global' = 'anchored'): void {
  if (text.length < 4) return;
  // no key word written whole: a sensitive key can only be one whose word is split by separators
  const splitOnly = !KEY_WORD.test(text);
  if (splitOnly && !SPLIT_KEY_WORD.test(text)) return;
  KEY_END.lastIndex = 0;
  for (let m = KEY_END.exec(text); m !== null; m = KEY_END.exec(text)) {
    const open = text.lastIndexOf(m[1]!, m.index - 1);
    if (open < 0 || m.index - open > 65) continue;
    const key = text.slice(open + 1, m.index);
    if (splitOnly && !KEY_SEPARATOR.test(key)) continue;
    // the (memoised) key type first: most keys are not sensitive, and both must hold
    const type = sensitiveKeyType(key);
    if (type === undefined || !hidden.has(type) || !KEY_NAME.test(key)) continue;
    const at = m.index + m[0].length;
    const c = text[at];
    let start = at;
    let end = at;
    if (c === '"' || c === "'") {
      end = stringEnd(text, at);
      // keep the quotes, so a JSON fragment stays JSON; an empty string holds nothing
      start = at + 1;
      if (end - 1 >= start && text[end - 1] === c) end--;
    } else if (c === '{' || c === '[') end = structureEnd(text, at);
    else if (c !== undefined && (c === '-' || (c >= '0' && c <= '9'))) {
      NUMBER.lastIndex = at;
      end = at + (NUMBER.exec(text)?.[0].length ?? 0);
    }
    if (end > start && !MARKER.test(text.slice(start, end))) {
      out.push({ start, end, type });
      KEY_END.lastIndex = end;
    }
  }
  let credentials = false;
  for (const type of CREDENTIALS) credentials ||= hidden.has(type);
  if (!credentials) return;
  eachBareKey(text, scan, (m) => {
    if (splitOnly && !KEY_SEPARATOR.test(m[1]!)) return undefined;
    const type = sensitiveKeyType(m[1]!);
    if (type === undefined || !CREDENTIALS.has(type) || !hidden.has(type)) return undefined;
    let at = m.index + m[0].length;
    let value: string | undefined;
    if (text[at] === '"' || text[at] === "'") {
      const end = stringEnd(text, at);
      value = text.slice(at + 1, text[end - 1] === text[at] ? end - 1 : end);
      at++;
    } else {
      BARE_VALUE.lastIndex = at;
      value = BARE_VALUE.exec(text)?.[0];
    }
    if (value === undefined || MARKER.test(value) || (value.length < 12 && (value.length < 4 || !LOOKS_SECRET.test(value)))) return undefined;
    out.push({ start: at, end: at + value.length, type });
    return at + value.length;
  });
}

const BARE_KEY_AT = new RegExp(BARE_KEY.source, 'y');
/** `\w` and `-`: the characters of a bare key. */
const KEY_CHAR = new Uint8Array(128);
for (const c of 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-') KEY_CHAR[c.charCodeAt(0)] = 1;

/**
 * Each match of BARE_KEY in order, `each` saying where to resume (undefined: after the match),
 * as its global scan finds them. `scan: 'global'` runs that scan (the reference in tests); the
 * default reads only the text before each `:` and `=`: a match is the whole run of key
 * characters (its lookbehind) ending, after at most two spaces or tabs, at one of them, so each
 * separator has one candidate start, tried with the sticky pattern. JSON's `":` is ruled out by
 * the quote before it, without a regex that tries every word of the text.
 */
function eachBareKey(text: string, scan: 'anchored' | 'global', each: (m: RegExpExecArray) => number | undefined): void {
  if (scan === 'global') {
    BARE_KEY.lastIndex = 0;
    for (let m = BARE_KEY.exec(text); m !== null; m = BARE_KEY.exec(text)) {
      const resume = each(m);
      if (resume !== undefined) BARE_KEY.lastIndex = resume;
    }
    return;
  }
  let from = 0;
  let colon = text.indexOf(':');
  let equals = text.indexOf('=');
  while (colon >= 0 || equals >= 0) {
    const sep = colon >= 0 && (equals < 0 || colon < equals) ? colon : equals;
    if (sep === colon) colon = text.indexOf(':', sep + 1);
    else equals = text.indexOf('=', sep + 1);
    let end = sep;
    for (let spaces = 0; spaces < 2 && (text.charCodeAt(end - 1) === 0x20 || text.charCodeAt(end - 1) === 0x09); spaces++) end--;
    let start = end;
    while (start > 0 && start > end - 42 && isKeyChar(text.charCodeAt(start - 1))) start--;
    // 2-41 key characters from a letter, none right before them
    if (end - start < 2 || (start > 0 && isKeyChar(text.charCodeAt(start - 1))) || start < from || !isLetter(text.charCodeAt(start))) continue;
    BARE_KEY_AT.lastIndex = start;
    const m = BARE_KEY_AT.exec(text);
    if (m === null) continue;
    from = each(m) ?? start + m[0].length;
  }
}

function isKeyChar(c: number): boolean {
  return c < 128 && KEY_CHAR[c] === 1;
}

function isLetter(c: number): boolean {
  return (c | 0x20) >= 0x61 && (c | 0x20) <= 0x7a;
}
