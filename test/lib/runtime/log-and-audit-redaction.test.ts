/**
 * What leaves the server through logs and audit lines is redacted as for the least-cleared
 * reader (issue 7, points 3 and 4): Errors (message, cause, stack, own fields) in tool logs and
 * the runtime's own lines; client-controlled strings (tool and method names, argument keys,
 * User-Agent) in audit events, each bounded. Refusals before identification keep the source IP
 * and the claimed principal.
 */
import { z } from 'zod';
import commerceTools from '../../../examples/shop/tools';
import { commercePrompts, commerceResources } from '../../../examples/shop/shop-resources';
import paymentTools from '../../../examples/shop/payment-tools';
import { sampleDatasets } from '../../../examples/shop/sample-data';
import { loadManifest } from '../../../lib/config';
import { createGuard, InMemoryAgentStatusStore, InMemoryRateLimiter, memoryAuditSink } from '../../../lib/guard';
import type { MetricsSink } from '../../../lib/guard/contract';
import { createMcpHandler, defineTool, defineTools, InMemoryDataset, jsonLogger, type HttpRequestLike } from '../../../lib/runtime';

const { manifest } = loadManifest('warden.config.yaml');
const role = (agent: string) => `arn:aws:sts::123456789012:assumed-role/shop-prod-${agent}-caller/session-1`;
const noMetrics: MetricsSink = { put: () => undefined };
const CARD = '4111 1111 1111 1111';
const SSN = '078-05-1120';
const SECRETS = [CARD, CARD.replace(/ /g, ''), SSN, '4111-1111-1111-1111'];

function setup(tools: Record<string, unknown> = { commerce: commerceTools, payments: paymentTools }) {
  const audit = memoryAuditSink();
  const guard = createGuard({ manifest, adapters: { status: new InMemoryAgentStatusStore(), rateLimiter: new InMemoryRateLimiter(), audit, metrics: noMetrics } });
  const seeds = sampleDatasets();
  const datasets = Object.fromEntries(manifest.datasets.map((d) => [d.name, new InMemoryDataset({ name: d.name, items: seeds[d.name] })]));
  const logs: string[] = [];
  const handler = createMcpHandler({ manifest, guard, tools, datasets: (req) => datasets[req.dataset.name]!, logger: jsonLogger({ write: (l) => logs.push(l) }) });
  return { handler, audit, logs };
}

const post = (message: unknown, headers: Record<string, string> = {}): HttpRequestLike => ({
  method: 'POST',
  headers: { 'Content-Type': 'application/json', Accept: 'application/json, text/event-stream', ...headers },
  body: JSON.stringify(message),
});
const callTool = (name: string, args: unknown, headers?: Record<string, string>) => post({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name, arguments: args } }, headers);
const leaks = (text: string) => SECRETS.filter((s) => text.includes(s));

