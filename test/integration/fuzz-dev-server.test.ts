/**
 * Seeded fuzzing of the dev server (in-process, port 0): ~2,000 mutated JSON-RPC messages with
 * random headers, paths, methods, raw framing (chunked, bad chunks, Content-Length mismatch)
 * and early disconnects. Every answer: no 5xx, JSON-RPC or empty where HTTP itself answers,
 * nothing internal, within 5 s; the server still serves a normal call and its heap stays
 * bounded. A failure prints the case label; rerun with the same FUZZ_SEED to reproduce.
 */
import { Agent, request as httpRequest } from 'node:http';
import { connect } from 'node:net';
import { sampleData } from '../../examples/shop/sample-data';
import { startDevServer, type DevServer } from '../../lib/dev';
import { fuzzCampaign, fuzzRequest, pick, rawRequest, rng, type Answer, type FuzzRequest, type Rng } from './fuzz-messages';

const SEED = Number(process.env.FUZZ_SEED ?? 20240611);
const CASES = 2_000;
const MAX_MS = 5_000;
/** Statuses Node's HTTP server sends itself with no body, and 202 for an accepted notification. */
const EMPTY_STATUSES = [202, 400, 408, 413, 431, 0];

const data = sampleData();
let dev: DevServer;
const keepAlive = new Agent({ keepAlive: true, maxSockets: 8 });

function viaHttp(req: FuzzRequest, headers: Record<string, string | string[] | undefined>): Promise<Answer> {
  const started = Date.now();
  return new Promise((resolve) => {
    const out: Record<string, string | string[]> = {};
    for (const [k, v] of Object.entries(headers)) if (v !== undefined) out[k] = v;
    let r;
    try {
      r = httpRequest({ host: '127.0.0.1', port: dev.port, method: req.method, path: req.path, headers: out, agent: keepAlive }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8'), ms: Date.now() - started }));
        res.on('error', () => resolve({ status: 0, body: '', ms: Date.now() - started }));
      });
    } catch {
      // the client library itself refuses some header values: nothing reached the server
      resolve({ status: 0, body: '', ms: 0 });
      return;
    }
    // a connection the server closes after answering (413, 431) may reset our write: no answer to check
    r.on('error', () => resolve({ status: 0, body: '', ms: Date.now() - started }));
    if (req.method !== 'GET' && req.method !== 'HEAD') r.end(req.body);
    else r.end();
  });
}

type Framing = Parameters<typeof rawRequest>[3] | 'disconnect';

/** Raw bytes on a socket: the first response (if any) and when the server closed. */
function viaSocket(req: FuzzRequest, headers: Record<string, string>, framing: Framing): Promise<Answer> {
  const started = Date.now();
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    const socket = connect(dev.port, '127.0.0.1', () => {
      if (framing === 'disconnect') {
        const bytes = rawRequest(req.path, headers, req.body, 'long-length');
        socket.write(bytes.subarray(0, Math.floor(bytes.length / 2)));
        setTimeout(() => socket.destroy(), 5);
        return;
      }
      socket.end(rawRequest(req.path, headers, req.body, framing));
    });
    socket.on('data', (c: Buffer) => chunks.push(c));
    socket.on('error', () => undefined);
    const timer = setTimeout(() => socket.destroy(), MAX_MS + 1_000);
    socket.on('close', () => {
      clearTimeout(timer);
      const text = Buffer.concat(chunks).toString('utf8');
      const ms = Date.now() - started;
      if (framing === 'disconnect' || text.length === 0) return resolve({ status: framing === 'disconnect' ? 0 : 0, body: '', ms });
      const head = text.slice(0, text.indexOf('\r\n\r\n'));
      const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(head)?.[1] ?? 0);
      const length = Number(/\r\ncontent-length: (\d+)/i.exec(head)?.[1] ?? 0);
      const body = Buffer.from(text.slice(head.length + 4)).subarray(0, length).toString('utf8');
      resolve({ status, body, ms });
    });
  });
}

function withIdentity(r: Rng, headers: Record<string, string | string[] | undefined>): void {
  const roll = r();
  if (roll < 0.75) headers.authorization = `Bearer ${pick(r, Object.values(dev.tokens))}`;
  else if (roll < 0.85) headers.authorization = pick(r, ['Bearer wdev_forged', 'Bearer ', 'Basic YTpi', `Bearer ${dev.tokens['fraud-agent']}x`, 'bearer'.repeat(100)]);
  // else: no credentials → the --agent default
  if (r() < 0.04) headers.origin = pick(r, ['null', 'file://', 'https://evil.example', `http://127.0.0.1:${dev.port}`, `http://localhost:${dev.port}`]);
  if (r() < 0.04) headers.host = pick(r, ['evil.example', '127.0.0.1.nip.io', `localhost:${dev.port}`, '[::1]', '']);
}

