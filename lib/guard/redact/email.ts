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
 * is the whole run of local-part characters before it (the lookbehind), at most 64. For an ASCII
 * run that start is found directly; a run with other characters (letters and digits of any
 * script) has the pattern tried at each index of the 128 UTF-16 units before the `@`. Either is
 * what the global scan tries, which resumes after each match.
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
    let start = at;
    while (start > 0 && at - start <= 64 && LOCAL_ASCII[text.charCodeAt(start - 1)] === 1) start--;
    const c = text.charCodeAt(start - 1);
    if (start > 0 && c >= 0x80) {
      // a local part with other scripts: every index it may start at
      for (let p = Math.max(from, at - 128); p < at; p++) {
        // the global scan steps by code points: never inside a surrogate pair
        if (isLowSurrogate(text.charCodeAt(p)) && isHighSurrogate(text.charCodeAt(p - 1))) continue;
        EMAIL_AT.lastIndex = p;
        const m = EMAIL_AT.exec(text);
        if (m === null) continue;
        report(m, p);
        from = p + m[0].length;
        break;
      }
      continue;
    }
    // 1-64 characters after one the lookbehind allows (`@` and what is not ASCII are handled above)
    if (start === at || at - start > 64 || start < from) continue;
    EMAIL_AT.lastIndex = start;
    const m = EMAIL_AT.exec(text);
    if (m === null) continue;
    report(m, start);
    from = start + m[0].length;
  }
}

const isHighSurrogate = (c: number): boolean => c >= 0xd800 && c <= 0xdbff;
const isLowSurrogate = (c: number): boolean => c >= 0xdc00 && c <= 0xdfff;
