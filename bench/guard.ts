/**
 * Guard overhead: the whole per-call pipeline (kill switch, Cedar, validate, screen, rate
 * limit, redact, OCSF audit + EMF serialisation) around a tool that returns at once, against
 * calling the tool directly; Cedar authorization and argument screening alone; and output
 * screening of a 64 KB clean result (alone, and the whole pipeline with it on and off); and the
 * small call and the 16 KB result with values new on every call (the guard's memos cold).
 * `npx tsx bench/guard.ts` prints one JSON object per line; `npm run bench` runs it with the rest.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { manifestSchema } from '../lib/config/schema';
import { jsonLinesAuditSink } from '../lib/guard/audit-sinks';
import type { ToolCallRequest, ToolCallResult } from '../lib/guard/contract';
import { createGuard } from '../lib/guard/guard';
import { emfMetricsSink } from '../lib/guard/metrics-emf';
import { InMemoryRateLimiter } from '../lib/guard/rate-limit';
import { screenArguments } from '../lib/guard/screen';
import { screenOutput, stripOutputHidden, type ToolOutput } from '../lib/guard/screen-output';
import { InMemoryAgentStatusStore } from '../lib/guard/status-store';
import { createAuthorizer } from '../lib/policy/authorizer';
import { toToolResult } from '../lib/runtime/tool-result';
import { quantile, runStandalone } from './bench-kit';
import { catalogOf } from './payload-tools';

const N = Number(process.env.BENCH_GUARD_CALLS ?? 5000);

function stats(samplesNs: number[]): { p50_us: number; p99_us: number; mean_us: number } {
  const sorted = [...samplesNs].sort((a, b) => a - b);
  const at = (q: number) => quantile(sorted, q) / 1000;
  const mean = sorted.reduce((a, b) => a + b, 0) / sorted.length / 1000;
  const r = (x: number) => Math.round(x * 10) / 10;
  return { p50_us: r(at(0.5)), p99_us: r(at(0.99)), mean_us: r(mean) };
}

async function timeAsync(n: number, fn: (i: number) => Promise<unknown>): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = process.hrtime.bigint();
    await fn(i);
    out.push(Number(process.hrtime.bigint() - t0));
  }
  return out;
}

function timeSync(n: number, fn: (i: number) => unknown): number[] {
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = process.hrtime.bigint();
    fn(i);
    out.push(Number(process.hrtime.bigint() - t0));
  }
  return out;
}

export async function run(): Promise<object[]> {
  const manifest = manifestSchema.parse(parse(readFileSync(join(__dirname, '..', 'warden.config.yaml'), 'utf8')));
  // no rate limit in the way of the measurement
  const unlimited = { ...manifest, agents: manifest.agents.map((a) => ({ ...a, rateLimit: { perMinute: 100_000 } })) };
  const discard = () => undefined;
  const guard = createGuard({
    manifest: unlimited,
    adapters: { status: new InMemoryAgentStatusStore(), rateLimiter: new InMemoryRateLimiter(), audit: jsonLinesAuditSink(discard), metrics: emfMetricsSink(discard) },
  });
  const agent = unlimited.agents.find((a) => a.name === 'support-agent')!;
  const args = { orderId: 'ord-2026-000123', include: ['lines', 'shipping'], note: 'Customer asked about the Ignore-proof jacket, size M' };
  const result: ToolCallResult = {
    content: [{ type: 'text', text: JSON.stringify({ orderId: 'ord-2026-000123', total: 129.9, card: '4111 1111 1111 1111', email: 'ana@example.com', lines: [{ sku: 'SKU-JKT-M', qty: 1 }] }) }],
  };
  const toolRun = async (): Promise<ToolCallResult> => result;
  const call = (i: number): ToolCallRequest => ({
    agent,
    server: 'commerce',
    tool: 'get_order',
    args,
    request: { requestId: `bench-${i}`, method: 'tools/call', sourceIp: '10.0.0.1' },
    validate: (a) => ({ ok: true, value: a }),
    run: toolRun,
  });

  // warm up the JIT and the caches
  for (let i = 0; i < 500; i++) await guard.callTool(call(i));

  const direct = stats(await timeAsync(N, () => toolRun()));
  const guarded = stats(await timeAsync(N, (i) => guard.callTool(call(i))));
  const authorizer = createAuthorizer(manifest);
  const uncached = createAuthorizer(manifest, { cache: false });
  const authorize = stats(timeSync(N, (i) => authorizer.authorize(i % 2 ? 'support-agent' : 'inventory-agent', 'commerce', 'get_order')));
  const evaluate = stats(timeSync(N, (i) => uncached.authorize(i % 2 ? 'support-agent' : 'inventory-agent', 'commerce', 'get_order')));
  const screen = stats(timeSync(N, () => screenArguments(args)));
  const big = { text: `${'Lorem ipsum dolor sit amet, order SKU-1234 shipped. '.repeat(1200)}` }; // ~60 KB
  const screenBig = stats(timeSync(200, () => screenArguments(big)));

  // a 64 KB clean result as a JSON tool returns it: the JSON text and the same value as structuredContent
  const orders = Array.from({ length: 400 }, (_, i) => ({
    id: `ORD-${String(i + 1).padStart(6, '0')}`,
    status: i % 3 ? 'shipped' : 'delivered',
    customer: { name: 'Ana Lopez', city: 'Springfield', street: `${100 + i} Main Street` },
    lines: [{ sku: `SKU-${10001 + (i % 60)}`, name: 'Ignore-proof jacket', quantity: 1 + (i % 3), unitPrice: 129.9 }],
    note: i % 7 ? 'Leave at the front door, please.' : 'Gift wrap; previous order arrived late.',
  }));
  const pad = (n: number) => orders.slice(0, n);
  let count = orders.length;
  while (JSON.stringify({ orders: pad(count) }).length > 64 * 1024) count--;
  const bigValue = { orders: pad(count) };
  const bigText = JSON.stringify(bigValue);
  const bigOutput: ToolOutput = { content: [{ type: 'text', text: bigText }], structuredContent: bigValue };
  const screenOut = stats(timeSync(200, () => screenOutput(stripOutputHidden(bigOutput).output)));
  const textOnly: ToolOutput = { content: [{ type: 'text', text: bigText }] };
  const screenOutText = stats(timeSync(200, () => screenOutput(stripOutputHidden(textOnly).output)));
  const bigRun = async (): Promise<ToolCallResult> => ({ content: [{ type: 'text', text: bigText }], structuredContent: bigValue });
  const pipelineWith = async (outputInjection: 'flag' | 'off') => {
    const g = createGuard({
      manifest: { ...unlimited, guard: { ...unlimited.guard, outputInjection } },
      adapters: { status: new InMemoryAgentStatusStore(), rateLimiter: new InMemoryRateLimiter(), audit: jsonLinesAuditSink(discard), metrics: emfMetricsSink(discard) },
    });
    const big = (i: number): ToolCallRequest => ({ ...call(i), run: bigRun });
    for (let i = 0; i < 20; i++) await g.callTool(big(i));
    return stats(await timeAsync(200, (i) => g.callTool(big(i))));
  };
  // the figure: a 16 KB clean JSON result as the runtime hands it over (text + structuredContent)
  const result16 = toToolResult(catalogOf(16 * 1024));
  const run16 = async (): Promise<ToolCallResult> => result16;
  const call16 = (i: number): ToolCallRequest => ({ ...call(i), run: run16 });
  for (let i = 0; i < 100; i++) await guard.callTool(call16(i));
  const direct16 = stats(await timeAsync(1000, () => run16()));
  const pipeline16 = stats(await timeAsync(1000, (i) => guard.callTool(call16(i))));

  // The same calls with values never seen before: the guard remembers the markers and the
  // clean redaction of short strings (keys, enum values, statuses repeat in every call), so
  // identical calls measure the warm case. Here every call's arguments and every product's
  // sku, name and tags are new (keys, categories and warehouses still repeat, as in real listings).
  const FRESH = 300;
  const freshArgs = (i: number) => ({ orderId: `ord-2026-${String(100000 + i)}`, include: ['lines', 'shipping'], note: `Customer ${i} asked about the Ignore-proof jacket, size M, order ${i * 7}` });
  const freshSmall = Array.from({ length: FRESH }, (_, i): ToolCallResult => ({
    content: [{ type: 'text', text: JSON.stringify({ orderId: `ord-2026-${100000 + i}`, total: 129.9 + i, card: '4111 1111 1111 1111', email: `ana${i}@example.com`, lines: [{ sku: `SKU-JKT-${i}`, qty: 1 }] }) }],
  }));
  const base16 = catalogOf(16 * 1024).products;
  const fresh16 = Array.from({ length: FRESH }, (_, i) =>
    toToolResult({ products: base16.map((p, k) => ({ ...p, sku: `SKU-${i}-${k}`, name: `${String(p.name)} run ${i}`, tags: [`tag${i}`, `t${k}-${i}`] })) }),
  );
  const freshCall = (i: number, result: ToolCallResult): ToolCallRequest => ({ ...call(i), args: freshArgs(i), run: async () => result });
  const guardedFresh = stats(await timeAsync(FRESH, (i) => guard.callTool(freshCall(i + 1_000_000, freshSmall[i]!))));
  const screenFresh = stats(timeSync(FRESH, (i) => screenArguments(freshArgs(i + 2_000_000))));
  const pipeline16Fresh = stats(await timeAsync(FRESH, (i) => guard.callTool(freshCall(i + 3_000_000, fresh16[i]!))));

  // interleave so a noisy neighbour on the shared machine hits both alike
  const offFirst = await pipelineWith('off');
  const flagged = await pipelineWith('flag');
  const offAgain = await pipelineWith('off');
  const off = offFirst.p50_us <= offAgain.p50_us ? offFirst : offAgain;

  const rows: object[] = [
    { measure: 'tool called directly', calls: N, ...direct },
    { measure: 'tool called through the guard (full pipeline)', calls: N, ...guarded },
    { measure: 'Cedar authorize alone (memoised decision)', calls: N, ...authorize },
    { measure: 'Cedar authorize alone (evaluated by cedar-wasm every call)', calls: N, ...evaluate },
    { measure: 'screenArguments alone (typical args)', calls: N, ...screen },
    { measure: 'screenArguments alone (60 KB string)', calls: 200, bytes: big.text.length, ...screenBig },
    { measure: 'output screening alone (64 KB clean JSON result: text + structuredContent)', calls: 200, bytes: bigText.length, ...screenOut },
    { measure: 'output screening alone (64 KB clean JSON text part only)', calls: 200, bytes: bigText.length, ...screenOutText },
    { measure: 'pipeline, 16 KB result (text + structuredContent)', calls: 1000, bytes: (result16.content[0] as { text: string }).text.length, ...pipeline16 },
    { measure: 'tool called through the guard, arguments and result values new each call', calls: FRESH, ...guardedFresh },
    { measure: 'screenArguments alone (typical args, values new each call)', calls: FRESH, ...screenFresh },
    { measure: 'pipeline, 16 KB result, product values new each call', calls: FRESH, ...pipeline16Fresh },
    { measure: 'pipeline, 64 KB result, outputInjection off', calls: 200, ...off },
    { measure: 'pipeline, 64 KB result, outputInjection flag', calls: 200, ...flagged },
  ];
  rows.push({
    summary: 'guard overhead per call',
    overhead_p50_us: Math.round((guarded.p50_us - direct.p50_us) * 10) / 10,
    overhead_p99_us: Math.round((guarded.p99_us - direct.p99_us) * 10) / 10,
    authorize_p50_us: authorize.p50_us,
    cedar_evaluation_p50_us: evaluate.p50_us,
    screen_p50_us: screen.p50_us,
    pipeline_16kb_p50_us: Math.round((pipeline16.p50_us - direct16.p50_us) * 10) / 10,
    overhead_new_values_p50_us: Math.round((guardedFresh.p50_us - direct.p50_us) * 10) / 10,
    screen_new_values_p50_us: screenFresh.p50_us,
    pipeline_16kb_new_values_p50_us: Math.round((pipeline16Fresh.p50_us - direct16.p50_us) * 10) / 10,
    output_screen_64kb_p50_us: screenOut.p50_us,
    output_screen_64kb_pipeline_cost_p50_us: Math.round((flagged.p50_us - off.p50_us) * 10) / 10,
  });
  return rows;
}

runStandalone(module, run);
