/**
 * What the warden costs end to end over HTTP on loopback: the same example-shop tool code
 * served (a) bare — an MCP SDK `Server` on the SDK's express app with the stateless JSON
 * Streamable HTTP transport the runtime uses, no guard — and (b) by the warden dev server
 * (`startDevServer`: bearer identity, Host/Origin checks, Cedar, screening, rate limit,
 * redaction, audit to 'none'). Each server runs in its own child process, so the client
 * (raw `fetch`, keep-alive) does not share a thread with the server it measures.
 *
 * Requests alternate between the two in rounds (and which goes first alternates too), so
 * the noise of a small shared machine hits both alike; what is reported is the ratio
 * warden/bare measured side by side, not absolute numbers. Before timing, the real SDK
 * `Client` lists and calls tools on both, to check they serve the same tools.
 * `npx tsx bench/server.ts`, or through `npm run bench`.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { createMcpExpressApp } from '@modelcontextprotocol/sdk/server/express.js';
import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { WebStandardStreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js';
import { CallToolRequestSchema, ListToolsRequestSchema } from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';
import { sampleData, sampleDatasets } from '../examples/shop/sample-data';
import { loadManifest } from '../lib/config';
import { startDevServer } from '../lib/dev';
import { FIRST_ROUND, InMemoryDataset, jsonLogger, ReadBudget, toToolResult, type ToolSet } from '../lib/runtime';
import { quantile, runStandalone } from './bench-kit';

const ROOT = join(__dirname, '..');
const AGENT = 'support-agent';
const ROUNDS = Number(process.env.BENCH_SERVER_ROUNDS ?? 12);
/** Sequential requests per kind, per server, per round. */
const PER_ROUND = Number(process.env.BENCH_SERVER_PER_ROUND ?? 20);
/** Concurrent get_order requests per server per round (the throughput measure), and how many in flight. */
const BURST = 64;
const IN_FLIGHT = 8;
const PROTOCOL_VERSION = '2025-06-18';

type Role = 'bare' | 'warden';
interface Endpoint {
  readonly role: Role;
  readonly url: string;
  readonly token?: string;
  readonly child: ChildProcess;
}

// ---------------------------------------------------------------- servers (child processes)

