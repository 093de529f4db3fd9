/**
 * The transport-neutral handler with the real guard, called as the Lambda will call it:
 * an HTTP-shaped request plus the caller's IAM principal.
 */
import { z } from 'zod';
import commerceTools from '../../../examples/shop/tools';
import { commercePrompts, commerceResources } from '../../../examples/shop/shop-resources';
import paymentTools, { paymentResources } from '../../../examples/shop/payment-tools';
import { sampleData, sampleDatasets } from '../../../examples/shop/sample-data';
import { loadManifest } from '../../../lib/config';
import { createGuard, InMemoryAgentStatusStore, InMemoryRateLimiter, memoryAuditSink } from '../../../lib/guard';
import type { MetricsSink } from '../../../lib/guard/contract';
import { createMcpHandler, defineTool, defineTools, InMemoryDataset, jsonLogger, type DatasetRequest, type HttpRequestLike } from '../../../lib/runtime';

const { manifest } = loadManifest('warden.config.yaml');
const data = sampleData();
const role = (agent: string) => `arn:aws:sts::123456789012:assumed-role/shop-prod-${agent}-caller/session-1`;
const noMetrics: MetricsSink = { put: () => undefined };

function setup(tools: Record<string, unknown> = { commerce: commerceTools, payments: paymentTools }) {
  const audit = memoryAuditSink();
  const status = new InMemoryAgentStatusStore();
  const guard = createGuard({ manifest, adapters: { status, rateLimiter: new InMemoryRateLimiter(), audit, metrics: noMetrics } });
  const seeds = sampleDatasets();
  const datasets = Object.fromEntries(manifest.datasets.map((d) => [d.name, new InMemoryDataset({ name: d.name, items: seeds[d.name] })]));
  const asked: DatasetRequest[] = [];
  const logs: string[] = [];
  const handler = createMcpHandler({
    manifest,
    guard,
    tools,
    datasets: (req) => {
      asked.push(req);
      return datasets[req.dataset.name]!;
    },
    logger: jsonLogger({ write: (l) => logs.push(l) }),
  });
  return { handler, audit, status, asked, logs, datasets };
}

const post = (message: unknown, headers: Record<string, string> = {}): HttpRequestLike => ({
  method: 'POST',
  headers: { 'Content-Type': 'application/json', Accept: 'application/json, text/event-stream', ...headers },
  body: JSON.stringify(message),
});
const callTool = (name: string, args: unknown) => post({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name, arguments: args } });

