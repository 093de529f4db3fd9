/**
 * Hostile HTTP against the dev server (the same handler the Lambda runs): every request is
 * refused with a JSON-RPC error or a 4xx, never a 5xx, a stack trace or a file path; the
 * server keeps answering afterwards and its memory stays flat under load.
 */
import { request as httpRequest } from 'node:http';
import { connect } from 'node:net';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { sampleData } from '../../examples/shop/sample-data';
import { startDevServer, type DevServer } from '../../lib/dev';

interface Raw {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}
interface Case {
  name: string;
  method?: string;
  path?: string;
  headers?: Record<string, string | undefined>;
  body?: string | Buffer;
  /** Expected HTTP status, or 'tool-error' for a result with isError (refused by the guard or the tool's schema). */
  expect: number | 'tool-error';
  setHost?: boolean;
}

const data = sampleData();
let dev: DevServer;
let token: string;

function send(c: Omit<Case, 'name' | 'expect'>): Promise<Raw> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      accept: 'application/json, text/event-stream',
      authorization: `Bearer ${token}`,
    };
    for (const [k, v] of Object.entries(c.headers ?? {})) {
      if (v === undefined) delete headers[k];
      else headers[k] = v;
    }
    const req = httpRequest({ host: '127.0.0.1', port: dev.port, method: c.method ?? 'POST', path: c.path ?? '/mcp/commerce', headers, setHost: c.setHost ?? true }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
    if (c.body !== undefined) req.write(c.body);
    req.end();
  });
}

const rpc = (message: unknown) => JSON.stringify(message);
/** A valid ping padded with trailing whitespace to exactly `bytes` bytes. */
const exactly = (bytes: number) => {
  const ping = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'ping' });
  return ping + ' '.repeat(bytes - ping.length);
};
const call = (name: string, args: unknown, id: unknown = 1) => rpc({ jsonrpc: '2.0', id, method: 'tools/call', params: { name, arguments: args } });
const nested = (depth: number) => '{"a":'.repeat(depth) + '1' + '}'.repeat(depth);
const orderId = () => data.orders[0]!.id;

