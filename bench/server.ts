/**
 * What the warden costs end to end over HTTP on loopback, for both MCP revisions (2025-11-25
 * and the stateless 2026-07-28): the same tool code (the example shop's commerce tools plus a
 * sized `export_catalog`, bench/payload-tools.ts) served
 * (a) bare: the MCP SDK v2 (`@modelcontextprotocol/server`, the SDK the runtime uses) on
 *     express with `express.json()` and the SDK's Host check; per request a new `Server` and
 *     the SDK's `createMcpHandler` for a 2026-07-28 request and a stateless JSON
 *     `WebStandardStreamableHTTPServerTransport` for a 2025-11-25 one (the SDK's stateless
 *     idiom; the warden answers tools/call and tools/list without them, lib/runtime/direct-dispatch.ts); no guard;
 * (b) by the warden dev server (`startDevServer`: bearer identity, Host/Origin checks, kill
 *     switch, Cedar, screening, rate limit, redaction, audit to 'none').
 * Each server runs in its own child process, so the client (raw `fetch`, keep-alive) does not
 * share a thread with the server it measures.
 *
 * Requests alternate between the two in rounds (and which goes first alternates too), so the
 * noise of a small shared machine hits both alike; what is reported is the ratio warden/bare
 * measured side by side, not absolute numbers. Before timing, the real SDK v2 `Client` lists
 * and calls tools on both, to check they serve the same tools.
 * `npx tsx bench/server.ts`, or through `npm run bench`.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { createMcpHandler, Server, validateHostHeader, WebStandardStreamableHTTPServerTransport, type CallToolResult } from '@modelcontextprotocol/server';
import express from 'express';
import { z } from 'zod';
import { sampleData, sampleDatasets } from '../examples/shop/sample-data';
import { loadManifest } from '../lib/config';
import { startDevServer } from '../lib/dev';
import { FIRST_ROUND, InMemoryDataset, jsonLogger, loadToolModule, ReadBudget, toToolResult } from '../lib/runtime';
import { quantile, runStandalone } from './bench-kit';
import { benchCommerceTools, benchManifest, PAYLOAD_TOOL } from './payload-tools';

const ROOT = join(__dirname, '..');
const AGENT = 'support-agent';
const ROUNDS = Number(process.env.BENCH_SERVER_ROUNDS ?? 10);
/** Sequential requests per kind, per server, per round (fewer for the 256 KB result). */
const PER_ROUND = Number(process.env.BENCH_SERVER_PER_ROUND ?? 16);
/** Concurrent 2 KB requests per server per round (the throughput measure), and how many in flight. */
const BURST = 64;
const IN_FLIGHT = 8;
const LEGACY = '2025-11-25';
const MODERN = '2026-07-28';
const REVISIONS = [LEGACY, MODERN] as const;
type Revision = (typeof REVISIONS)[number];

type Role = 'bare' | 'warden';
interface Endpoint {
  readonly role: Role;
  readonly url: string;
  readonly token?: string;
  readonly child: ChildProcess;
}

// ---------------------------------------------------------------- servers (child processes)

