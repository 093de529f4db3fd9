/**
 * E-mail addresses: a local part (letters in any script, digits, `._%+-`, at most 64 as RFC 5321
 * allows), `@`, dotted labels and an alphabetic top-level domain. `icon@2x.png`-style asset
 * names (an image extension as "TLD") are not addresses.
 */
import type { Detector } from './finding';

const EMAIL =
  /(?<![\p{L}\p{N}._%+\-])[\p{L}\p{N}._%+\-]{1,64}@(?:[\p{L}\p{N}](?:[\p{L}\p{N}\-]{0,61}[\p{L}\p{N}])?\.){1,8}(\p{L}{2,24})(?![\p{L}\p{N}_\-])/gu;
const ASSET_EXTENSION = /^(?:png|jpe?g|gif|svg|webp|avif|ico|bmp|tiff?|css|js|mjs|map|json|html?)$/i;

export const findEmails: Detector = (text, out) => {
  if (!text.includes('@')) return;
  EMAIL.lastIndex = 0;
  for (let m = EMAIL.exec(text); m !== null; m = EMAIL.exec(text)) {
    if (ASSET_EXTENSION.test(m[1])) continue;
    // `git@github.com:org/repo.git` is an SSH remote, not a person's address.
    if (m[0].startsWith('git@') && text[m.index + m[0].length] === ':') continue;
    out.push({ start: m.index, end: m.index + m[0].length, type: 'email' });
  }
};