const CASES: Case[] = [
  // malformed and truncated JSON
  { name: 'an unclosed object', body: '{', expect: 400 },
  { name: 'truncated mid-message', body: '{"jsonrpc":"2.0","id":1,"meth', expect: 400 },
  { name: 'an empty body', body: '', expect: 400 },
  { name: 'trailing garbage', body: '{"jsonrpc":"2.0","id":1,"method":"ping"}}}', expect: 400 },
  { name: 'a UTF-16 body', body: Buffer.from('{"jsonrpc":"2.0","id":1,"method":"ping"}', 'utf16le'), expect: 400 },
  { name: 'invalid UTF-8', body: Buffer.from([0x7b, 0xff, 0xfe, 0x7d]), expect: 400 },
  { name: 'JSON null', body: 'null', expect: 400 },
  { name: 'a JSON string', body: '"tools/list"', expect: 400 },
  { name: 'a JSON number', body: '42', expect: 400 },
  // batches and envelope
  { name: 'an empty batch', body: '[]', expect: 400 },
  { name: 'a batch of two requests', body: `[${rpc({ jsonrpc: '2.0', id: 1, method: 'ping' })},${rpc({ jsonrpc: '2.0', id: 2, method: 'tools/list' })}]`, expect: 400 },
  { name: 'jsonrpc "1.0"', body: rpc({ jsonrpc: '1.0', id: 1, method: 'tools/list' }), expect: 400 },
  { name: 'no jsonrpc member', body: rpc({ id: 1, method: 'tools/list' }), expect: 400 },
  { name: 'jsonrpc as a number', body: rpc({ jsonrpc: 2.0, id: 1, method: 'tools/list' }), expect: 400 },
  { name: 'id null', body: rpc({ jsonrpc: '2.0', id: null, method: 'tools/list' }), expect: 400 },
  { name: 'id an object', body: rpc({ jsonrpc: '2.0', id: { $gt: 0 }, method: 'tools/list' }), expect: 400 },
  { name: 'id a boolean', body: rpc({ jsonrpc: '2.0', id: true, method: 'tools/list' }), expect: 400 },
  { name: 'id an array', body: rpc({ jsonrpc: '2.0', id: [1], method: 'tools/list' }), expect: 400 },
  { name: 'a 10 kB id', body: rpc({ jsonrpc: '2.0', id: 'i'.repeat(10_000), method: 'tools/list' }), expect: 400 },
  { name: 'no method', body: rpc({ jsonrpc: '2.0', id: 1 }), expect: 400 },
  { name: 'method a number', body: rpc({ jsonrpc: '2.0', id: 1, method: 7 }), expect: 400 },
  { name: 'params an array', body: rpc({ jsonrpc: '2.0', id: 1, method: 'tools/list', params: [] }), expect: 400 },
  { name: 'params a string', body: rpc({ jsonrpc: '2.0', id: 1, method: 'tools/list', params: 'x' }), expect: 400 },
  { name: 'params null', body: rpc({ jsonrpc: '2.0', id: 1, method: 'tools/list', params: null }), expect: 400 },
  { name: 'a response sent to the server', body: rpc({ jsonrpc: '2.0', id: 1, result: {} }), expect: 400 },
  // unknown methods
  { name: 'resources/subscribe (not offered)', body: rpc({ jsonrpc: '2.0', id: 1, method: 'resources/subscribe', params: { uri: 'order://ORD-000001' } }), expect: 200 },
  { name: 'a path-like method', body: rpc({ jsonrpc: '2.0', id: 1, method: '../../etc/passwd' }), expect: 200 },
  { name: 'method "__proto__"', body: rpc({ jsonrpc: '2.0', id: 1, method: '__proto__' }), expect: 200 },
  { name: 'an unknown notification', body: rpc({ jsonrpc: '2.0', method: 'notifications/evil' }), expect: 400 },
  // prototype keys and nesting
  { name: '__proto__ in params', body: '{"jsonrpc":"2.0","id":1,"method":"tools/list","params":{"__proto__":{"admin":true}}}', expect: 400 },
  { name: 'constructor in arguments', body: call('get_order', { constructor: { prototype: { admin: true } } }), expect: 400 },
  { name: 'prototype deep in an array', body: call('get_order', { a: [[{ prototype: 1 }]] }), expect: 400 },
  { name: 'nesting 33 levels deep', body: call('get_order', JSON.parse(nested(31))), expect: 400 },
  { name: 'nesting 10,000 arrays deep', body: `{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"get_order","arguments":{"a":${'['.repeat(10_000)}${']'.repeat(10_000)}}}}`, expect: 400 },
  // size
  { name: 'a 2 MB body', body: call('search_products', { query: 'x'.repeat(2 * 1024 * 1024) }), expect: 413 },
  { name: 'a body of exactly 1 MiB', body: exactly(1024 * 1024), expect: 413 },
  // content negotiation
  { name: 'Content-Type text/plain', headers: { 'content-type': 'text/plain' }, body: rpc({ jsonrpc: '2.0', id: 1, method: 'ping' }), expect: 415 },
  { name: 'no Content-Type', headers: { 'content-type': undefined }, body: rpc({ jsonrpc: '2.0', id: 1, method: 'ping' }), expect: 415 },
  { name: 'a form post', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'jsonrpc=2.0&method=tools/list', expect: 415 },
  { name: 'a latin1 charset', headers: { 'content-type': 'application/json; charset=latin1' }, body: rpc({ jsonrpc: '2.0', id: 1, method: 'ping' }), expect: 415 },
  { name: 'Accept without text/event-stream', headers: { accept: 'application/json' }, body: rpc({ jsonrpc: '2.0', id: 1, method: 'ping' }), expect: 406 },
  // issue 7 point 10: Accept is parsed (not searched) and an encoding nothing decodes is refused
  { name: 'Accept with look-alike types', headers: { accept: 'application/jsonx, text/event-streamy' }, body: rpc({ jsonrpc: '2.0', id: 1, method: 'ping' }), expect: 406 },
  { name: 'Content-Encoding x-unknown', headers: { 'content-encoding': 'x-unknown' }, body: rpc({ jsonrpc: '2.0', id: 1, method: 'ping' }), expect: 415 },
  // HTTP methods
  { name: 'GET', method: 'GET', expect: 405 },
  { name: 'PUT', method: 'PUT', body: rpc({ jsonrpc: '2.0', id: 1, method: 'ping' }), expect: 405 },
  { name: 'DELETE', method: 'DELETE', expect: 405 },
  { name: 'PATCH', method: 'PATCH', body: '{}', expect: 405 },
  { name: 'OPTIONS', method: 'OPTIONS', expect: 405 },
  // Origin and Host (DNS rebinding)
  { name: 'Origin null', headers: { origin: 'null' }, body: rpc({ jsonrpc: '2.0', id: 1, method: 'ping' }), expect: 403 },
  { name: 'Origin file://', headers: { origin: 'file://' }, body: rpc({ jsonrpc: '2.0', id: 1, method: 'ping' }), expect: 403 },
  { name: 'a foreign Origin', headers: { origin: 'https://evil.example' }, body: rpc({ jsonrpc: '2.0', id: 1, method: 'ping' }), expect: 403 },
  { name: 'a look-alike Origin', headers: { origin: 'http://127.0.0.1.evil.example' }, body: rpc({ jsonrpc: '2.0', id: 1, method: 'ping' }), expect: 403 },
  { name: 'a DNS-rebinding Host', headers: { host: 'evil.example' }, body: rpc({ jsonrpc: '2.0', id: 1, method: 'ping' }), expect: 403 },
  { name: 'a rebinding Host with a port', headers: { host: 'attacker.example:8787' }, body: rpc({ jsonrpc: '2.0', id: 1, method: 'ping' }), expect: 403 },
  { name: 'a wildcard-DNS Host', headers: { host: '127.0.0.1.nip.io' }, body: rpc({ jsonrpc: '2.0', id: 1, method: 'ping' }), expect: 403 },
  { name: 'no Host header', setHost: false, body: rpc({ jsonrpc: '2.0', id: 1, method: 'ping' }), expect: 400 },
  // headers and credentials
  { name: '20 kB of headers', headers: { 'x-padding': 'p'.repeat(20_000) }, body: rpc({ jsonrpc: '2.0', id: 1, method: 'ping' }), expect: 431 },
  { name: 'an invalid bearer token', headers: { authorization: 'Bearer wdev_forged' }, body: rpc({ jsonrpc: '2.0', id: 1, method: 'tools/list' }), expect: 401 },
  { name: 'a bearer token with path characters', headers: { authorization: 'Bearer ../../etc/passwd' }, body: rpc({ jsonrpc: '2.0', id: 1, method: 'tools/list' }), expect: 401 },
  { name: 'Basic credentials', headers: { authorization: 'Basic YWRtaW46YWRtaW4=' }, body: rpc({ jsonrpc: '2.0', id: 1, method: 'tools/list' }), expect: 401 },
  { name: 'no credentials at all', headers: { authorization: undefined }, body: rpc({ jsonrpc: '2.0', id: 1, method: 'tools/list' }), expect: 403 },
  { name: 'an unsupported MCP-Protocol-Version', headers: { 'mcp-protocol-version': '2099-01-01' }, body: rpc({ jsonrpc: '2.0', id: 1, method: 'tools/list' }), expect: 400 },
  { name: 'a garbage MCP-Protocol-Version', headers: { 'mcp-protocol-version': "2025-06-18'; DROP TABLE" }, body: rpc({ jsonrpc: '2.0', id: 1, method: 'tools/list' }), expect: 400 },
  // paths
  { name: 'an unknown server', path: '/mcp/nonexistent', body: rpc({ jsonrpc: '2.0', id: 1, method: 'ping' }), expect: 404 },
  { name: 'an unrelated path', path: '/admin', body: '{}', expect: 404 },
  { name: 'a traversal path', path: '/mcp/../../etc/passwd', body: '{}', expect: 404 },
  // found by the fuzzer: routes are exact (Express matched these by default)
  { name: 'an upper-case path', path: '/MCP', body: rpc({ jsonrpc: '2.0', id: 1, method: 'ping' }), expect: 404 },
  { name: 'a trailing slash', path: '/mcp/', body: rpc({ jsonrpc: '2.0', id: 1, method: 'ping' }), expect: 404 },
  { name: 'a server path with a trailing slash', path: '/mcp/commerce/', body: rpc({ jsonrpc: '2.0', id: 1, method: 'ping' }), expect: 404 },
  { name: 'a malformed percent-encoding', path: '/mcp/%E0%A4%A', body: rpc({ jsonrpc: '2.0', id: 1, method: 'ping' }), expect: 400 },
  { name: 'an encoded dot-dot server', path: '/mcp/%2e%2e', body: rpc({ jsonrpc: '2.0', id: 1, method: 'ping' }), expect: 404 },
  // found by the fuzzer: invalid UTF-8 inside a JSON string was replaced with U+FFFD and served
  { name: 'an overlong UTF-8 quote in a string', body: Buffer.concat([Buffer.from('{"jsonrpc":"2.0","id":"a'), Buffer.from([0xc0, 0xa2]), Buffer.from('","method":"ping"}')]), expect: 400 },
  // found by the fuzzer: the SDK answered these -32603 with a multi-line zod dump
  { name: 'initialize with a numeric protocolVersion', body: rpc({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: 5, capabilities: {}, clientInfo: { name: 'c', version: '1' } } }), expect: 400 },
  { name: 'a fractional id', body: '{"jsonrpc":"2.0","id":1.5,"method":"ping"}', expect: 400 },
  { name: 'tools/call without an id', body: rpc({ jsonrpc: '2.0', method: 'tools/call', params: { name: 'get_order', arguments: {} } }), expect: 400 },
  // hostile arguments (well-formed JSON-RPC: the guard and the tool schemas refuse them)
  { name: 'a NoSQL $ne operator as an id', body: call('get_order', { orderId: { $ne: null } }), expect: 'tool-error' },
  { name: 'a NoSQL $gt operator as an id', body: call('get_customer', { customerId: { $gt: '' } }), expect: 'tool-error' },
  { name: 'a $where argument', body: call('get_order', { orderId: orderId(), $where: 'sleep(5000)' }), expect: 'tool-error' },
  { name: 'SQL in an id', body: call('get_order', { orderId: "ORD-000001' OR '1'='1" }), expect: 'tool-error' },
  { name: 'a 500 kB argument string', body: call('search_products', { query: 'x'.repeat(500_000) }), expect: 'tool-error' },
  { name: 'an unknown tool', body: call('drop_tables', {}), expect: 'tool-error' },
  { name: 'a 10 kB tool name', body: call('t'.repeat(10_000), {}), expect: 'tool-error' },
  { name: 'arguments as an array', body: call('get_order', [orderId()]), expect: 400 },
  { name: 'arguments as a string', body: call('get_order', orderId()), expect: 400 },
  { name: 'a tool name that is not a string', body: rpc({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: { $ne: '' } } }), expect: 400 },
  { name: 'a tool of another agent', body: call('update_price', { sku: 'SKU-10001', price: 0.01, reason: 'free stuff' }), expect: 'tool-error' },
  { name: 'a tool of another server', body: call('get_payment', { orderId: orderId() }), expect: 'tool-error' },
];

