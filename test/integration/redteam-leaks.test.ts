/**
 * Independent leak check (issue 7): a server whose code puts a card number, an SSN and an IBAN
 * in every shape a response can take (test/fixtures/redteam), read through the dev server by
 * the real MCP SDK v2 client under both revisions by an agent cleared for none of them. What
 * goes over the wire (every response byte), the audit events and the log lines must not
 * carry any of them in any spelling a reader can undo (separators, digit scripts, percent- or
 * HTML-encoding, JSON escapes, groups split over array items).
 */
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { startDevServer, type DevServer } from '../../lib/dev';
import { SECRETS, SHAPES } from '../fixtures/redteam/leaky-server';
import { exposedSecrets } from '../fixtures/redteam/exposed-secrets';

const HIDDEN = [SECRETS.card, SECRETS.ssn, SECRETS.iban];
const CARD = '4111 1111 1111 1111';

let dev: DevServer;
const logs: string[] = [];
const wire: string[] = [];
const recordingFetch: typeof fetch = async (input, init) => {
  const response = await fetch(input, init);
  wire.push(`${JSON.stringify([...response.headers])}\n${await response.clone().text()}`);
  return response;
};

beforeAll(async () => {
  dev = await startDevServer({ config: 'test/fixtures/redteam/warden.config.yaml', port: 0, audit: 'none', log: (line) => logs.push(line), agent: 'reader' });
});
afterAll(async () => dev.close());

async function connect(modern: boolean): Promise<Client> {
  const client = new Client({ name: 'red-team', version: '1.0.0' }, { capabilities: { elicitation: {} }, ...(modern ? { versionNegotiation: { mode: { pin: '2026-07-28' } } } : {}) } as never);
  client.setRequestHandler('elicitation/create' as never, (async () => ({ action: 'accept', content: { ok: true } })) as never);
  await client.connect(new StreamableHTTPClientTransport(new URL(dev.url), { fetch: recordingFetch }));
  return client;
}

/** Everything that left the server while `act` ran: response headers and bodies, audit events, log lines. */
async function leftTheServer(act: () => Promise<unknown>): Promise<{ wire: string; audit: string; logs: string }> {
  wire.length = 0;
  const audit0 = dev.auditEvents.length;
  const logs0 = logs.length;
  await act().catch(() => undefined);
  return { wire: wire.join('\n'), audit: JSON.stringify(dev.auditEvents.slice(audit0)), logs: logs.slice(logs0).join('\n') };
}

const PROBES: Array<[string, (c: Client) => Promise<unknown>]> = [
  ...Object.keys(SHAPES).map((shape): [string, (c: Client) => Promise<unknown>] => [`tools/call, result shape ${shape}`, (c) => c.callTool({ name: 'leak', arguments: { shape } })]),
  ['tools/call, a tool that throws (log line)', (c) => c.callTool({ name: 'fail', arguments: {} })],
  ['tools/call, input_required (requests and the sealed state)', (c) => c.callTool({ name: 'ask', arguments: {} })],
  ['resources/read', (c) => c.readResource({ uri: 'rec://records/7' })],
  ['resources/read of a URI carrying a card', (c) => c.readResource({ uri: `rec://records/${SECRETS.card}` })],
  ['resources/read of an unknown URI carrying a card', (c) => c.readResource({ uri: `rec://nope/${CARD}` })],
  ['prompts/get (description and messages)', (c) => c.getPrompt({ name: 'review', arguments: { id: '7' } })],
  ['prompts/get of an unknown prompt named with a card', (c) => c.getPrompt({ name: `review ${CARD}`, arguments: {} })],
  ['prompts/get with an argument key carrying a card', (c) => c.getPrompt({ name: 'review', arguments: { id: '7', [CARD]: 'x' } })],
  ['completion/complete of a template variable', (c) => c.complete({ ref: { type: 'ref/resource', uri: 'rec://records/{id}' }, argument: { name: 'id', value: '' } })],
  ['completion/complete of a prompt argument', (c) => c.complete({ ref: { type: 'ref/prompt', name: 'review' }, argument: { name: 'id', value: '' } })],
  ['tools/call of a tool named with a glued card', (c) => c.callTool({ name: `leak-${SECRETS.card}`, arguments: {} })],
  ['tools/call with an argument key carrying an SSN', (c) => c.callTool({ name: 'leak', arguments: { shape: 'x', [SECRETS.ssn]: 1 } })],
];

