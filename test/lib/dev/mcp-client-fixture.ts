/**
 * Test fixture: the real MCP SDK client over Streamable HTTP, as an agent would use it.
 * (Not a test file: imported by the dev-server and integration tests.)
 */
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';

export interface AgentClient {
  readonly client: Client;
  toolNames(): Promise<string[]>;
  /** Calls a tool; returns its text and whether it is an error result. */
  call(name: string, args: Record<string, unknown>): Promise<{ text: string; isError: boolean; structured?: Record<string, unknown> }>;
  close(): Promise<void>;
}

export async function connectAgent(url: string, token?: string): Promise<AgentClient> {
  const client = new Client({ name: 'mcp-warden-test', version: '1.0.0' });
  const transport = new StreamableHTTPClientTransport(new URL(url), { requestInit: { headers: token ? { authorization: `Bearer ${token}` } : {} } });
  await client.connect(transport);
  return {
    client,
    toolNames: async () => (await client.listTools()).tools.map((t) => t.name).sort(),
    call: async (name, args) => {
      const result = await client.callTool({ name, arguments: args });
      const content = result.content as Array<{ type: string; text?: string }>;
      return { text: content.map((c) => c.text ?? '').join('\n'), isError: result.isError === true, structured: result.structuredContent as Record<string, unknown> | undefined };
    },
    close: () => client.close(),
  };
}