/** The bare server: the shop's tools for the support agent, straight on the SDK. */
async function serveBare(): Promise<{ url: string }> {
  const { manifest } = loadManifest(join(ROOT, 'warden.config.yaml'));
  const commerce = manifest.servers.find((s) => s.name === 'commerce')!;
  const agent = manifest.agents.find((a) => a.name === AGENT)!;
  const toolSet = (require('../examples/shop/tools') as { default: ToolSet }).default;
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

  const app = createMcpExpressApp();
  app.post('/mcp', async (req, res) => {
    const mcp = new Server({ name: 'shop-commerce-bare', version: '0.1.0' }, { capabilities: { tools: { listChanged: false } } });
    mcp.setRequestHandler(ListToolsRequestSchema, () => ({
      tools: tools.map((t) => ({ name: t.spec.name, description: t.definition.description, inputSchema: t.inputSchema })),
    }));
    mcp.setRequestHandler(CallToolRequestSchema, async (request, extra) => {
      const tool = byName.get(request.params.name);
      if (!tool) return { content: [{ type: 'text', text: `unknown tool "${request.params.name}"` }], isError: true };
      const args = tool.definition.input.safeParse(request.params.arguments ?? {});
      if (!args.success) return { content: [{ type: 'text', text: args.error.message }], isError: true };
      const ctx = { dataset: datasets.get(tool.spec.dataset)!, agent: AGENT, logger, requestId: randomUUID(), signal: extra.signal, readBudget: new ReadBudget(), input: FIRST_ROUND };
      return toToolResult(await tool.definition.handler(args.data as never, ctx)) as { content: [] };
    });
    const transport = new WebStandardStreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: true });
    await mcp.connect(transport);
    try {
      const headers = new Headers({ accept: 'application/json, text/event-stream', 'content-type': 'application/json' });
      const version = req.headers['mcp-protocol-version'];
      if (typeof version === 'string') headers.set('mcp-protocol-version', version);
      const response = await transport.handleRequest(new Request('http://127.0.0.1/mcp', { method: 'POST', headers }), { parsedBody: req.body });
      res.status(response.status);
      const contentType = response.headers.get('content-type');
      if (contentType) res.setHeader('content-type', contentType);
      res.end(await response.text());
    } finally {
      await transport.close();
      await mcp.close();
    }
  });
  const server = app.listen(0, '127.0.0.1');
  await new Promise<void>((done) => server.once('listening', () => done()));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/mcp` };
}

/** The warden dev server on the default manifest, with rate limits out of the measurement's way. */
async function serveWarden(): Promise<{ url: string; token: string }> {
  const { manifest } = loadManifest(join(ROOT, 'warden.config.yaml'));
  const unlimited = { ...manifest, agents: manifest.agents.map((a) => ({ ...a, rateLimit: { perMinute: 1_000_000 } })) };
  const dev = await startDevServer({ manifest: unlimited, baseDir: ROOT, port: 0, audit: 'none', log: () => undefined });
  return { url: dev.urls.commerce!, token: dev.tokens[AGENT]! };
}

function startChild(role: Role): Promise<Endpoint> {
  const child = fork(__filename, [], { execArgv: ['--import', 'tsx'], env: { ...process.env, BENCH_SERVER_ROLE: role }, stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
  return new Promise((resolve, reject) => {
    child.once('message', (m: { url: string; token?: string }) => resolve({ role, url: m.url, token: m.token, child }));
    child.once('exit', (code) => reject(new Error(`the ${role} server exited (code ${code}) before it was ready`)));
  });
}

// ---------------------------------------------------------------- client

interface Kind {
  readonly name: string;
  readonly method: 'tools/call' | 'tools/list';
  readonly params?: { name: string; arguments: Record<string, unknown> };
}

let nextId = 1;
async function post(ep: Endpoint, kind: Kind): Promise<string> {
  const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'application/json, text/event-stream', 'mcp-protocol-version': PROTOCOL_VERSION };
  if (ep.token) headers.authorization = `Bearer ${ep.token}`;
  const res = await fetch(ep.url, { method: 'POST', headers, body: JSON.stringify({ jsonrpc: '2.0', id: nextId++, method: kind.method, ...(kind.params ? { params: kind.params } : {}) }) });
  const body = await res.text();
  if (res.status !== 200) throw new Error(`${ep.role} ${kind.name}: HTTP ${res.status} ${body.slice(0, 300)}`);
  const parsed = JSON.parse(body) as { result?: { isError?: boolean } };
  if (!parsed.result || parsed.result.isError) throw new Error(`${ep.role} ${kind.name}: not a successful result: ${body.slice(0, 300)}`);
  return body;
}

/** The real SDK client against both servers: same tool names, same order data. */
async function checkWithSdkClient(bare: Endpoint, warden: Endpoint, kinds: readonly Kind[]): Promise<void> {
  const seen: Record<string, string[]> = {};
  for (const ep of [bare, warden]) {
    const client = new Client({ name: 'mcp-warden-bench', version: '0.1.0' });
    const transport = new StreamableHTTPClientTransport(new URL(ep.url), ep.token ? { requestInit: { headers: { authorization: `Bearer ${ep.token}` } } } : {});
    await client.connect(transport);
    seen[ep.role] = (await client.listTools()).tools.map((t) => t.name);
    const order = await client.callTool(kinds.find((k) => k.name === 'get_order')!.params!);
    if (order.isError) throw new Error(`${ep.role}: get_order failed through the SDK client: ${JSON.stringify(order.content)}`);
    await client.close();
  }
  if (seen.bare!.join() !== seen.warden!.join()) throw new Error(`the servers list different tools: bare ${seen.bare!.join()} vs warden ${seen.warden!.join()}`);
}

const r2 = (x: number) => Math.round(x * 100) / 100;
const r3 = (x: number) => Math.round(x * 1000) / 1000;

export async function run(): Promise<object[]> {
  const data = sampleData();
  const customer = data.customers.find((c) => c.refundIban) ?? data.customers[0]!; // an EU customer: e-mail, phone, address and IBAN
  const kinds: Kind[] = [
    { name: 'get_order', method: 'tools/call', params: { name: 'get_order', arguments: { orderId: data.orders[0]!.id } } },
    { name: 'search_products', method: 'tools/call', params: { name: 'search_products', arguments: { category: data.products[0]!.category, limit: 10 } } },
    { name: 'tools/list', method: 'tools/list' },
    { name: 'get_customer (redaction-heavy)', method: 'tools/call', params: { name: 'get_customer', arguments: { customerId: customer.id } } },
  ];

  const [bare, warden] = await Promise.all([startChild('bare'), startChild('warden')]);
  try {
    await checkWithSdkClient(bare, warden, kinds);
    // warm up both (JIT, connections, caches)
    for (let i = 0; i < 100; i++) for (const ep of [bare, warden]) await post(ep, kinds[i % kinds.length]!);
    const redactedMarks = (await post(warden, kinds[3]!)).split('[REDACTED:').length - 1;
    const bareMarks = (await post(bare, kinds[3]!)).split('[REDACTED:').length - 1;

    const samples = new Map<string, number[]>(); // `${role} ${kind}` → ms per request
    const busy = new Map<string, number>(); // wall ms spent on those requests
    const burstMs: Record<Role, number> = { bare: 0, warden: 0 };
    const burstOrder = kinds[0]!;
    for (let round = 0; round < ROUNDS; round++) {
      const order = round % 2 === 0 ? [bare, warden] : [warden, bare];
      for (const kind of kinds) {
        for (const ep of order) {
          const key = `${ep.role} ${kind.name}`;
          const out = samples.get(key) ?? [];
          const t0 = performance.now();
          for (let i = 0; i < PER_ROUND; i++) {
            const t = performance.now();
            await post(ep, kind);
            out.push(performance.now() - t);
          }
          busy.set(key, (busy.get(key) ?? 0) + performance.now() - t0);
          samples.set(key, out);
        }
      }
      // throughput: BURST get_order calls, IN_FLIGHT at a time
      for (const ep of order) {
        let left = BURST;
        const t0 = performance.now();
        await Promise.all(Array.from({ length: IN_FLIGHT }, async () => {
          while (left-- > 0) await post(ep, burstOrder);
        }));
        burstMs[ep.role] += performance.now() - t0;
      }
    }

    const rows: Record<string, unknown>[] = [];
    const ratios: Record<string, number> = {};
    for (const kind of kinds) {
      const stat = (role: Role) => {
        const key = `${role} ${kind.name}`;
        const s = [...samples.get(key)!].sort((a, b) => a - b);
        return { p50Ms: r3(quantile(s, 0.5)), p99Ms: r3(quantile(s, 0.99)), requestsPerSecond: Math.round((s.length / busy.get(key)!) * 1000), requests: s.length };
      };
      const b = stat('bare');
      const w = stat('warden');
      const ratio = { p50: r2(w.p50Ms / b.p50Ms), p99: r2(w.p99Ms / b.p99Ms), throughput: r2(w.requestsPerSecond / b.requestsPerSecond) };
      rows.push({ case: kind.name, bare: b, warden: w, wardenOverBare: ratio, ...(kind.name.startsWith('get_customer') ? { redactionMarkersPerResponse: { bare: bareMarks, warden: redactedMarks } } : {}) });
      ratios[kind.name] = ratio.p50;
    }
    const burstRps = (role: Role) => Math.round(((BURST * ROUNDS) / burstMs[role]) * 1000);
    rows.push({ case: `get_order, ${IN_FLIGHT} in flight`, bare: { requestsPerSecond: burstRps('bare') }, warden: { requestsPerSecond: burstRps('warden') }, wardenOverBare: { throughput: r2(burstRps('warden') / burstRps('bare')) } });
    const total = [...samples.values()].reduce((n, s) => n + s.length, 0) + 2 * BURST * ROUNDS;
    rows.push({
      summary: 'warden/bare end to end over HTTP (p50 latency ratio per request kind)',
      p50Ratio: ratios,
      concurrentThroughputRatio: r2(burstRps('warden') / burstRps('bare')),
      redactionMarkersPerGetCustomer: redactedMarks,
      requests: total,
    });
    return rows;
  } finally {
    for (const ep of [bare, warden]) ep.child.kill();
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
