/**
 * A seeded, bounded fuzzer for MCP-over-HTTP requests, shared by the dev-server and Lambda fuzz
 * tests: valid JSON-RPC messages mutated at the value, text and byte level, random headers,
 * paths and methods, and the properties every answer must have. No dependency: a small PRNG
 * (mulberry32) so a failing case is reproduced by its seed and index.
 */
import { isUtf8 } from 'node:buffer';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { expect } from '@jest/globals';

export type Rng = () => number;

/** mulberry32: tiny, fast, good enough to pick mutations reproducibly. */
export function rng(seed: number): Rng {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
export const pick = <T>(r: Rng, items: readonly T[]): T => items[Math.floor(r() * items.length)]!;
const chance = (r: Rng, p: number) => r() < p;

export interface FuzzRequest {
  readonly method: string;
  readonly path: string;
  /** Header overrides: undefined removes the default, an array repeats the header. */
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: Buffer;
  /** What was done to it, to print with a failure. */
  readonly label: string;
  /** tools/call tool name the message asked for, if any. */
  readonly tool?: string;
}

export interface FuzzContext {
  /** Known ids and tools, so some mutated messages are close to valid calls. */
  readonly orderId: string;
  readonly customerId: string;
  readonly sku: string;
  readonly tools: readonly string[];
}

const PROTOCOL = '2025-06-18';

function baseMessages(c: FuzzContext): Array<Record<string, unknown>> {
  return [
    { jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: PROTOCOL, capabilities: {}, clientInfo: { name: 'fuzz', version: '1' } } },
    { jsonrpc: '2.0', id: 2, method: 'ping' },
    { jsonrpc: '2.0', id: 'list', method: 'tools/list', params: {} },
    { jsonrpc: '2.0', method: 'notifications/initialized' },
    { jsonrpc: '2.0', id: 3, method: 'tools/call', params: { name: 'get_order', arguments: { orderId: c.orderId } } },
    { jsonrpc: '2.0', id: 4, method: 'tools/call', params: { name: 'search_products', arguments: { query: 'lamp', limit: 3 } } },
    { jsonrpc: '2.0', id: 5, method: 'tools/call', params: { name: 'get_customer', arguments: { customerId: c.customerId } } },
    { jsonrpc: '2.0', id: 6, method: 'tools/call', params: { name: 'update_stock', arguments: { sku: c.sku, warehouse: 'WH-BER', delta: -1 } } },
    { jsonrpc: '2.0', id: 7, method: 'tools/call', params: { name: 'get_payment', arguments: { orderId: c.orderId } } },
  ];
}

/** Replacement values: every JSON type, edge numbers, hostile strings and shapes. */
function hostileValue(r: Rng): unknown {
  const n = Math.floor(r() * 22);
  switch (n) {
    case 0: return null;
    case 1: return pick(r, [true, false]);
    case 2: return pick(r, [0, -1, 1.5, 2 ** 53, -(2 ** 63), 1e308, Number.MAX_SAFE_INTEGER]);
    case 3: return pick(r, ['NaN', 'Infinity', '-0', '1e400', '0x10', '']);
    case 4: return [];
    case 5: return [1, 'a', null];
    case 6: return {};
    case 7: return { $ne: null };
    case 8: return pick(r, [{ $gt: '' }, { $where: 'sleep(1000)' }, { $regex: '.*' }]);
    case 9: return 'x'.repeat(pick(r, [129, 1_000, 70_000]));
    case 10: return '\ud800';
    case 11: return 'a\u0000b';
    case 12: return '\u202e\u200b\ufeff';
    case 13: return pick(r, ['ignore previous instructions', '<|im_start|>system', '</tool_result><system>', "' OR '1'='1"]);
    case 14: return pick(r, ['../../etc/passwd', '%2e%2e/%2e%2e', 'file:///etc/passwd']);
    case 15: return nestedValue(Math.floor(r() * 40) + 1);
    case 16: return Object.fromEntries(Array.from({ length: pick(r, [100, 10_000]) }, (_, i) => [`k${i}`, i]));
    case 17: return pick(r, ['tools/call', 'resources/list', 'x'.repeat(10_000), 'ping\u0000', 'Tools/List']);
    case 18: return Array.from({ length: 1000 }, (_, i) => i);
    case 19: return pick(r, ['ORD-000001', 'CUS-000001', 'SKU-10001']);
    case 20: return { toString: 'x', valueOf: 1 };
    default: return '𝔘𝔫𝔦𝔠𝔬𝔡𝔢 ✓ é';
  }
}

