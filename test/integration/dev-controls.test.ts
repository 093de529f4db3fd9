/**
 * Controls that need their own server: rate limits (a test manifest with a low limit), the
 * kill switch, the request deadline, unknown callers, --agent and invalid tokens.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import commerceTools from '../../examples/shop/tools';
import { commercePrompts, commerceResources } from '../../examples/shop/shop-resources';
import paymentTools from '../../examples/shop/payment-tools';
import { sampleData } from '../../examples/shop/sample-data';
import { loadManifest } from '../../lib/config';
import { startDevServer, type DevServer } from '../../lib/dev';
import { defineTool, defineTools } from '../../lib/runtime';
import { connectAgent } from '../lib/dev/mcp-client-fixture';

const data = sampleData();
const { manifest } = loadManifest('warden.config.yaml');
const servers: DevServer[] = [];
const start = async (options: Parameters<typeof startDevServer>[0]) => {
  const dev = await startDevServer({ port: 0, audit: 'none', log: () => {}, ...options });
  servers.push(dev);
  return dev;
};
afterAll(() => Promise.all(servers.map((s) => s.close())));

const rawPost = (url: string, body: unknown, headers: Record<string, string> = {}) =>
  fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', ...headers }, body: JSON.stringify(body) });

it('refuses calls over the agent rate limit with an error that says when to retry', async () => {
  const limited = { ...manifest, agents: manifest.agents.map((a) => (a.name === 'support-agent' ? { ...a, rateLimit: { perMinute: 3 } } : a)) };
  const dev = await start({ manifest: limited });
  const client = await connectAgent(dev.urls.commerce!, dev.tokens['support-agent']);
  const results = [];
  for (let i = 0; i < 5; i++) results.push(await client.call('get_order', { orderId: data.orders[i]!.id }));
  await client.close();
  // Windows are wall-clock minutes: if the test straddles a minute boundary, one more call gets through.
  const refused = results.filter((r) => r.isError);
  expect(refused.length).toBeGreaterThanOrEqual(1);
  expect(refused[0]!.text).toMatch(/rate limit/i);
  expect(results.slice(0, 3).some((r) => !r.isError)).toBe(true);
});

it('contains an agent through the status store within 5 seconds, and audits the refusal', async () => {
  const dev = await start({ config: 'warden.config.yaml' });
  const client = await connectAgent(dev.urls.commerce!, dev.tokens['support-agent']);
  expect((await client.call('get_order', { orderId: data.orders[0]!.id })).isError).toBe(false);
  dev.status.contain('support-agent');
  const started = Date.now();
  let status = 0;
  while (Date.now() - started < 6_000) {
    const res = await rawPost(dev.urls.commerce!, { jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'get_order', arguments: { orderId: data.orders[0]!.id } } }, { authorization: `Bearer ${dev.tokens['support-agent']}` });
    status = res.status;
    if (status === 403) {
      expect(await res.json()).toMatchObject({ jsonrpc: '2.0', id: 1, error: { message: expect.stringMatching(/contained/) } });
      break;
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  expect(status).toBe(403);
  expect(Date.now() - started).toBeLessThan(5_500);
  expect(JSON.stringify(dev.auditEvents)).toMatch(/contain/);
  // other agents are unaffected
  const other = await connectAgent(dev.urls.commerce!, dev.tokens['inventory-agent']);
  expect(await other.toolNames()).toContain('get_stock');
  await Promise.all([client.close(), other.close()]);
});

it('answers a hung tool with an error at the deadline instead of hanging', async () => {
  const hung = defineTools([
    ...[...commerceTools.tools.values()].filter((t) => t.name !== 'get_stock'),
    ...commerceResources,
    ...commercePrompts,
    defineTool({ name: 'get_stock', description: 'never returns', input: z.strictObject({ sku: z.string() }), handler: () => new Promise(() => {}) }),
  ]);
  const dev = await start({ config: 'warden.config.yaml', tools: { commerce: hung, payments: paymentTools }, deadlineMs: 500 });
  const client = await connectAgent(dev.urls.commerce!, dev.tokens['inventory-agent']);
  const started = Date.now();
  const result = await client.call('get_stock', { sku: 'SKU-10001' });
  expect(Date.now() - started).toBeLessThan(3_000);
  expect(result).toMatchObject({ isError: true, text: expect.stringMatching(/deadline|timed out/) });
  // the server keeps serving
  expect(await client.toolNames()).toContain('get_stock');
  await client.close();
});

it('appends one JSON audit line per request to the --audit file', async () => {
  const file = join(mkdtempSync(join(tmpdir(), 'warden-audit-')), 'audit.jsonl');
  const dev = await startDevServer({ config: 'warden.config.yaml', port: 0, audit: { file }, log: () => {} });
  const client = await connectAgent(dev.urls.commerce!, dev.tokens['support-agent']);
  await client.call('get_order', { orderId: data.orders[0]!.id });
  await client.close();
  await dev.close();
  const events = readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
  expect(events.length).toBe(dev.auditEvents.length);
  expect(JSON.stringify(events)).toContain('get_order');
});

it('refuses to start when tool code and manifest disagree, naming the tool', async () => {
  const missing = defineTools([...commerceTools.tools.values()].filter((t) => t.name !== 'get_customer'));
  await expect(startDevServer({ config: 'warden.config.yaml', port: 0, audit: 'none', tools: { commerce: missing, payments: paymentTools } })).rejects.toThrow(/"get_customer".*not defined/);
});

describe('identity', () => {
  let dev: DevServer;
  beforeAll(async () => {
    dev = await start({ config: 'warden.config.yaml', agent: 'pricing-agent' });
  });

  it('lets calls without a token act as the --agent', async () => {
    const client = await connectAgent(dev.url);
    expect(await client.toolNames()).toEqual(['search_products', 'update_price']);
    await client.close();
  });

  it('still identifies a valid bearer token as its own agent', async () => {
    const client = await connectAgent(dev.url, dev.tokens['support-agent']);
    expect(await client.toolNames()).toContain('get_customer');
    await client.close();
  });

  it('answers an invalid bearer token with 401 even when --agent is set', async () => {
    const res = await rawPost(dev.url, { jsonrpc: '2.0', id: 1, method: 'tools/list' }, { authorization: 'Bearer wdev_not-a-real-token' });
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toMatch(/^Bearer/);
    expect(await res.json()).toMatchObject({ jsonrpc: '2.0', error: { code: -32000 } });
  });

  it('answers callers without identity with 403 when no --agent is set', async () => {
    const strict = await start({ config: 'warden.config.yaml' });
    const res = await rawPost(strict.url, { jsonrpc: '2.0', id: 'x', method: 'tools/list' });
    expect(res.status).toBe(403);
    expect(await res.json()).toMatchObject({ id: 'x', error: { message: expect.stringMatching(/not an agent/) } });
  });

  it('rejects an unknown --agent at start with the list of agents', async () => {
    await expect(startDevServer({ config: 'warden.config.yaml', port: 0, audit: 'none', agent: 'ghost-agent' })).rejects.toThrow(/inventory-agent/);
  });
});
