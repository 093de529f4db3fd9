/**
 * One audit event per request, whatever the request: protocol requests (initialize,
 * tools/list, ping, notifications), tool calls allowed or refused, and malformed input.
 */
import { startDevServer, type DevServer } from '../../lib/dev';

let dev: DevServer;
beforeAll(async () => {
  dev = await startDevServer({ config: 'warden.config.yaml', port: 0, audit: 'none', log: () => {} });
});
afterAll(() => dev.close());

const post = (body: unknown, agent = 'support-agent') =>
  fetch(dev.urls.commerce!, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', authorization: `Bearer ${dev.tokens[agent]}` },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });

const INITIALIZE = { jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'audit-test', version: '1' } } };

it.each([
  ['initialize', INITIALIZE],
  ['notifications/initialized', { jsonrpc: '2.0', method: 'notifications/initialized' }],
  ['tools/list', { jsonrpc: '2.0', id: 2, method: 'tools/list' }],
  ['ping', { jsonrpc: '2.0', id: 3, method: 'ping' }],
  ['an allowed tools/call', { jsonrpc: '2.0', id: 4, method: 'tools/call', params: { name: 'search_products', arguments: { query: 'lamp' } } }],
  ['a forbidden tools/call', { jsonrpc: '2.0', id: 5, method: 'tools/call', params: { name: 'update_price', arguments: {} } }],
  ['a nonexistent tool', { jsonrpc: '2.0', id: 6, method: 'tools/call', params: { name: 'drop_tables', arguments: {} } }],
  ['malformed JSON', '{"jsonrpc": "2.0", "id": 7, "method": "tools/li'],
  ['a batch', [{ jsonrpc: '2.0', id: 8, method: 'ping' }]],
])('leaves exactly one audit event for %s', async (_what, body) => {
  const before = dev.auditEvents.length;
  const res = await post(body);
  await res.text();
  expect(res.status).toBeLessThan(500);
  const events = dev.auditEvents.slice(before) as Array<{ class_uid: number; unmapped: { agent?: string; request_id: string } }>;
  expect(events).toHaveLength(1);
  expect(events[0]!.class_uid).toBe(6003);
});

it('names the agent in the audit event of a protocol request', async () => {
  const before = dev.auditEvents.length;
  await (await post({ jsonrpc: '2.0', id: 9, method: 'tools/list' }, 'inventory-agent')).text();
  const [event] = dev.auditEvents.slice(before) as Array<{ actor: { user: { name: string } }; api: { operation: string } }>;
  expect(event!.actor.user.name).toBe('inventory-agent');
  expect(event!.api.operation).toBe('tools/list');
});