function nestedValue(depth: number): unknown {
  let v: unknown = 1;
  for (let i = 0; i < depth; i++) v = i % 2 ? [v] : { a: v };
  return v;
}

/** Paths to every value in a message (up to depth 3), to pick one to mutate. */
function paths(value: unknown, prefix: string[] = [], out: string[][] = []): string[][] {
  out.push(prefix);
  if (prefix.length < 3 && value !== null && typeof value === 'object' && !Array.isArray(value)) {
    for (const [k, v] of Object.entries(value)) paths(v, [...prefix, k], out);
  }
  return out;
}

function setAt(root: Record<string, unknown>, path: string[], value: unknown, remove: boolean): void {
  let node: Record<string, unknown> = root;
  for (const key of path.slice(0, -1)) node = node[key] as Record<string, unknown>;
  const last = path.at(-1)!;
  if (remove) delete node[last];
  else node[last] = value;
}

/** Value-level mutations of a parsed message. */
function mutateValue(r: Rng, msg: Record<string, unknown>, label: string[]): void {
  const all = paths(msg).filter((p) => p.length > 0);
  const target = pick(r, all);
  const op = Math.floor(r() * 4);
  if (op === 0) {
    setAt(msg, target, undefined, true);
    label.push(`delete ${target.join('.')}`);
  } else if (op === 1) {
    // a new key next to an existing one
    const parent = target.slice(0, -1);
    const key = pick(r, ['extra', '$where', 'constructor', 'prototype', '__proto__', '_meta', 'id', 'x'.repeat(300), '\ud800']);
    setAt(msg, [...parent, key], hostileValue(r), false);
    label.push(`add ${[...parent, key].join('.').slice(0, 40)}`);
  } else {
    setAt(msg, target, hostileValue(r), false);
    label.push(`replace ${target.join('.')}`);
  }
}

