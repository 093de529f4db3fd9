/**
 * PEM private keys, the whole block from BEGIN to END (RSA, EC, DSA, OpenSSH, PKCS#8,
 * encrypted, PGP). A block cut short (no END line, e.g. a truncated log line) is redacted
 * through the end of its base64 body: a partial key still leaks key material.
 */
import type { Detector } from './finding';

const BEGIN = /-----BEGIN ((?:[A-Z0-9]+ ){0,3}PRIVATE KEY(?: BLOCK)?)-----/g;
/** What a PEM body is made of, also when JSON-escaped (`\n`). */
const BODY = /[A-Za-z0-9+/=\s\\:,.\-]*/y;

export const findPrivateKeys: Detector = (text, out) => {
  // `BEGIN` first: a search for a rare letter is native and fast, dashes are everywhere
  if (!text.includes('BEGIN') || !text.includes('-----BEGIN ')) return;
  const missingEnds = new Set<string>();
  BEGIN.lastIndex = 0;
  for (let m = BEGIN.exec(text); m !== null; m = BEGIN.exec(text)) {
    const endMarker = `-----END ${m[1]}-----`;
    const bodyStart = m.index + m[0].length;
    let end = missingEnds.has(endMarker) ? -1 : text.indexOf(endMarker, bodyStart);
    if (end >= 0) end += endMarker.length;
    else {
      // Remembered so that many BEGIN lines without an END stay linear.
      missingEnds.add(endMarker);
      BODY.lastIndex = bodyStart;
      BODY.exec(text);
      end = BODY.lastIndex;
    }
    out.push({ start: m.index, end, type: 'private-key' });
    BEGIN.lastIndex = end;
  }
};
