import { Server, WebStandardStreamableHTTPServerTransport } from '@modelcontextprotocol/server';
import { JsonExchangeTransport } from '../../../lib/runtime/json-exchange-transport';

/** A server with a tool that answers, one that reports progress first, one that throws, and tools/list. */
function newServer(): Server {
  const mcp = new Server({ name: 'exchange-test', version: '1.0.0' }, { capabilities: { tools: { listChanged: false } } });
  mcp.setRequestHandler('tools/list', () => ({ tools: [{ name: 'echo', inputSchema: { type: 'object' } }] }));
  mcp.setRequestHandler('tools/call', async (req, ctx) => {
    if (req.params.name === 'boom') throw new Error('tool exploded');
    if (req.params.name === 'chatty') await ctx.mcpReq.notify({ method: 'notifications/message', params: { level: 'info', data: 'working' } });
    return { content: [{ type: 'text', text: JSON.stringify(req.params.arguments ?? {}) }] };
  });
  return mcp;
}

/** The SDK's stateless JSON transport, as the runtime used it for 2025-11-25 requests. */
async function viaSdkTransport(message: Record<string, unknown>): Promise<{ status: number; body: unknown }> {
  const mcp = newServer();
  const transport = new WebStandardStreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: true });
  await mcp.connect(transport);
  const request = new Request('http://localhost/mcp', {
    method: 'POST',
    headers: { accept: 'application/json, text/event-stream', 'content-type': 'application/json', 'mcp-protocol-version': '2025-11-25' },
    body: JSON.stringify(message),
  });
  const response = await transport.handleRequest(request, { parsedBody: message });
  const text = await response.text();
  await mcp.close();
  return { status: response.status, body: text === '' ? undefined : JSON.parse(text) };
}

async function viaExchange(message: Record<string, unknown>): Promise<{ status: number; body: unknown }> {
  const mcp = newServer();
  const exchange = new JsonExchangeTransport();
  await mcp.connect(exchange);
  const answer = await exchange.exchange(message);
  await mcp.close();
  return answer.kind === 'response' ? { status: 200, body: answer.message } : { status: 202, body: undefined };
}

const MESSAGES: Record<string, Record<string, unknown>> = {
  'tools/call': { jsonrpc: '2.0', id: 7, method: 'tools/call', params: { name: 'echo', arguments: { a: 1 } } },
  'tools/call with a string id': { jsonrpc: '2.0', id: 'req-1', method: 'tools/call', params: { name: 'echo' } },
  'a handler that sends a notification before its result': { jsonrpc: '2.0', id: 2, method: 'tools/call', params: { name: 'chatty' } },
  'a handler that throws': { jsonrpc: '2.0', id: 3, method: 'tools/call', params: { name: 'boom' } },
  'tools/list': { jsonrpc: '2.0', id: 4, method: 'tools/list' },
  'a method with no handler': { jsonrpc: '2.0', id: 5, method: 'prompts/list' },
  initialize: { jsonrpc: '2.0', id: 6, method: 'initialize', params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'c', version: '1' } } },
  'a notification': { jsonrpc: '2.0', method: 'notifications/initialized' },
};

describe('JsonExchangeTransport (2025-11-25 requests served in memory)', () => {
  it.each(Object.keys(MESSAGES))('answers %s as the SDK stateless JSON transport does', async (name) => {
    const message = MESSAGES[name]!;
    expect(await viaExchange(message)).toEqual(await viaSdkTransport(message));
  });

  it('refuses an exchange once closed', async () => {
    const exchange = new JsonExchangeTransport();
    await newServer().connect(exchange);
    await exchange.close();
    await expect(exchange.exchange(MESSAGES['tools/list']!)).rejects.toThrow('closed');
  });
});