/** Nothing a client sees may reveal internals. */
function expectNoInternals(body: string): void {
  expect(body).not.toMatch(/\bat [\w.<>]+ \(|\/work\/|node_modules|\.ts:\d+|\.js:\d+|Error: /);
}

beforeAll(async () => {
  dev = await startDevServer({ config: 'warden.config.yaml', port: 0, audit: 'none', log: () => {} });
  token = dev.tokens['support-agent']!;
});
afterAll(() => dev.close());

it(`has at least 50 hostile requests`, () => {
  expect(CASES.length).toBeGreaterThanOrEqual(50);
});

describe.each(CASES)('$name', (c) => {
  it(`is refused with ${c.expect === 'tool-error' ? 'a tool error' : `HTTP ${c.expect}`}, no 5xx, no internals`, async () => {
    const res = await send(c);
    expect(res.status).toBeLessThan(500);
    expectNoInternals(res.body);
    if (c.expect === 'tool-error') {
      expect(res.status).toBe(200);
      expect(JSON.parse(res.body)).toMatchObject({ jsonrpc: '2.0', id: 1, result: { isError: true } });
      return;
    }
    expect(res.status).toBe(c.expect);
    if (res.body.length > 0) {
      const parsed = JSON.parse(res.body) as { jsonrpc: string; error: { code: number; message: string }; id: unknown };
      expect(parsed).toMatchObject({ jsonrpc: '2.0', error: { code: expect.any(Number), message: expect.any(String) } });
      expect(parsed.error.code).not.toBe(-32603);
      expect(parsed.error.message).not.toContain('\n');
      expect(parsed.id === null || typeof parsed.id === 'number' || typeof parsed.id === 'string').toBe(true);
    } else {
      // Node answers 400 (no Host) and 431 (headers too large) itself, before any application code, with no body.
      expect([400, 431]).toContain(res.status);
    }
  });
});

it('serves a body one byte under 1 MiB: the limit refuses 1 MiB or more, nothing less', async () => {
  const res = await send({ body: exactly(1024 * 1024 - 1) });
  expect(res.status).toBe(200);
  expect(JSON.parse(res.body)).toMatchObject({ jsonrpc: '2.0', id: 1, result: {} });
});

it('still answers a normal call after all of them', async () => {
  const res = await send({ body: call('get_order', { orderId: orderId() }) });
  expect(res.status).toBe(200);
  expect(JSON.parse(res.body)).toMatchObject({ result: { structuredContent: { id: orderId() } } });
});

it('survives a client that disconnects mid-body', async () => {
  await new Promise<void>((resolve) => {
    const socket = connect(dev.port, '127.0.0.1', () => {
      socket.write(`POST /mcp/commerce HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"jsonrpc":"2.0",`);
      setTimeout(() => {
        socket.destroy();
        resolve();
      }, 50);
    });
  });
  expect((await send({ body: rpc({ jsonrpc: '2.0', id: 1, method: 'ping' }) })).status).toBe(200);
});

it('drops a slowloris connection that never finishes its headers', async () => {
  const started = Date.now();
  const closed = await new Promise<boolean>((resolve) => {
    const socket = connect(dev.port, '127.0.0.1', () => socket.write('POST /mcp HTTP/1.1\r\nHost: 127.0.0.1\r\n'));
    const drip = setInterval(() => socket.writable && socket.write('X-Drip: 1\r\n'), 500);
    socket.on('data', () => {});
    socket.on('close', () => {
      clearInterval(drip);
      resolve(true);
    });
    setTimeout(() => {
      clearInterval(drip);
      socket.destroy();
      resolve(false);
    }, 12_000);
  });
  expect(closed).toBe(true);
  expect(Date.now() - started).toBeLessThan(10_000);
}, 20_000);

it('keeps memory flat over 2,000 mixed valid and hostile requests', async () => {
  setFlagsFromString('--expose_gc');
  const gc = runInNewContext('gc') as () => void;
  const mix = [...CASES.filter((c) => c.expect !== 431 && c.expect !== 413), { name: 'valid', body: call('get_order', { orderId: orderId() }), expect: 200 }];
  const run = async (n: number) => {
    let i = 0;
    const worker = async () => {
      while (i < n) {
        const c = mix[i++ % mix.length]!;
        const res = await send(c);
        expect(res.status).toBeLessThan(500);
      }
    };
    await Promise.all(Array.from({ length: 8 }, worker));
  };
  await run(300); // warm-up: JIT, caches
  gc();
  const before = process.memoryUsage().heapUsed;
  const started = Date.now();
  await run(2_000);
  const elapsed = Date.now() - started;
  gc();
  const growth = process.memoryUsage().heapUsed - before;
  process.stdout.write(`hostile load: 2000 requests in ${elapsed} ms, heapUsed growth ${(growth / 1024 / 1024).toFixed(1)} MB\n`);
  expect(growth).toBeLessThan(20 * 1024 * 1024);
}, 120_000);
