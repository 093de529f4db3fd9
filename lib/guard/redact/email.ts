/**
 * E-mail addresses: a local part (letters in any script, digits, `._%+-`, at most 64 as RFC 5321
 * allows), `@`, dotted labels and an alphabetic top-level domain. `icon@2x.png`-style asset
 * names (an image extension as "TLD") are not addresses.
 */
import type { Detector, Finding } from './finding';

const EMAIL =
  /(?<![\p{L}\p{N}._%+\-])[\p{L}\p{N}._%+\-]{1,64}@(?:[\p{L}\p{N}](?:[\p{L}\p{N}\-]{0,61}[\p{L}\p{N}])?\.){1,8}(\p{L}{2,24})(?![\p{L}\p{N}_\-])/gu;
const ASSET_EXTENSION = /^(?:png|jpe?g|gif|svg|webp|avif|ico|bmp|tiff?|css|js|mjs|map|json|html?)$/i;

export const findEmails: Detector = (text, out) => findEmailsIn(text, out, 'anchored');

const EMAIL_AT = new RegExp(EMAIL.source, 'uy');
/** ASCII characters of a local part: letters, digits, `._%+-`. */
const LOCAL_ASCII = new Uint8Array(128);
for (const c of 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._%+-') LOCAL_ASCII[c.charCodeAt(0)] = 1;

/**
 * findEmails; `scan: 'global'` runs EMAIL over the whole text (the reference in tests). The
 * default starts from each `@` (native search): a match holds exactly one `@`, and its local part
 * is the whole run of local-part characters before it (the lookbehind), at most 64 code points,
 * so the pattern is tried once, where that run starts: the one index the global scan (which
 * resumes after each match) can match at for this `@`. Linear: each `@` reads at most 65 code points back.
 */
export function findEmailsIn(text: string, out: Finding[], scan: 'anchored' | 'global'): void {
  if (!text.includes('@')) return;
  const report = (m: RegExpExecArray, index: number) => {
    if (ASSET_EXTENSION.test(m[1]!)) return;
    // `git@github.com:org/repo.git` is an SSH remote, not a person's address.
    if (m[0].startsWith('git@') && text[index + m[0].length] === ':') return;
    out.push({ start: index, end: index + m[0].length, type: 'email' });
  };
  if (scan === 'global') {
    EMAIL.lastIndex = 0;
    for (let m = EMAIL.exec(text); m !== null; m = EMAIL.exec(text)) report(m, m.index);
    return;
  }
  let from = 0;
  for (let at = text.indexOf('@'); at >= 0; at = text.indexOf('@', at + 1)) {
    // back over the local part: at most 64 code points, one more to see where the run starts
    let start = at;
    let points = 0;
    while (start > 0 && points <= 64) {
      const width = localCharBefore(text, start);
      if (width === 0) break;
      start -= width;
      points++;
    }
    // 1-64 code points after a character the lookbehind allows (not one of them)
    if (points === 0 || points > 64 || start < from) continue;
    EMAIL_AT.lastIndex = start;
    const m = EMAIL_AT.exec(text);
    if (m === null) continue;
    report(m, start);
    from = start + m[0].length;
  }
}

const LOCAL_CHAR = /^[\p{L}\p{N}._%+\-]$/u;

/** The UTF-16 width of the local-part character (code point) ending at `end`, or 0 when there is none. */
function localCharBefore(text: string, end: number): number {
  const c = text.charCodeAt(end - 1);
  if (c < 0x80) return LOCAL_ASCII[c] === 1 ? 1 : 0;
  const pair = isLowSurrogate(c) && end >= 2 && isHighSurrogate(text.charCodeAt(end - 2));
  return LOCAL_CHAR.test(pair ? text.slice(end - 2, end) : text[end - 1]!) ? (pair ? 2 : 1) : 0;
}

const isHighSurrogate = (c: number): boolean => c >= 0xd800 && c <= 0xdbff;
const isLowSurrogate = (c: number): boolean => c >= 0xdc00 && c <= 0xdfff;