async function runFuzz(seed: number, n: number, collect: (req: FuzzRequest, a: Answer) => void): Promise<void> {
  const r = rng(seed);
  const context = { orderId: data.orders[0]!.id, customerId: data.customers[0]!.id, sku: data.products[0]!.id, tools: allTools() };
  const requests = Array.from({ length: n }, () => {
    const req = fuzzRequest(r, context);
    const headers: Record<string, string | string[] | undefined> = { 'content-type': 'application/json', accept: 'application/json, text/event-stream', 'mcp-protocol-version': '2025-06-18', ...req.headers };
    withIdentity(r, headers);
    const raw = r() < 0.08 || headers['content-length'] !== undefined;
    const framing: Framing = pick(r, ['length', 'short-length', 'long-length', 'chunked', 'bad-chunks', 'both', 'disconnect']);
    return { req: { ...req, label: `${req.label}${raw ? `, raw ${framing}` : ''}` }, headers, raw, framing };
  });
  let next = 0;
  const worker = async () => {
    while (next < requests.length) {
      const { req, headers, raw, framing } = requests[next++]!;
      if (raw) {
        const flat: Record<string, string> = {};
        for (const [k, v] of Object.entries(headers)) if (v !== undefined && k !== 'content-length') flat[k] = Array.isArray(v) ? v.join(', ') : v;
        collect(req, await viaSocket(req, flat, framing));
      } else {
        const { 'content-length': _ignored, ...rest } = headers;
        collect(req, await viaHttp(req, rest));
      }
    }
  };
  await Promise.all(Array.from({ length: 8 }, worker));
}

function allTools(): string[] {
  return dev.manifest.servers.flatMap((s) => s.tools.map((t) => t.name));
}

async function normalCall(): Promise<Answer> {
  const body = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'get_order', arguments: { orderId: data.orders[0]!.id } } });
  const req: FuzzRequest = { method: 'POST', path: '/mcp/commerce', headers: {}, body: Buffer.from(body), label: 'normal' };
  return viaHttp(req, { 'content-type': 'application/json', accept: 'application/json, text/event-stream', authorization: `Bearer ${dev.tokens['support-agent']}` });
}

beforeAll(async () => {
  dev = await startDevServer({ config: 'warden.config.yaml', port: 0, audit: 'none', log: () => {}, agent: 'support-agent' });
});
afterAll(async () => {
  keepAlive.destroy();
  await dev.close();
});

it(`answers ${CASES} fuzzed requests (seed ${SEED}) with no 5xx, no internals, within ${MAX_MS} ms, on a bounded heap`, async () => {
  const { statuses, failures, heapGrowthBytes } = await fuzzCampaign('dev', SEED, CASES, { maxMs: MAX_MS, tools: allTools, emptyStatuses: EMPTY_STATUSES }, runFuzz);
  expect(failures).toEqual([]);
  // the whole campaign is bounded by the test timeout (no stopwatch: timings belong in the bench)
  expect(heapGrowthBytes).toBeLessThan(20 * 1024 * 1024);
  // the mix reached the tools, the guard's refusals and the pre-checks, not only one of them
  expect(statuses.get(200) ?? 0).toBeGreaterThan(CASES / 10);
  expect(statuses.get(400) ?? 0).toBeGreaterThan(CASES / 10);
}, 120_000);

it('still answers a normal call after the fuzzing', async () => {
  const a = await normalCall();
  expect(a.status).toBe(200);
  expect(JSON.parse(a.body)).toMatchObject({ result: { structuredContent: { id: data.orders[0]!.id } } });
});

it('serves a body that arrives slowly but completely', async () => {
  const body = JSON.stringify({ jsonrpc: '2.0', id: 9, method: 'ping' });
  const answer = await new Promise<string>((resolve) => {
    const chunks: Buffer[] = [];
    const socket = connect(dev.port, '127.0.0.1', async () => {
      socket.write(`POST /mcp HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nContent-Type: application/json\r\nAccept: application/json, text/event-stream\r\nContent-Length: ${body.length}\r\n\r\n`);
      for (let i = 0; i < body.length; i += 8) {
        socket.write(body.slice(i, i + 8));
        await new Promise((r) => setTimeout(r, 100));
      }
    });
    socket.on('data', (c: Buffer) => chunks.push(c));
    socket.on('close', () => resolve(Buffer.concat(chunks).toString('utf8')));
  });
  expect(answer).toMatch(/^HTTP\/1\.1 200/);
  expect(answer).toContain('"id":9');
});

it('closes a connection whose body never finishes, within the request timeout', async () => {
  const started = Date.now();
  const answer = await new Promise<string>((resolve) => {
    const chunks: Buffer[] = [];
    const socket = connect(dev.port, '127.0.0.1', () => {
      socket.write('POST /mcp HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nAccept: application/json, text/event-stream\r\nContent-Length: 100000\r\n\r\n{"jsonrpc":');
    });
    const drip = setInterval(() => socket.writable && socket.write(' '), 1_000);
    socket.on('data', (c: Buffer) => chunks.push(c));
    socket.on('error', () => undefined);
    socket.on('close', () => {
      clearInterval(drip);
      resolve(Buffer.concat(chunks).toString('utf8'));
    });
  });
  expect(Date.now() - started).toBeLessThan(20_000);
  // Node's requestTimeout answers 408 (or just closes); never a 5xx
  if (answer.length > 0) expect(Number(answer.slice(9, 12))).toBeLessThan(500);
  expect((await normalCall()).status).toBe(200);
}, 30_000);
