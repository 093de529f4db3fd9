/**
 * Canonical JSON: object keys sorted by code point, no insignificant whitespace, arrays in
 * order, `undefined` members dropped. The same configuration always gives the same bytes, so
 * a digest proves a snapshot unchanged and two snapshots diff member by member. Numbers and
 * strings are written as `JSON.stringify` writes them (RFC 8785 agrees for the values AWS
 * returns: strings, integers, booleans).
 */
import { createHash } from 'node:crypto';

export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') {
    if (typeof value === 'number' && !Number.isFinite(value)) throw new Error(`canonicalJson: ${value} has no JSON form`);
    if (typeof value === 'bigint' || typeof value === 'function' || typeof value === 'symbol') throw new Error(`canonicalJson: a ${typeof value} has no JSON form`);
    return JSON.stringify(value) ?? 'null';
  }
  if (Array.isArray(value)) return `[${value.map((v) => (v === undefined ? 'null' : canonicalJson(v))).join(',')}]`;
  if (value instanceof Date) return JSON.stringify(value.toISOString());
  const members = Object.keys(value)
    .filter((k) => (value as Record<string, unknown>)[k] !== undefined)
    .sort()
    .map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`);
  return `{${members.join(',')}}`;
}

export function sha256Hex(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}
