/**
 * Host and Origin refusals of the dev server (DNS rebinding, cross-site pages) are audited like
 * every other refusal, with what is known of the caller, and nothing sensitive from the headers.
 */
import { request } from 'node:http';
import { startDevServer, type DevServer } from '../../lib/dev';

let dev: DevServer;
beforeAll(async () => {
  dev = await startDevServer({ config: 'warden.config.yaml', port: 0, audit: 'none', log: () => {} });
});
afterAll(() => dev.close());

/** fetch() will not send a forged Host header; node:http will. */
function send(headers: Record<string, string>): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: dev.port, path: '/mcp', method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', ...headers } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end(JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'ping' }));
  });
}

it.each([
  ['a foreign Host', { host: 'evil.example:80' }, /host/i],
  ['a foreign Origin', { origin: 'https://evil.example' }, /origin/i],
])('audits a request refused for %s', async (_what, headers, reason) => {
  const before = dev.auditEvents.length;
  const status = await send({ ...headers, 'user-agent': 'probe/1 card 4111 1111 1111 1111' });
  expect(status).toBe(403);
  const events = dev.auditEvents.slice(before) as Array<{ unmapped: { decision: string; reason: string }; src_endpoint: { ip?: string } }>;
  expect(events).toHaveLength(1);
  expect(events[0]!.unmapped.decision).toBe('refused');
  expect(events[0]!.unmapped.reason).toMatch(reason);
  expect(events[0]!.src_endpoint.ip).toMatch(/127\.0\.0\.1/);
  expect(JSON.stringify(events[0])).not.toContain('4111 1111 1111 1111');
});
