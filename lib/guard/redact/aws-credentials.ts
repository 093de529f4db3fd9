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
const BASE64_RUN = /(?<![A-Za-z0-9/+])[A-Za-z0-9/+]{40,}={0,2}(?![A-Za-z0-9/+=])/g;
const SECRET_WORD = /secret|(?:AKIA|ASIA|ABIA|ACCA)[A-Z0-9]{16}/i;
const TOKEN_WORD = /session[_ -]?token|security[_ -]?token|x-amz-security-token|sessiontoken/i;
const STS_TOKEN_PREFIX = /^(?:FwoGZXIvYXdz|IQoJb3JpZ2lu)/;
const HEX_ONLY = /^[0-9a-fA-F]+$/;

export const findAwsAccessKeys: Detector = (text, out) => {
  ACCESS_KEY_ID.lastIndex = 0;
  for (let m = ACCESS_KEY_ID.exec(text); m !== null; m = ACCESS_KEY_ID.exec(text)) {
    out.push({ start: m.index, end: m.index + m[0].length, type: 'aws-access-key' });
  }
};

export const findAwsSecrets: Detector = (text, out) => {
  BASE64_RUN.lastIndex = 0;
  for (let m = BASE64_RUN.exec(text); m !== null; m = BASE64_RUN.exec(text)) {
    const value = m[0];
    // Git SHAs and SHA-256 digests are hex; AWS secrets and tokens are mixed-case base64.
    if (HEX_ONLY.test(value)) continue;
    const secretKey = value.length === 40 && keywordBefore(text, m.index, SECRET_WORD, 72);
    const sessionToken = value.length >= 100 && (STS_TOKEN_PREFIX.test(value) || keywordBefore(text, m.index, TOKEN_WORD, 48));
    if (secretKey || sessionToken) out.push({ start: m.index, end: m.index + value.length, type: 'aws-secret' });
  }
};
