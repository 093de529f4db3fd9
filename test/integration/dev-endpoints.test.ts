/**
 * Which path a request takes into the dev server, and what it gets back. `/mcp` and
 * `/mcp/<server>` with a loopback Host and an allowed (or no) Origin are served without
 * Express; every other request goes through the Express app. Both answer the same way: the
 * status, the exact set of response headers and the body below are what the server answered
 * when every request went through Express.
 */
import { request } from 'node:http';
import { startDevServer, type DevServer } from '../../lib/dev';

let dev: DevServer;
beforeAll(async () => {
  dev = await startDevServer({ config: 'warden.config.yaml', port: 0, audit: 'none', log: () => {} });
});
afterAll(() => dev.close());

const LIST = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' });

/** node:http, so a forged Host and any method can be sent. */
function send(method: string, path: string, headers: Record<string, string> = {}, body?: string): Promise<{ status: number; headers: string[]; body: string }> {
  const all: Record<string, string> = {
    host: `127.0.0.1:${dev.port}`,
    'content-type': 'application/json',
    accept: 'application/json, text/event-stream',
    authorization: `Bearer ${dev.tokens['support-agent']}`,
    'mcp-protocol-version': '2025-11-25',
    ...headers,
  };
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: dev.port, method, path, headers: all }, (res) => {
      let text = '';
      res.on('data', (chunk) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: Object.keys(res.headers).filter((h) => h !== 'date' && h !== 'connection' && h !== 'keep-alive').sort(), body: text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

const MCP_HEADERS = ['cache-control', 'content-length', 'content-type'];
/** Refusals written by the Express app (`res.json`). */
const APP_HEADERS = ['content-length', 'content-type'];

type Row = [name: string, method: string, path: string, headers: Record<string, string>, status: number, headerNames: readonly string[], body: RegExp, sent?: string | null];

it.each<Row>([
  ['POST /mcp (the first server)', 'POST', '/mcp', {}, 200, MCP_HEADERS, /"tools":\[\{"name":"search_products"/],
  ['POST /mcp/commerce', 'POST', '/mcp/commerce', {}, 200, MCP_HEADERS, /"tools":\[\{"name":"search_products"/],
  ['a query string (ignored)', 'POST', '/mcp/commerce?debug=1', {}, 200, MCP_HEADERS, /"tools":\[/],
  ['a percent-encoded server name (decoded by Express)', 'POST', '/mcp/%63ommerce', {}, 200, MCP_HEADERS, /"tools":\[\{"name":"search_products"/],
  ['an allowed Origin', 'POST', '/mcp/commerce', { origin: 'http://localhost:PORT' }, 200, MCP_HEADERS, /"tools":\[/],
  ['GET', 'GET', '/mcp', {}, 405, ['allow', ...MCP_HEADERS], /accepts POST only/, null],
  ['a wrong bearer token', 'POST', '/mcp/commerce', { authorization: 'Bearer wrong' }, 401, ['content-length', 'content-type', 'www-authenticate'], /invalid bearer token/],
  ['an unknown server', 'POST', '/mcp/nope', {}, 404, MCP_HEADERS, /Unknown MCP server \\"nope\\"/],
  ['a foreign Origin', 'POST', '/mcp/commerce', { origin: 'http://evil.example' }, 403, APP_HEADERS, /Forbidden Origin/],
  ['a foreign Host', 'POST', '/mcp/commerce', { host: 'evil.example' }, 403, APP_HEADERS, /-32000/],
  ['/mcp/ (strict routing)', 'POST', '/mcp/', {}, 404, APP_HEADERS, /Not found: the MCP endpoints are/],
  ['/MCP (case-sensitive routing)', 'POST', '/MCP', {}, 404, APP_HEADERS, /Not found: the MCP endpoints are/],
  ['a body that is not JSON', 'POST', '/mcp/commerce', {}, 400, MCP_HEADERS, /-32700/, '{oops'],
])('%s', async (_name, method, path, headers, status, headerNames, body, sent = LIST) => {
  const withPort = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, v.replace('PORT', String(dev.port))]));
  const res = await send(method, path, withPort, sent ?? undefined);
  expect(res.status).toBe(status);
  expect(res.headers).toEqual(headerNames);
  expect(res.body).toMatch(body);
});

it('audits an MCP request served without Express once, like any other', async () => {
  const before = dev.auditEvents.length;
  await send('POST', '/mcp/commerce', {}, LIST);
  expect(dev.auditEvents.length - before).toBe(1);
});