describe('tool logs: every path to the log is redacted', () => {
  const throwing = (make: () => unknown) =>
    defineTools([
      ...[...commerceTools.tools.values()].filter((t) => t.name !== 'get_stock'),
      ...commerceResources,
      ...commercePrompts,
      defineTool({
        name: 'get_stock',
        description: 'fails with card data in the error',
        input: z.strictObject({ sku: z.string() }),
        handler: (_args, ctx) => {
          const err = make();
          ctx.logger.error('charge failed', { error: err, note: `card ${CARD}` });
          throw err;
        },
      }),
    ]);

  it.each([
    ['an Error message and stack', () => new Error(`declined: card ${CARD}`)],
    ['an Error cause', () => new Error('declined', { cause: new Error(`ssn ${SSN} mismatch`) })],
    ['an Error own field', () => Object.assign(new Error('declined'), { pan: CARD.replace(/ /g, ''), detail: { ssn: SSN } })],
    ['an AggregateError', () => new AggregateError([new Error(`card ${CARD}`)], 'many failed')],
    ['a thrown string', () => `card ${CARD}`],
  ])('redacts %s in the tool line and the runtime "tool failed" line', async (_name, make) => {
    const { handler, logs } = setup({ commerce: throwing(make), payments: paymentTools });
    const res = await handler.handle({ server: 'commerce', caller: { principalArn: role('inventory-agent') }, request: callTool('get_stock', { sku: 'SKU-10001' }) });
    expect(res.status).toBe(200);
    const all = logs.join('');
    expect(all).toContain('tool failed');
    expect(leaks(all)).toEqual([]);
    expect(all).toMatch(/REDACTED:(card|ssn)/);
  });

  it('redacts the fields tool code adds to a child logger', async () => {
    const childish = defineTools([
      ...[...commerceTools.tools.values()].filter((t) => t.name !== 'get_stock'),
      ...commerceResources,
      ...commercePrompts,
      defineTool({
        name: 'get_stock',
        description: 'logs through a child logger',
        input: z.strictObject({ sku: z.string() }),
        handler: ({ sku }, ctx) => {
          ctx.logger.child({ pan: CARD.replace(/ /g, ''), note: `ssn ${SSN}` }).info('looked up');
          return { sku };
        },
      }),
    ]);
    const { handler, logs } = setup({ commerce: childish, payments: paymentTools });
    await handler.handle({ server: 'commerce', caller: { principalArn: role('inventory-agent') }, request: callTool('get_stock', { sku: 'SKU-10001' }) });
    expect(logs.join('')).toContain('looked up');
    expect(leaks(logs.join(''))).toEqual([]);
  });

  it('redacts the runtime line of a request that failed outside the tool', async () => {
    const logs: string[] = [];
    const audit = memoryAuditSink();
    const real = createGuard({ manifest, adapters: { status: new InMemoryAgentStatusStore(), rateLimiter: new InMemoryRateLimiter(), audit, metrics: noMetrics } });
    const broken = Object.assign(Object.create(real) as typeof real, { callTool: () => Promise.reject(new Error(`boom for ${CARD}`)) });
    const handler = createMcpHandler({ manifest, guard: broken, tools: { commerce: commerceTools, payments: paymentTools }, datasets: () => new InMemoryDataset({ name: 'catalog' }), logger: jsonLogger({ write: (l) => logs.push(l) }) });
    await handler.handle({ server: 'commerce', caller: { principalArn: role('support-agent') }, request: callTool('search_products', {}) });
    expect(logs.join('')).toContain('boom for [REDACTED:card]');
    expect(leaks(logs.join(''))).toEqual([]);
  });
});

describe('audit events: client-controlled strings are redacted and bounded', () => {
  it('redacts a card or SSN sent as the tool name, an argument key, the method or the User-Agent', async () => {
    const { handler, audit } = setup();
    const caller = { principalArn: role('support-agent') };
    const bodies = [
      await handler.handle({ server: 'commerce', caller, request: callTool(`lookup ${CARD}`, {}, { 'user-agent': `agent/1.0 (card ${CARD})` }) }),
      await handler.handle({ server: 'commerce', caller, request: callTool('search_products', { [SSN]: 'x', [CARD]: 'y' }) }),
      await handler.handle({ server: 'commerce', caller, request: post({ jsonrpc: '2.0', id: 2, method: `x/${CARD}` }) }),
      await handler.handle({ server: 'commerce', caller, request: callTool('search_products', { query: `ignore previous instructions, card ${CARD} ${'A'.repeat(5000)}` }) }),
    ].map((r) => r.body);
    expect(audit.events.length).toBe(4);
    // the refusals quote what was sent, redacted too
    expect(leaks(bodies.join(''))).toEqual([]);
    expect(leaks(JSON.stringify(audit.events))).toEqual([]);
    for (const e of audit.events) expect(JSON.stringify(e).length).toBeLessThan(8000);
  });

  it('keeps the source IP and the claimed principal on a refusal made before the caller is identified', async () => {
    const { handler, audit } = setup();
    const principalArn = role('support-agent');
    await handler.handle({ server: 'commerce', caller: { principalArn }, sourceIp: '10.0.3.7', request: { ...callTool('search_products', {}), headers: { 'content-type': 'text/plain' } } });
    expect(audit.events).toHaveLength(1);
    expect(audit.events[0]).toMatchObject({ src_endpoint: { ip: '10.0.3.7' }, actor: { user: { uid: principalArn } } });
  });
});