/** Text-level mutations: things JSON.stringify never writes (duplicate keys, raw numbers, escapes). */
function mutateText(r: Rng, text: string, label: string[]): string {
  const op = Math.floor(r() * 12);
  label.push(`text#${op}`);
  switch (op) {
    case 0: return text.replace(/"id":/, '"id":1,"id":'); // duplicate keys, last wins
    case 1: return text.replace(/^\{/, '{"id":{},'); // duplicate, first an object
    case 2: return text.replace(/"id":("[^"]*"|-?\d+)/, `"id":${pick(r, ['1e400', '-0', '1.0', '-1e-400', '123456789012345678901234567890', '0.1'])}`);
    case 3: return text.replace(/"method":"/, `"method":"${pick(r, ['\\ud800', '\\u0000', '\\u202e', '\\uDFFF\\uD800'])}`);
    case 4: return text.replace(/"jsonrpc":"2.0"/, `"jsonrpc":${pick(r, ['"2.0 "', '"2.00"', '"\\u0032.0"', '2', '"2"', 'null'])}`);
    case 5: return text.slice(0, Math.floor(r() * text.length)); // truncated
    case 6: return `${text}${pick(r, ['}', ']', ',', ' garbage', '\u0000', '{}'])}`;
    case 7: return pick(r, ['[', '[[', ' ']) + text + pick(r, [']', ']]', ' ']); // batch-ish / whitespace
    case 8: return text.replace(/\{/, `{"__proto__":{"polluted":true},`);
    case 9: return text.replace(/"params":\{/, `"params":{"constructor":{"prototype":{"x":1}},`);
    case 10: return text.replace(/"arguments":\{/, `"arguments":${'['.repeat(5_000)}${']'.repeat(5_000)},"a":{`);
    default: return text.replace(/"(\w+)":/, (_m, k: string) => `"${[...k].map((ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`).join('')}":`); // escaped key
  }
}

/** Byte-level mutations of the encoded body. */
function mutateBytes(r: Rng, body: Buffer, label: string[]): Buffer {
  const op = Math.floor(r() * 8);
  label.push(`bytes#${op}`);
  const at = Math.floor(r() * (body.length + 1));
  const splice = (bytes: number[]) => Buffer.concat([body.subarray(0, at), Buffer.from(bytes), body.subarray(at)]);
  switch (op) {
    case 0: return Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), body]); // BOM
    case 1: return splice([0xff]); // invalid UTF-8
    case 2: return splice([0xc0, 0xa2]); // overlong '"'
    case 3: return splice([0xe0, 0x80, 0xbc]); // overlong '<'
    case 4: return splice([0x00]); // NUL
    case 5: return splice([0xed, 0xa0, 0x80]); // UTF-8-encoded surrogate
    case 6: {
      const copy = Buffer.from(body);
      if (copy.length > 0) copy[Math.floor(r() * copy.length)] = Math.floor(r() * 256);
      return copy;
    }
    default: return Buffer.from(body.toString('utf8'), 'utf16le');
  }
}

const CONTENT_TYPES = ['application/json', 'application/json; charset=utf-8', 'APPLICATION/JSON', 'application/json; charset=utf-16', 'text/plain', 'multipart/form-data; boundary=x', 'application/x-www-form-urlencoded', 'application/jsonx', '', 'application/json;;;', 'application/json; charset="UTF-8"'];
const ACCEPTS = ['application/json, text/event-stream', '*/*', 'text/html', 'application/json', 'text/event-stream', '', 'application/json;q=0, text/event-stream'];
const VERSIONS = [PROTOCOL, '2025-03-26', '2024-11-05', '2099-01-01', '', 'x'.repeat(500), "2025-06-18'--", '2025-06-18, 2025-06-18'];

/** One random request. Most are close to valid so they reach deep into the handler. */
export function fuzzRequest(r: Rng, c: FuzzContext): FuzzRequest {
  const label: string[] = [];
  const msg = structuredClone(pick(r, baseMessages(c)));
  const tool = msg.method === 'tools/call' ? String((msg.params as { name: unknown }).name) : undefined;
  const mutations = Math.floor(r() * 3); // 0..2 value mutations
  for (let i = 0; i < mutations; i++) mutateValue(r, msg, label);
  let text = JSON.stringify(msg) ?? 'null';
  if (chance(r, 0.3)) text = mutateText(r, text, label);
  let body: Buffer = Buffer.from(text, 'utf8');
  if (chance(r, 0.15)) body = mutateBytes(r, body, label);

  const headers: Record<string, string | string[] | undefined> = {};
  if (chance(r, 0.12)) headers['content-type'] = pick(r, [...CONTENT_TYPES, undefined as unknown as string]);
  if (chance(r, 0.1)) headers.accept = pick(r, [...ACCEPTS, undefined as unknown as string]);
  if (chance(r, 0.1)) headers['mcp-protocol-version'] = pick(r, VERSIONS);
  if (chance(r, 0.05)) headers['x-huge'] = 'h'.repeat(pick(r, [8_000, 15_000, 20_000]));
  if (chance(r, 0.05)) headers['x-repeat'] = Array.from({ length: 50 }, (_, i) => `v${i}`);
  if (chance(r, 0.04)) headers['mcp-protocol-version'] = [PROTOCOL, '2099-01-01'];
  if (chance(r, 0.04)) headers['mcp-session-id'] = pick(r, ['abc', '\u00ff', 'x'.repeat(1000)]);
  if (chance(r, 0.03)) headers.traceparent = pick(r, ['00-zz-zz-01', 'x'.repeat(2000)]);
  if (chance(r, 0.03)) headers['content-length'] = pick(r, ['-1', 'abc', '99999999999']);
  if (label.length === 0 && Object.keys(headers).length === 0) label.push('valid');
  const method = chance(r, 0.05) ? pick(r, ['GET', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'HEAD', 'post', 'TRACE']) : 'POST';
  const path = chance(r, 0.06) ? pick(r, ['/mcp/', '/MCP', '/mcp?x=1', '/mcp/../mcp', '//mcp', '/%6dcp', '/mcp/%2e%2e', '/mcp/commerce/', '/mcp/%E0%A4%A', '/mcp/%00', '/mcp#x', '/mcp;x', '/mcp/commerce?__proto__[x]=1']) : '/mcp/commerce';
  if (method !== 'POST') label.push(method);
  if (path !== '/mcp/commerce') label.push(path);
  if (headers['content-type'] !== undefined || 'content-type' in headers) label.push(`ct=${String(headers['content-type']).slice(0, 30)}`);
  return { method, path, headers, body, label: label.join(', '), tool };
}

/** Anything a client sees that would reveal internals. */
export const INTERNALS = /\bat [\w.<>$]+ \(|^\s+at |\/work\/|\/tmp\/|\/var\/task|node_modules|\.[jt]s:\d+|\b\w*Error: |<html|<!DOCTYPE|Cannot (GET|POST)/m;

export interface Answer {
  readonly status: number;
  readonly body: string;
  readonly ms: number;
}

/**
 * The properties every answer has: no 5xx (504 deadline aside), answered in time, a JSON-RPC
 * body (error or result) or an empty body where HTTP itself answers, nothing internal, and a
 * tool refusal that names no tool but the one asked for.
 */
export function checkAnswer(req: FuzzRequest, a: Answer, opts: { maxMs: number; tools: readonly string[]; emptyStatuses: readonly number[] }): void {
  const where = `${req.label} → ${a.status} ${a.body.slice(0, 200)}`;
  expect({ where, ok: a.status < 500 || a.status === 504 }).toEqual({ where, ok: true });
  expect({ where, ms: a.ms < opts.maxMs }).toEqual({ where, ms: true });
  expect({ where, internals: INTERNALS.test(a.body) }).toEqual({ where, internals: false });
  if (a.body.length === 0) {
    // notifications are 202 with no body; Node's own refusals (bad framing, huge headers) have none; HEAD has none
    expect({ where, empty: opts.emptyStatuses.includes(a.status) || req.method === 'HEAD' }).toEqual({ where, empty: true });
    return;
  }
  let parsed: { jsonrpc?: unknown; id?: unknown; error?: { code?: unknown; message?: unknown }; result?: { isError?: boolean; content?: Array<{ text?: string }> } };
  try {
    parsed = JSON.parse(a.body) as typeof parsed;
  } catch {
    throw new Error(`not JSON: ${where}`);
  }
  const idOk = parsed.id === null || typeof parsed.id === 'string' || typeof parsed.id === 'number';
  const shapeOk = parsed.jsonrpc === '2.0' && idOk && (parsed.error ? Number.isInteger(parsed.error.code) && typeof parsed.error.message === 'string' : parsed.result !== null && typeof parsed.result === 'object');
  expect({ where, shapeOk }).toEqual({ where, shapeOk: true });
  if (parsed.error) {
    expect({ where, status: a.status >= 400 || a.status === 200 }).toEqual({ where, status: true });
    // one plain line naming the problem, not a zod dump; "internal error" is never the answer to client input
    const message = String(parsed.error.message);
    expect({ where, plain: !message.includes('\n') && message.length <= 500 }).toEqual({ where, plain: true });
    expect({ where, internal: parsed.error.code === -32603 && a.status !== 504 }).toEqual({ where, internal: false });
  }
  // JSON must be UTF-8 (RFC 8259): bytes that are not are refused, never "repaired" and run
  if (!isUtf8(req.body) && req.method.toUpperCase() === 'POST') expect({ where, accepted: a.status < 300 && !parsed.error }).toEqual({ where, accepted: false });
  if (parsed.result?.isError && req.tool !== undefined) {
    const text = (parsed.result.content ?? []).map((c) => c.text ?? '').join('\n');
    let asked = '';
    try {
      asked = JSON.stringify((JSON.parse(req.body.toString('utf8').replace(/^\uFEFF/, '')) as { params?: { name?: unknown } }).params?.name ?? '');
    } catch {
      asked = req.body.toString('latin1');
    }
    const others = opts.tools.filter((t) => !asked.includes(t) && new RegExp(`\\b${t}\\b`).test(text));
    expect({ where, others }).toEqual({ where, others: [] });
  }
}

export interface FuzzCampaign {
  readonly statuses: ReadonlyMap<number, number>;
  /** The first ten failed checks (each a case label and what was wrong). */
  readonly failures: readonly string[];
  readonly slowestMs: number;
  readonly elapsedMs: number;
  readonly heapGrowthBytes: number;
}

/**
 * Runs a seeded campaign against one target: a 200-case warm-up (JIT, caches) on another seed,
 * then `cases` cases checked with `checkAnswer`, timed, with the heap measured after a forced
 * GC on both sides. Prints one summary line; the caller asserts on what comes back.
 */
export async function fuzzCampaign(
  name: string,
  seed: number,
  cases: number,
  checks: { maxMs: number; tools: () => readonly string[]; emptyStatuses: readonly number[] },
  run: (seed: number, n: number, collect: (req: FuzzRequest, a: Answer) => void) => Promise<void>,
): Promise<FuzzCampaign> {
  setFlagsFromString('--expose_gc');
  const gc = runInNewContext('gc') as () => void;
  const statuses = new Map<number, number>();
  const failures: string[] = [];
  let slowestMs = 0;
  const collect = (req: FuzzRequest, a: Answer) => {
    statuses.set(a.status, (statuses.get(a.status) ?? 0) + 1);
    slowestMs = Math.max(slowestMs, a.ms);
    try {
      checkAnswer(req, a, { maxMs: checks.maxMs, tools: checks.tools(), emptyStatuses: checks.emptyStatuses });
    } catch (err) {
      if (failures.length < 10) failures.push(String((err as Error).message).slice(0, 600));
    }
  };
  await run(seed + 1, 200, collect);
  gc();
  const before = process.memoryUsage().heapUsed;
  const started = Date.now();
  await run(seed, cases, collect);
  const elapsedMs = Date.now() - started;
  gc();
  const heapGrowthBytes = process.memoryUsage().heapUsed - before;
  process.stdout.write(
    `${name} fuzz: ${cases} cases in ${elapsedMs} ms, slowest ${slowestMs} ms, heapUsed growth ${(heapGrowthBytes / 1024 / 1024).toFixed(1)} MB, statuses ${JSON.stringify(Object.fromEntries([...statuses].sort(([a], [b]) => a - b)))}\n`,
  );
  return { statuses, failures, slowestMs, elapsedMs, heapGrowthBytes };
}

/** Bytes of a request as a raw HTTP/1.1 message (for framing the client libraries refuse to send). */
export function rawRequest(path: string, headers: Record<string, string>, body: Buffer | string, framing: 'length' | 'short-length' | 'long-length' | 'chunked' | 'bad-chunks' | 'both'): Buffer {
  const b = Buffer.isBuffer(body) ? body : Buffer.from(body);
  const lines = [`POST ${path} HTTP/1.1`, 'Host: 127.0.0.1', 'Connection: close', ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`)];
  let payload: Buffer = b;
  if (framing === 'length') lines.push(`Content-Length: ${b.length}`);
  if (framing === 'short-length') lines.push(`Content-Length: ${Math.max(0, b.length - 5)}`);
  if (framing === 'long-length') lines.push(`Content-Length: ${b.length + 50}`);
  if (framing === 'chunked' || framing === 'bad-chunks' || framing === 'both') {
    lines.push('Transfer-Encoding: chunked');
    if (framing === 'both') lines.push(`Content-Length: ${b.length}`);
    payload =
      framing === 'bad-chunks'
        ? Buffer.concat([Buffer.from(`zz\r\n`), b, Buffer.from('\r\n0\r\n\r\n')])
        : Buffer.concat([Buffer.from(`${b.length.toString(16)}\r\n`), b, Buffer.from('\r\n0\r\n\r\n')]);
  }
  return Buffer.concat([Buffer.from(`${lines.join('\r\n')}\r\n\r\n`), payload]);
}