/** The bare server: the same tools for the support agent, straight on the SDK v2. */
async function serveBare(): Promise<{ url: string }> {
  const manifest = benchManifest(loadManifest(join(ROOT, 'warden.config.yaml')).manifest, AGENT);
  const commerce = manifest.servers.find((s) => s.name === 'commerce')!;
  const agent = manifest.agents.find((a) => a.name === AGENT)!;
  const toolSet = benchCommerceTools;
  const seed = sampleDatasets(undefined, Object.fromEntries(manifest.datasets.map((d) => [d.name, d.partitionKey ?? 'pk'])));
  const datasets = new Map(manifest.datasets.map((d) => [d.name, new InMemoryDataset({ name: d.name, partitionKey: d.partitionKey, sortKey: d.sortKey, items: seed[d.name] ?? [] })]));
  // the tools the support agent has, in the same order the warden lists them
  const names = agent.tools.filter((t) => t.startsWith('commerce/')).map((t) => t.slice('commerce/'.length));
  const tools = commerce.tools
    .filter((t) => names.includes(t.name))
    .map((spec) => {
      const definition = toolSet.tools.get(spec.name)!;
      return { spec, definition, inputSchema: z.toJSONSchema(definition.input, { io: 'input' }) as { type: 'object' } };
    });
  const byName = new Map(tools.map((t) => [t.spec.name, t]));
  const logger = jsonLogger({ write: () => undefined });

  const newServer = () => {
    const mcp = new Server({ name: 'shop-commerce-bare', version: '0.1.0' }, { capabilities: { tools: { listChanged: false } } });
    mcp.setRequestHandler('tools/list', () => ({
      tools: tools.map((t) => ({ name: t.spec.name, description: t.definition.description, inputSchema: t.inputSchema })),
    }));
    mcp.setRequestHandler('tools/call', async (request, extra) => {
      const tool = byName.get(request.params.name);
      if (!tool) return { content: [{ type: 'text', text: `unknown tool "${request.params.name}"` }], isError: true };
      const args = tool.definition.input.safeParse(request.params.arguments ?? {});
      if (!args.success) return { content: [{ type: 'text', text: args.error.message }], isError: true };
      const ctx = { dataset: datasets.get(tool.spec.dataset)!, agent: AGENT, logger, requestId: randomUUID(), signal: extra.mcpReq.signal, readBudget: new ReadBudget(), input: FIRST_ROUND };
      return toToolResult(await tool.definition.handler(args.data as never, ctx)) as CallToolResult;
    });
    return mcp;
  };

  const app = express();
  app.use(express.json({ limit: manifest.guard.maxBodyBytes }));
  app.use((req, res, next) => {
    const host = validateHostHeader(req.headers.host, ['localhost', '127.0.0.1', '[::1]']);
    if (host.ok) return next();
    res.status(403).json({ jsonrpc: '2.0', error: { code: -32000, message: host.message }, id: null });
  });
  app.post('/mcp', async (req, res) => {
    const headers = new Headers({ accept: 'application/json, text/event-stream', 'content-type': 'application/json' });
    for (const name of ['mcp-protocol-version', 'mcp-method', 'mcp-name']) {
      const value = req.headers[name];
      if (typeof value === 'string') headers.set(name, value);
    }
    const webRequest = new Request('http://127.0.0.1/mcp', { method: 'POST', headers, body: JSON.stringify(req.body) });
    const mcp = newServer();
    const modern = req.headers['mcp-protocol-version'] === MODERN;
    const sdk = modern ? createMcpHandler(() => mcp, { legacy: 'reject', onerror: () => {} }) : undefined;
    const legacy = modern ? undefined : new WebStandardStreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: true });
    try {
      let response: Response;
      if (legacy) {
        await mcp.connect(legacy);
        response = await legacy.handleRequest(webRequest, { parsedBody: req.body });
      } else {
        response = await sdk!.fetch(webRequest, { parsedBody: req.body });
      }
      res.status(response.status);
      const contentType = response.headers.get('content-type');
      if (contentType) res.setHeader('content-type', contentType);
      res.end(await response.text());
    } finally {
      await sdk?.close();
      await legacy?.close();
      await mcp.close();
    }
  });
  const server = app.listen(0, '127.0.0.1');
  await new Promise<void>((done) => server.once('listening', () => done()));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/mcp` };
}

/** The warden dev server on the default manifest plus export_catalog, rate limits out of the way. */
async function serveWarden(): Promise<{ url: string; token: string }> {
  const manifest = benchManifest(loadManifest(join(ROOT, 'warden.config.yaml')).manifest, AGENT);
  const tools = Object.fromEntries(manifest.servers.map((s) => [s.name, s.name === 'commerce' ? benchCommerceTools : loadToolModule(join(ROOT, s.entry))]));
  const dev = await startDevServer({ manifest, baseDir: ROOT, port: 0, audit: 'none', tools, log: () => undefined });
  return { url: dev.urls.commerce!, token: dev.tokens[AGENT]! };
}

function startChild(role: Role): Promise<Endpoint> {
  const child = fork(__filename, [], { execArgv: ['--import', 'tsx', ...(process.env.BENCH_SERVER_PROF === role ? ['--cpu-prof', '--cpu-prof-dir=bench-profiles'] : [])], env: { ...process.env, BENCH_SERVER_ROLE: role }, stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
  return new Promise((resolve, reject) => {
    child.once('message', (m: { url: string; token?: string }) => resolve({ role, url: m.url, token: m.token, child }));
    child.once('exit', (code) => reject(new Error(`the ${role} server exited (code ${code}) before it was ready`)));
  });
}

// ---------------------------------------------------------------- client

interface Kind {
  readonly name: string;
  readonly revision: Revision;
  readonly method: 'tools/call' | 'tools/list';
  readonly params?: { name: string; arguments: Record<string, unknown> };
  /** Sequential requests per server per round. */
  readonly perRound: number;
}

/** What a 2026-07-28 request carries in `_meta` instead of a handshake. */
const MODERN_META = {
  'io.modelcontextprotocol/protocolVersion': MODERN,
  'io.modelcontextprotocol/clientInfo': { name: 'mcp-warden-bench', version: '0.1.0' },
  'io.modelcontextprotocol/clientCapabilities': {},
};

let nextId = 1;
async function post(ep: Endpoint, kind: Kind): Promise<string> {
  const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'application/json, text/event-stream', 'mcp-protocol-version': kind.revision };
  if (kind.revision === MODERN) {
    headers['mcp-method'] = kind.method;
    if (kind.params) headers['mcp-name'] = kind.params.name;
  }
  if (ep.token) headers.authorization = `Bearer ${ep.token}`;
  const params = kind.revision === MODERN ? { ...(kind.params ?? {}), _meta: MODERN_META } : kind.params;
  const res = await fetch(ep.url, { method: 'POST', headers, body: JSON.stringify({ jsonrpc: '2.0', id: nextId++, method: kind.method, ...(params ? { params } : {}) }) });
  const body = await res.text();
  if (res.status !== 200) throw new Error(`${ep.role} ${kind.revision} ${kind.name}: HTTP ${res.status} ${body.slice(0, 300)}`);
  const parsed = JSON.parse(body) as { result?: { isError?: boolean } };
  if (!parsed.result || parsed.result.isError) throw new Error(`${ep.role} ${kind.revision} ${kind.name}: not a successful result: ${body.slice(0, 300)}`);
  return body;
}

/** The real SDK v2 client against both servers: same tool names, same order data. */
async function checkWithSdkClient(bare: Endpoint, warden: Endpoint, orderId: string): Promise<void> {
  const seen: Record<string, string[]> = {};
  for (const ep of [bare, warden]) {
    const client = new Client({ name: 'mcp-warden-bench', version: '0.1.0' });
    const transport = new StreamableHTTPClientTransport(new URL(ep.url), ep.token ? { requestInit: { headers: { authorization: `Bearer ${ep.token}` } } } : {});
    await client.connect(transport);
    seen[ep.role] = (await client.listTools()).tools.map((t) => t.name);
    const order = await client.callTool({ name: 'get_order', arguments: { orderId } });
    if (order.isError) throw new Error(`${ep.role}: get_order failed through the SDK client: ${JSON.stringify(order.content)}`);
    await client.close();
  }
  if (seen.bare!.join() !== seen.warden!.join()) throw new Error(`the servers list different tools: bare ${seen.bare!.join()} vs warden ${seen.warden!.join()}`);
}

const r2 = (x: number) => Math.round(x * 100) / 100;
const r3 = (x: number) => Math.round(x * 1000) / 1000;

/** The kinds of request timed, per revision. */
function kindsOf(revision: Revision, orderId: string, customerId: string): Kind[] {
  const call = (name: string, args: Record<string, unknown>, label = name, perRound = PER_ROUND): Kind => ({ name: label, revision, method: 'tools/call', params: { name, arguments: args }, perRound });
  return [
    call(PAYLOAD_TOOL, { kb: 2 }, 'result 2 KB'),
    call(PAYLOAD_TOOL, { kb: 16 }, 'result 16 KB'),
    call(PAYLOAD_TOOL, { kb: 256 }, 'result 256 KB', Math.max(2, Math.round(PER_ROUND / 4))),
    call('get_order', { orderId }),
    { name: 'tools/list', revision, method: 'tools/list', perRound: PER_ROUND },
    call('get_customer', { customerId }, 'get_customer (redaction-heavy)'),
  ];
}

export async function run(): Promise<object[]> {
  const data = sampleData();
  const customer = data.customers.find((c) => c.refundIban) ?? data.customers[0]!; // an EU customer: e-mail, phone, address and IBAN
  const orderId = data.orders[0]!.id;
  const kinds = REVISIONS.flatMap((revision) => kindsOf(revision, orderId, customer.id));

  const [bare, warden] = await Promise.all([startChild('bare'), startChild('warden')]);
  try {
    await checkWithSdkClient(bare, warden, orderId);
    // warm up both (JIT, connections, caches)
    for (let i = 0; i < 150; i++) for (const ep of [bare, warden]) await post(ep, kinds[i % kinds.length]!);
    const customerKind = kinds.find((k) => k.name.startsWith('get_customer'))!;
    const redactedMarks = (await post(warden, customerKind)).split('[REDACTED:').length - 1;
    const bareMarks = (await post(bare, customerKind)).split('[REDACTED:').length - 1;
    const bytes = new Map<string, number>();
    for (const kind of kinds) bytes.set(`${kind.revision} ${kind.name}`, (await post(warden, kind)).length);

    const samples = new Map<string, number[]>(); // `${role} ${revision} ${kind}` → ms per request
    const busy = new Map<string, number>(); // wall ms spent on those requests
    const burstMs = new Map<string, number>(); // `${role} ${revision}` → wall ms of the bursts
    for (let round = 0; round < ROUNDS; round++) {
      const order = round % 2 === 0 ? [bare, warden] : [warden, bare];
      for (const kind of kinds) {
        for (const ep of order) {
          const key = `${ep.role} ${kind.revision} ${kind.name}`;
          const out = samples.get(key) ?? [];
          const t0 = performance.now();
          for (let i = 0; i < kind.perRound; i++) {
            const t = performance.now();
            await post(ep, kind);
            out.push(performance.now() - t);
          }
          busy.set(key, (busy.get(key) ?? 0) + performance.now() - t0);
          samples.set(key, out);
        }
      }
      // throughput: BURST 2 KB calls, IN_FLIGHT at a time, per revision
      for (const revision of REVISIONS) {
        const burstKind = kinds.find((k) => k.revision === revision && k.name === 'result 2 KB')!;
        for (const ep of order) {
          let left = BURST;
          const t0 = performance.now();
          await Promise.all(Array.from({ length: IN_FLIGHT }, async () => {
            while (left-- > 0) await post(ep, burstKind);
          }));
          const key = `${ep.role} ${revision}`;
          burstMs.set(key, (burstMs.get(key) ?? 0) + performance.now() - t0);
        }
      }
    }

    const rows: Record<string, unknown>[] = [];
    const p50Ratio: Record<string, Record<string, number>> = { [LEGACY]: {}, [MODERN]: {} };
    const sequentialThroughputRatio: Record<string, Record<string, number>> = { [LEGACY]: {}, [MODERN]: {} };
    for (const kind of kinds) {
      const stat = (role: Role) => {
        const key = `${role} ${kind.revision} ${kind.name}`;
        const s = [...samples.get(key)!].sort((a, b) => a - b);
        return { p50Ms: r3(quantile(s, 0.5)), p99Ms: r3(quantile(s, 0.99)), requestsPerSecond: Math.round((s.length / busy.get(key)!) * 1000), requests: s.length };
      };
      const b = stat('bare');
      const w = stat('warden');
      const ratio = { p50: r2(w.p50Ms / b.p50Ms), p99: r2(w.p99Ms / b.p99Ms), throughput: r2(w.requestsPerSecond / b.requestsPerSecond) };
      rows.push({
        case: kind.name,
        revision: kind.revision,
        responseBytes: bytes.get(`${kind.revision} ${kind.name}`),
        bare: b,
        warden: w,
        wardenOverBare: ratio,
        ...(kind.name.startsWith('get_customer') ? { redactionMarkersPerResponse: { bare: bareMarks, warden: redactedMarks } } : {}),
      });
      p50Ratio[kind.revision]![kind.name] = ratio.p50;
      sequentialThroughputRatio[kind.revision]![kind.name] = ratio.throughput;
    }
    const concurrentThroughputRatio: Record<string, number> = {};
    for (const revision of REVISIONS) {
      const rps = (role: Role) => Math.round(((BURST * ROUNDS) / burstMs.get(`${role} ${revision}`)!) * 1000);
      concurrentThroughputRatio[revision] = r2(rps('warden') / rps('bare'));
      rows.push({ case: `result 2 KB, ${IN_FLIGHT} in flight`, revision, bare: { requestsPerSecond: rps('bare') }, warden: { requestsPerSecond: rps('warden') }, wardenOverBare: { throughput: concurrentThroughputRatio[revision] } });
    }
    const total = [...samples.values()].reduce((n, s) => n + s.length, 0) + 2 * REVISIONS.length * BURST * ROUNDS;
    rows.push({
      summary: 'warden/bare end to end over HTTP (p50 latency ratio per request kind and revision)',
      p50Ratio,
      sequentialThroughputRatio,
      concurrentThroughputRatio,
      redactionMarkersPerGetCustomer: redactedMarks,
      requests: total,
    });
    return rows;
  } finally {
    for (const ep of [bare, warden]) {
      // a disconnected child exits by itself (and writes its --cpu-prof profile); kill it if it does not
      const stop = setTimeout(() => ep.child.kill(), 5_000);
      ep.child.once('exit', () => clearTimeout(stop));
      ep.child.disconnect();
    }
  }
}

if (process.env.BENCH_SERVER_ROLE) {
  // a child started by startChild: serve until the parent goes away
  const role = process.env.BENCH_SERVER_ROLE as Role;
  (role === 'bare' ? serveBare() : serveWarden())
    .then((ready) => process.send!(ready))
    .catch((err: unknown) => {
      process.stderr.write(`bench ${role} server failed: ${err instanceof Error ? err.stack : String(err)}\n`);
      process.exit(1);
    });
  process.on('disconnect', () => process.exit(0));
} else {
  runStandalone(module, run);
}
