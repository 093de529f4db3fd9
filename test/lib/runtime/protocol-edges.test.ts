/**
 * Issue 7, point 10: the smaller protocol gaps the red team found. Each case was accepted (or
 * echoed) before its fix: an `invalid arguments` refusal mirrored every unknown key, `Accept`
 * was matched by substring, and a body in a Content-Encoding nobody decodes was read as identity.
 */
import { z } from 'zod';
import { describeInvalidArguments, MAX_INVALID_ARGUMENTS_CHARS } from '../../../lib/runtime/tool-catalog';
import { acceptsBoth, checkHttp } from '../../../lib/runtime/request-checks';
import type { HttpRequestLike } from '../../../lib/runtime/http-types';

const LIMIT = 1024 * 1024;
const post = (headers: Record<string, string> = {}): HttpRequestLike => ({
  method: 'POST',
  headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', ...headers },
  body: '{}',
});

describe('the invalid-arguments refusal is bounded', () => {
  it('names a few unknown keys and counts the rest, however many were sent (0.9 MB in, not 0.9 MB out)', () => {
    const sent = Object.fromEntries(Array.from({ length: 20_000 }, (_, i) => [`unknown_key_${i}_${'x'.repeat(30)}`, 1]));
    const parsed = z.strictObject({ sku: z.string().optional() }).safeParse(sent);
    if (parsed.success) throw new Error('expected a refusal');
    const message = describeInvalidArguments(parsed.error);
    expect(message.length).toBeLessThanOrEqual(MAX_INVALID_ARGUMENTS_CHARS);
    expect(message).toMatch(/unknown argument\(s\) "unknown_key_0_x+…?"/);
    expect(message).toMatch(/and 19997 more/);
  });

  it('shortens an over-long key or path and keeps it printable', () => {
    const parsed = z.strictObject({}).safeParse({ [`k\u0000${'y'.repeat(5000)}`]: 1 });
    if (parsed.success) throw new Error('expected a refusal');
    const message = describeInvalidArguments(parsed.error);
    expect(message.length).toBeLessThan(200);
    expect(message).not.toMatch(/\u0000/);
  });

  it('still names the offending argument of an ordinary mistake', () => {
    const parsed = z.strictObject({ orderId: z.string() }).safeParse({ orderId: 7 });
    if (parsed.success) throw new Error('expected a refusal');
    expect(describeInvalidArguments(parsed.error)).toBe('orderId: Invalid input: expected string, received number');
  });
});

describe('Accept is parsed, not searched', () => {
  it.each([
    ['application/json, text/event-stream'],
    ['text/event-stream;q=0.5, application/json'],
    ['Application/JSON;charset=utf-8 , TEXT/EVENT-STREAM'],
    ['application/json;q=1.0, text/event-stream;q=0.1'],
  ])('accepts %j', (accept) => {
    expect(acceptsBoth(accept)).toBe(true);
    expect(checkHttp(post({ accept }), LIMIT)).toBeUndefined();
  });

  it.each([
    ['substrings of other types', 'application/jsonx, text/event-streamy'],
    ['a parameter that merely mentions the type', 'text/html;x="application/json text/event-stream"'],
    ['q=0 (explicitly not acceptable)', 'application/json, text/event-stream;q=0'],
    ['one type only', 'application/json'],
    ['wildcards, which do not list the types', '*/*'],
  ])('refuses %s with 406', (_name, accept) => {
    expect(acceptsBoth(accept)).toBe(false);
    expect(checkHttp(post({ accept }), LIMIT)!.status).toBe(406);
  });
});

describe('a Content-Encoding the server does not decode is 415', () => {
  it.each(['x-unknown', 'gzip', 'br', 'identity, gzip'])('refuses Content-Encoding %j with 415 and says identity is what it reads', (encoding) => {
    const res = checkHttp(post({ 'content-encoding': encoding }), LIMIT)!;
    expect(res.status).toBe(415);
    expect(res.headers['accept-encoding']).toBe('identity');
    expect(JSON.parse(res.body).error.message).toMatch(/Content-Encoding/);
  });

  it('reads an identity-encoded body (or one with no Content-Encoding)', () => {
    expect(checkHttp(post({ 'content-encoding': 'identity' }), LIMIT)).toBeUndefined();
    expect(checkHttp(post({ 'content-encoding': ' Identity ' }), LIMIT)).toBeUndefined();
    expect(checkHttp(post(), LIMIT)).toBeUndefined();
  });
});
