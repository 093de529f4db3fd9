/**
 * AWS credentials. Access key ids are self-describing (`AKIA`/`ASIA`/`ABIA`/`ACCA` + 16
 * upper-case base-32 characters). Secret access keys are 40 base64 characters with nothing
 * to recognise them by, so they count only next to a secret-key word or an access key id;
 * session tokens are long base64 next to a token word, or carry the STS prefixes
 * (`FwoGZXIvYXdz…`, `IQoJb3JpZ2lu…`). Both are reported as `aws-secret`.
 */
import { keywordBefore } from './context';
import type { Detector } from './finding';

const ACCESS_KEY_ID = /(?<![A-Za-z0-9])(?:AKIA|ASIA|ABIA|ACCA)[A-Z0-9]{16}(?![A-Za-z0-9])/g;
/**
 * Base64 characters. A secret or token is a maximal run of 40 or more of them with at most two
 * `=` after it and no base64 character or `=` right after those: the regex
 * `(?<![A-Za-z0-9/+])[A-Za-z0-9/+]{40,}={0,2}(?![A-Za-z0-9/+=])`, scanned with a table instead
 * (the regex tried every word start of clean text, a quarter of redacting it).
 */
const BASE64_CHAR = new Uint8Array(128);
for (const c of 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789/+') BASE64_CHAR[c.charCodeAt(0)] = 1;
const isBase64 = (c: number): boolean => c < 128 && BASE64_CHAR[c] === 1;
const EQUALS = 0x3d;
const MIN_RUN = 40;

/**
 * Each `[start, end)` the regex above would match, in order. Any MIN_RUN consecutive characters
 * hold one probed index (every MIN_RUN-th, counted afresh after each run), and a probe that lands
 * on a base64 character is grown into its run: clean text is read about a fortieth, plus the
 * words the probes land in.
 */
export function base64Runs(text: string, each: (start: number, end: number) => void): void {
  const n = text.length;
  let p = MIN_RUN - 1;
  while (p < n) {
    if (!isBase64(text.charCodeAt(p))) {
      p += MIN_RUN;
      continue;
    }
    let start = p;
    while (start > 0 && isBase64(text.charCodeAt(start - 1))) start--;
    let i = p + 1;
    while (i < n && isBase64(text.charCodeAt(i))) i++;
    // the next run starts after `i`, which is no base64 character
    p = i + MIN_RUN;
    if (i - start < MIN_RUN) continue;
    let end = i;
    while (end < n && end - i < 2 && text.charCodeAt(end) === EQUALS) end++;
    if (end < n && (isBase64(text.charCodeAt(end)) || text.charCodeAt(end) === EQUALS)) continue;
    each(start, end);
  }
}
const SECRET_WORD = /secret|(?:AKIA|ASIA|ABIA|ACCA)[A-Z0-9]{16}/i;
const TOKEN_WORD = /session[_ -]?token|security[_ -]?token|x-amz-security-token|sessiontoken/i;
const STS_TOKEN_PREFIX = /^(?:FwoGZXIvYXdz|IQoJb3JpZ2lu)/;
const HEX_ONLY = /^[0-9a-fA-F]+$/;

export const findAwsAccessKeys: Detector = (text, out) => {
  // every key id holds one of its four prefixes: native searches, faster than the pattern's lookbehind at every position
  if (!text.includes('AKIA') && !text.includes('ASIA') && !text.includes('ABIA') && !text.includes('ACCA')) return;
  ACCESS_KEY_ID.lastIndex = 0;
  for (let m = ACCESS_KEY_ID.exec(text); m !== null; m = ACCESS_KEY_ID.exec(text)) {
    out.push({ start: m.index, end: m.index + m[0].length, type: 'aws-access-key' });
  }
};

export const findAwsSecrets: Detector = (text, out) => {
  base64Runs(text, (start, end) => {
    const value = text.slice(start, end);
    // Git SHAs and SHA-256 digests are hex; AWS secrets and tokens are mixed-case base64.
    if (HEX_ONLY.test(value)) return;
    const secretKey = value.length === 40 && keywordBefore(text, start, SECRET_WORD, 72);
    const sessionToken = value.length >= 100 && (STS_TOKEN_PREFIX.test(value) || keywordBefore(text, start, TOKEN_WORD, 48));
    if (secretKey || sessionToken) out.push({ start, end, type: 'aws-secret' });
  });
};
