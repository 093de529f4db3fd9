/**
 * Issue 7, points 5 and 6 through the shared handler: every authenticated request counts
 * against the agent's rate limit (before the fix `tools/list`, `ping` and `initialize` were never
 * counted: 300 of 300 answered against a 120/min limit), and a stalled backend still leaves
 * exactly one audit event and never a bare 504.
 */
import commerceTools from '../../../examples/shop/tools';
import paymentTools from '../../../examples/shop/payment-tools';
import { sampleDatasets } from '../../../examples/shop/sample-data';
import { loadManifest, type Manifest } from '../../../lib/config';
import { createGuard, InMemoryAgentStatusStore, InMemoryRateLimiter, memoryAuditSink } from '../../../lib/guard';
import type { AgentStatusStore, RateLimiter } from '../../../lib/guard/contract';
import { createMcpHandler, InMemoryDataset, jsonLogger, type HttpRequestLike } from '../../../lib/runtime';

const loaded = loadManifest('warden.config.yaml').manifest;
const role = (agent: string) => `arn:aws:sts::123456789012:assumed-role/shop-prod-${agent}-caller/session-1`;

function setup(options: { manifest?: Manifest; status?: AgentStatusStore; rateLimiter?: RateLimiter; deadlineMs?: number; adapterTimeoutMs?: number } = {}) {
  const manifest = options.manifest ?? loaded;
  const audit = memoryAuditSink();
  const guard = createGuard({
    manifest,
    adapterTimeoutMs: options.adapterTimeoutMs,
    adapters: { status: options.status ?? new InMemoryAgentStatusStore(), rateLimiter: options.rateLimiter ?? new InMemoryRateLimiter(), audit, metrics: { put: () => undefined } },
  });
  const seeds = sampleDatasets();
  const datasets = Object.fromEntries(manifest.datasets.map((d) => [d.name, new InMemoryDataset({ name: d.name, items: seeds[d.name] })]));
  const handler = createMcpHandler({ manifest, guard, tools: { commerce: commerceTools, payments: paymentTools }, datasets: (r) => datasets[r.dataset.name]!, logger: jsonLogger({ write: () => undefined }), deadlineMs: options.deadlineMs });
  return { handler, audit };
}

let id = 0;
const post = (method: string, params: Record<string, unknown> = {}): HttpRequestLike => ({
  method: 'POST',
  headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
  body: JSON.stringify({ jsonrpc: '2.0', id: ++id, method, params }),
});
const INIT = { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 't', version: '1' } };
const outcome = (e: Record<string, unknown>) => (e.unmapped as { outcome: string }).outcome;

describe('rate limits cover every authenticated request', () => {
  const withLimit = (perMinute: number): Manifest => ({ ...loaded, agents: loaded.agents.map((a) => (a.name === 'inventory-agent' ? { ...a, rateLimit: { perMinute } } : a)) });

  it.each([
    ['tools/list', {}],
    ['ping', {}],
    ['initialize', INIT],
  ])('answers the request after the limit with 429 and retry-after, for %s', async (method, params) => {
    const { handler, audit } = setup({ manifest: withLimit(3) });
    const statuses: number[] = [];
    let last;
    for (let i = 0; i < 5; i++) {
      last = await handler.handle({ server: 'commerce', caller: { principalArn: role('inventory-agent') }, request: post(method, params) });
      statuses.push(last.status);
    }
    expect(statuses).toEqual([200, 200, 200, 429, 429]);
    expect(Number(last!.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(JSON.parse(last!.body)).toMatchObject({ jsonrpc: '2.0', error: { code: -32000, message: expect.stringMatching(/rate limit exceeded \(3 requests per minute\); retry after \d+ s/) } });
    expect(audit.events).toHaveLength(5);
    expect(audit.events.map(outcome)).toEqual(['ok', 'ok', 'ok', 'rate_limited', 'rate_limited']);
  });

  it('counts lists and calls in one budget, and sends retry-after with a rate-limited tool call', async () => {
    const { handler } = setup({ manifest: withLimit(2) });
    const caller = { principalArn: role('inventory-agent') };
    expect((await handler.handle({ server: 'commerce', caller, request: post('tools/list') })).status).toBe(200);
    expect((await handler.handle({ server: 'commerce', caller, request: post('tools/call', { name: 'search_products', arguments: { limit: 1 } }) })).status).toBe(200);
    const refused = await handler.handle({ server: 'commerce', caller, request: post('tools/call', { name: 'search_products', arguments: { limit: 1 } }) });
    expect(JSON.parse(refused.body).result).toMatchObject({ isError: true, content: [{ text: expect.stringMatching(/^rate limit exceeded/) }] });
    expect(Number(refused.headers['retry-after'])).toBeGreaterThanOrEqual(1);
  });
});

describe('a stalled backend still gives one audit event per request', () => {
  const never = <T>(): Promise<T> => new Promise<T>(() => undefined);

  it('answers tools/list with 403 when the kill-switch read hangs, and audits the timeout', async () => {
    const { handler, audit } = setup({ status: { getStatus: () => never() }, adapterTimeoutMs: 20 });
    const res = await handler.handle({ server: 'commerce', caller: { principalArn: role('inventory-agent') }, request: post('tools/list') });
    expect(res.status).toBe(403);
    expect(audit.events).toHaveLength(1);
    expect(outcome(audit.events[0]!)).toBe('status_unavailable');
  });

  it.each(['tools/list', 'tools/call'])('answers %s, not a 504, when the rate-limit store hangs, and audits it once', async (method) => {
    const { handler, audit } = setup({ rateLimiter: { take: () => never() }, adapterTimeoutMs: 20 });
    const params = method === 'tools/call' ? { name: 'search_products', arguments: {} } : {};
    const res = await handler.handle({ server: 'commerce', caller: { principalArn: role('inventory-agent') }, request: post(method, params) });
    expect(res.status).not.toBe(504);
    expect(audit.events).toHaveLength(1);
    expect(outcome(audit.events[0]!)).toBe('rate_limiter_unavailable');
  });

  it('audits a request the handler abandons at its deadline, once', async () => {
    let release!: () => void;
    const slow: RateLimiter = { take: () => new Promise((done) => (release = () => done({ allowed: true, remaining: 1, retryAfterSeconds: 0 }))) };
    const { handler, audit } = setup({ rateLimiter: slow, adapterTimeoutMs: 60_000, deadlineMs: 1 });
    const res = await handler.handle({ server: 'commerce', caller: { principalArn: role('inventory-agent') }, request: post('tools/call', { name: 'search_products', arguments: {} }) });
    expect(res.status).toBe(504);
    expect(audit.events).toHaveLength(1);
    expect((audit.events[0]!.unmapped as { decision: string }).decision).toBe('error');
    release();
    await new Promise((r) => setTimeout(r, 50));
    expect(audit.events).toHaveLength(1);
  });
});
