/**
 * `redactEcho`: redaction of text that names things — a tool or method name, a media type, a
 * header value, an audit field — where a value glued to a word (`leak-4111…`, `x-4111…`,
 * `bot_536221234`) is still the value. In a tool result such glued numbers are kept as ids
 * (`SKU4111…`, `ORD-4111…`: see docs/redaction.md); in what the server echoes or audits, the
 * words and numbers of each token are read apart, and a token that then holds a value is
 * replaced by its redacted reading. Over-redacting a name costs nothing there.
 */
import type { RedactionCounts, RedactionPolicy } from './policy';
import { redact } from './redact-text';

/** Letters, digits and the joiners ids use: one character class, so the scan is linear. */
const TOKEN = /[\p{L}\p{Nd}_.\-]+/gu;
/** Only a token with a letter and enough digits for a card, SSN, IBAN or phone can hide one glued. */
const GLUED = /\p{L}[_.\-]?\p{Nd}|\p{Nd}[_.\-]?\p{L}/u;
const DIGITS = /\p{Nd}/gu;
const BOUNDARY = /(?<=\p{L})[_.\-]?(?=\p{Nd})|(?<=\p{Nd})[_.\-]?(?=\p{L})/gu;
/** Longer tokens are not names: the ordinary redaction already read them. */
const MAX_TOKEN = 512;
const MIN_DIGITS = 7;

export function redactEcho(text: string, clearance: string, policy: RedactionPolicy): { text: string; counts: RedactionCounts } {
  const first = redact(text, clearance, policy);
  let counts: RedactionCounts = first.counts;
  let changed = false;
  const out = first.text.replace(TOKEN, (token) => {
    if (token.length > MAX_TOKEN || !GLUED.test(token) || (token.match(DIGITS)?.length ?? 0) < MIN_DIGITS) return token;
    const apart = token.replace(BOUNDARY, ' ');
    const r = redact(apart, clearance, policy);
    if (r.text === apart) return token;
    changed = true;
    counts = { ...counts };
    for (const [type, n] of Object.entries(r.counts) as Array<[keyof RedactionCounts, number]>) counts[type] = (counts[type] ?? 0) + n;
    return r.text;
  });
  return changed ? { text: out, counts } : first;
}