describe('createMcpHandler', () => {
  it('identifies a Lambda caller by its IAM role and lists only its tools', async () => {
    const { handler } = setup();
    const res = await handler.handle({ server: 'commerce', caller: { principalArn: role('pricing-agent') }, request: post({ jsonrpc: '2.0', id: 1, method: 'tools/list' }) });
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body).result.tools.map((t: { name: string }) => t.name)).toEqual(['search_products', 'update_price']);
  });

  it('refuses an unknown IAM principal with 403 and a JSON-RPC error', async () => {
    const { handler } = setup();
    const res = await handler.handle({ server: 'commerce', caller: { principalArn: 'arn:aws:sts::123456789012:assumed-role/intruder/x' }, request: post({ jsonrpc: '2.0', id: 9, method: 'tools/list' }) });
    expect(res.status).toBe(403);
    expect(JSON.parse(res.body)).toMatchObject({ jsonrpc: '2.0', id: 9, error: { code: -32000 } });
  });

  it('refuses a contained agent with 403 before any tool runs, and audits it', async () => {
    const { handler, status, audit, asked } = setup();
    status.contain('fraud-agent');
    const res = await handler.handle({ server: 'payments', caller: { principalArn: role('fraud-agent') }, request: callTool('get_payment', { orderId: data.orders[0]!.id }) });
    expect(res.status).toBe(403);
    expect(asked).toHaveLength(0);
    expect(JSON.stringify(audit.events)).toMatch(/contained/);
  });

  it("asks the dataset factory for exactly the tool's dataset, on behalf of the agent", async () => {
    const { handler, asked } = setup();
    await handler.handle({ server: 'commerce', caller: { principalArn: role('support-agent') }, request: callTool('get_customer', { customerId: data.customers[0]!.id }) });
    expect(asked.map((a) => [a.agent.name, a.tool.name, a.dataset.name])).toEqual([['support-agent', 'get_customer', 'customers']]);
  });

  it('gives a read tool a dataset whose writes fail, with a message naming the fix', async () => {
    const sneaky = defineTools([
      ...[...commerceTools.tools.values()].filter((t) => t.name !== 'get_stock'),
      ...commerceResources,
      ...commercePrompts,
      defineTool({ name: 'get_stock', description: 'tries to write', input: z.strictObject({ sku: z.string() }), handler: async ({ sku }, ctx) => ctx.dataset.update(sku, { warehouses: {} }) }),
    ]);
    const { handler, datasets } = setup({ commerce: sneaky, payments: paymentTools });
    const sku = data.stock[0]!;
    const res = await handler.handle({ server: 'commerce', caller: { principalArn: role('inventory-agent') }, request: callTool('get_stock', { sku: sku.id }) });
    expect(JSON.parse(res.body).result).toMatchObject({ isError: true, content: [{ text: expect.stringMatching(/read access to dataset "inventory".*access: write/) }] });
    expect(await datasets.inventory!.get(sku.id)).toMatchObject({ warehouses: sku.warehouses });
  });

  it('hides a crashing tool behind a generic message and logs the details with the request id', async () => {
    const crashing = defineTools([
      ...[...commerceTools.tools.values()].filter((t) => t.name !== 'get_stock'),
      ...commerceResources,
      ...commercePrompts,
      defineTool({ name: 'get_stock', description: 'crashes', input: z.strictObject({ sku: z.string() }), handler: () => { throw new Error('connect ECONNREFUSED /var/run/secret.sock'); } }),
    ]);
    const { handler, logs } = setup({ commerce: crashing, payments: paymentTools });
    const res = await handler.handle({ server: 'commerce', requestId: 'req-42', caller: { principalArn: role('inventory-agent') }, request: callTool('get_stock', { sku: 'SKU-10001' }) });
    expect(res.status).toBe(200);
    expect(res.body).not.toMatch(/ECONNREFUSED|secret\.sock/);
    expect(JSON.parse(res.body).result.content[0].text).toContain('req-42');
    expect(logs.join('')).toMatch(/"requestId":"req-42".*ECONNREFUSED/);
  });

  it('passes an error the SDK made from a throwing guard on as "Internal error (request id)", logging the original', async () => {
    const logs: string[] = [];
    // a handler the SDK runs throws: the SDK would echo the message (here with a path) as -32603
    const audit = memoryAuditSink();
    const real = createGuard({ manifest, adapters: { status: new InMemoryAgentStatusStore(), rateLimiter: new InMemoryRateLimiter(), audit, metrics: noMetrics } });
    const broken = Object.assign(Object.create(real) as typeof real, {
      callTool: () => Promise.reject(new Error('boom in /work/main/lib/guard/guard.ts:42\n    at callTool (/work/main/lib/guard/guard.ts:42:7)')),
    });
    const brokenHandler = createMcpHandler({ manifest, guard: broken, tools: { commerce: commerceTools, payments: paymentTools }, datasets: () => new InMemoryDataset({ name: 'catalog' }), logger: jsonLogger({ write: (l) => logs.push(l) }) });
    const res = await brokenHandler.handle({ server: 'commerce', caller: { principalArn: role('support-agent') }, requestId: 'req-7', request: callTool('search_products', {}) });
    expect(res.status).toBeLessThan(500);
    const body = JSON.parse(res.body);
    expect(body).toMatchObject({ jsonrpc: '2.0', id: 1, error: { code: -32603, message: 'Internal error (request id req-7)' } });
    expect(body.error.data).toBeUndefined();
    expect(res.body).not.toMatch(/\/work\/|guard\.ts| at /);
    expect(logs.join('\n')).toContain('boom in /work/main/lib/guard/guard.ts:42');
  });

  it('accepts the initialized notification with 202 and no body', async () => {
    const { handler } = setup();
    const res = await handler.handle({ server: 'commerce', caller: { principalArn: role('support-agent') }, request: post({ jsonrpc: '2.0', method: 'notifications/initialized' }) });
    expect(res.status).toBe(202);
    expect(res.body).toBe('');
  });

  it('answers an unknown server with 404 listing the servers', async () => {
    const { handler } = setup();
    const res = await handler.handle({ server: 'billing', caller: { principalArn: role('support-agent') }, request: post({ jsonrpc: '2.0', id: 1, method: 'ping' }) });
    expect(res.status).toBe(404);
    expect(JSON.parse(res.body).error.message).toContain('commerce, payments');
  });

  it('refuses to build when the code of a server is missing', () => {
    expect(() => setup({ commerce: commerceTools })).toThrow(/payment-tools.ts: does not default-export defineTools.*server "payments"/);
  });

  it('redacts what tool code logs, as for the least-cleared reader, whatever the agent may see', async () => {
    const payment = data.payments.find((p) => p.card !== undefined)!;
    const card = payment.card!;
    const chatty = defineTools([
      defineTool({
        name: 'get_payment',
        description: 'logs too much',
        input: z.object({ orderId: z.string() }),
        handler: ({ orderId }, ctx) => {
          ctx.logger.info(`paid with ${card.number}, contact bob@example.com`, { record: payment, orderId });
          return { orderId };
        },
      }),
      defineTool({ name: 'flag_payment', description: 'unused', input: z.object({}), handler: () => ({}) }),
      ...paymentResources,
    ]);
    const { handler, logs } = setup({ commerce: commerceTools, payments: chatty });
    // fraud-agent is cleared for restricted data: its answer may carry cards, its logs may not
    const res = await handler.handle({ server: 'payments', caller: { principalArn: role('fraud-agent') }, request: callTool('get_payment', { orderId: payment.orderId }) });
    expect(res.status).toBe(200);
    const line = logs.find((l) => l.includes('paid with'))!;
    expect(line).toContain('[REDACTED:card]');
    expect(line).toContain('[REDACTED:email]');
    expect(line).not.toContain(card.number);
    expect(line).not.toContain(card.number.replace(/\s/g, ''));
    expect(line).not.toContain(`"cvv":"${card.cvv}"`);
    expect(JSON.parse(line)).toMatchObject({ agent: 'fraud-agent', tool: 'get_payment', orderId: payment.orderId });
  });
});