describe.each([
  ['2025-11-25', false],
  ['2026-07-28', true],
])('nothing hidden leaves the dev server (%s)', (_revision, modern) => {
  let client: Client;
  beforeAll(async () => {
    client = await connect(modern);
  });
  afterAll(async () => client.close());

  it.each(PROBES)('%s', async (_name, act) => {
    const out = await leftTheServer(() => act(client));
    expect({ wire: exposedSecrets(out.wire, HIDDEN), audit: exposedSecrets(out.audit, HIDDEN), logs: exposedSecrets(out.logs, HIDDEN) }).toEqual({ wire: [], audit: [], logs: [] });
  });
});

/** Requests the SDK client would not send: hostile method names, headers and envelopes, as raw HTTP. */
describe('nothing hidden leaves the dev server in refusals of raw requests', () => {
  const rpc = (method: string, params: unknown = {}) => JSON.stringify({ jsonrpc: '2.0', id: 1, method, params });
  const RAW: Array<[string, string, Record<string, string>]> = [
    ['an unknown method carrying a card', rpc(`tools/${CARD}`), {}],
    ['an unknown method with a glued card', rpc(`x/card${SECRETS.card}`), {}],
    ['an unsupported MCP-Protocol-Version header carrying a card', rpc('ping'), { 'mcp-protocol-version': `2025 ${CARD}` }],
    ['a Content-Encoding carrying a glued card', rpc('ping'), { 'content-encoding': `x-${SECRETS.card}` }],
    ['a User-Agent carrying a card', rpc('ping'), { 'user-agent': `bot ${CARD}` }],
    ['an unknown notification carrying a card', JSON.stringify({ jsonrpc: '2.0', method: `notifications/${CARD}` }), {}],
    ['a completion value carrying a card', rpc('completion/complete', { ref: { type: 'ref/prompt', name: 'review' }, argument: { name: 'id', value: CARD } }), {}],
  ];
  it.each(RAW)('%s', async (_name, body, headers) => {
    const out = await leftTheServer(async () => {
      const response = await fetch(dev.url, { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', 'mcp-protocol-version': '2025-11-25', ...headers }, body });
      wire.push(`${JSON.stringify([...response.headers])}\n${await response.text()}`);
    });
    expect({ wire: exposedSecrets(out.wire, HIDDEN), audit: exposedSecrets(out.audit, HIDDEN), logs: exposedSecrets(out.logs, HIDDEN) }).toEqual({ wire: [], audit: [], logs: [] });
  });
});

/** Paths: a server name the client made up is quoted in the refusal, which is audited like any request. */
describe('nothing hidden leaves the dev server in refusals of unknown paths, and each is audited once', () => {
  it.each([
    ['an unknown server named with a card', `/mcp/${encodeURIComponent(CARD)}`],
    ['an unknown server named with a glued card', `/mcp/x-${SECRETS.card}`],
    ['a path outside /mcp carrying a card', `/${SECRETS.card}`],
  ])('%s', async (_name, path) => {
    const out = await leftTheServer(async () => {
      const response = await fetch(new URL(path, dev.url), { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' }, body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'ping' }) });
      wire.push(`${response.status}\n${await response.text()}`);
    });
    expect(out.wire).toMatch(/^404/);
    expect({ wire: exposedSecrets(out.wire, HIDDEN), audit: exposedSecrets(out.audit, HIDDEN) }).toEqual({ wire: [], audit: [] });
    expect(JSON.parse(out.audit)).toHaveLength(1);
  });
});

