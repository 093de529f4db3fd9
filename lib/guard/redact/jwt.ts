/**
 * JSON Web Tokens: three base64url parts (the signature may be empty for `alg: none`) whose
 * header decodes to a JSON object with an `alg`. JSON starts with `{`, so the header starts
 * with `ey` (`{"`) or `ew` (`{` + newline) once encoded.
 */
import type { Detector } from './finding';

const JWT = /(?<![A-Za-z0-9_\-])e[wy][A-Za-z0-9_\-]{6,}\.[A-Za-z0-9_\-]{2,}\.[A-Za-z0-9_\-]*/g;

export function isJwtHeader(segment: string): boolean {
  try {
    const header: unknown = JSON.parse(Buffer.from(segment, 'base64url').toString('utf8'));
    return typeof header === 'object' && header !== null && typeof (header as { alg?: unknown }).alg === 'string';
  } catch {
    return false;
  }
}

export const findJwts: Detector = (text, out) => {
  if (!text.includes('.')) return;
  JWT.lastIndex = 0;
  for (let m = JWT.exec(text); m !== null; m = JWT.exec(text)) {
    if (isJwtHeader(m[0].slice(0, m[0].indexOf('.')))) out.push({ start: m.index, end: m.index + m[0].length, type: 'jwt' });
  }
};
