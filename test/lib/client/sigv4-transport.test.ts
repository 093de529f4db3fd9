import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { z } from 'zod';
import { createSigV4Fetch, regionFromExecuteApiUrl, SigV4StreamableHTTPClientTransport } from '../../../lib/client';
import { verifySigV4, type Verified, type VerifierKey } from './sigv4-verifier';

const REGION = 'eu-west-1';
const AGENT_KEY = { accessKeyId: 'AKIDAGENTEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY' };
const SESSION_KEY = { accessKeyId: 'ASIASESSIONEXAMPLE', secretAccessKey: 'session-secret-example', sessionToken: 'FwoGZXIvYXdzEXAMPLETOKEN' };
const ROTATED_KEY = { accessKeyId: 'ASIAROTATEDEXAMPLE', secretAccessKey: 'rotated-secret-example', sessionToken: 'rotated-token' };

/** An MCP server behind a SigV4 check, as API Gateway with AWS_IAM auth would put it. */
class SignedMcpEndpoint {
  public readonly verdicts: Array<Verified & { method: string }> = [];
  private server?: Server;
  private readonly keys: Map<string, VerifierKey>;

  constructor(keys: ReadonlyArray<{ accessKeyId: string } & VerifierKey>) {
    this.keys = new Map(keys.map((k) => [k.accessKeyId, k]));
  }

  public async start(): Promise<URL> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const body = Buffer.concat(chunks);
        const verdict = verifySigV4({ method: req.method!, url: req.url!, headers: req.headers, body }, this.keys, {
          region: REGION,
          service: 'execute-api',
          nowMs: Date.now(),
        });
        this.verdicts.push({ ...verdict, method: req.method! });
        if (!verdict.ok) {
          res.writeHead(403, { 'content-type': 'application/json' }).end(JSON.stringify({ message: verdict.reason }));
          return;
        }
        // stateless MCP: a fresh server and transport per request, as in Lambda
        const mcp = new McpServer({ name: 'commerce', version: '1.0.0' });
        mcp.registerTool('get_stock', { description: 'Stock of a SKU', inputSchema: { sku: z.string() } }, async ({ sku }) => ({
          content: [{ type: 'text', text: `${sku}: 7` }],
        }));
        const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: true });
        res.on('close', () => void transport.close());
        void mcp
          .connect(transport)
          .then(() => transport.handleRequest(req, res, body.length ? JSON.parse(body.toString('utf8')) : undefined));
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    return new URL(`http://127.0.0.1:${(this.server.address() as AddressInfo).port}/prod/mcp?stage=prod`);
  }

  public async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.server?.close(() => resolve()) ?? resolve());
  }
}

describe('SigV4StreamableHTTPClientTransport', () => {
  let endpoint: SignedMcpEndpoint;
  let url: URL;

  beforeEach(async () => {
    endpoint = new SignedMcpEndpoint([AGENT_KEY, SESSION_KEY, ROTATED_KEY]);
    url = await endpoint.start();
  });
  afterEach(() => endpoint.stop());

  it('lets an MCP SDK client initialize, list and call tools with every request signed', async () => {
    const client = new Client({ name: 'inventory-agent', version: '1.0.0' });
    await client.connect(new SigV4StreamableHTTPClientTransport(url, { region: REGION, credentials: AGENT_KEY }));

    const { tools } = await client.listTools();
    const result = await client.callTool({ name: 'get_stock', arguments: { sku: 'SKU-1' } });
    await client.close();

    expect(tools.map((t) => t.name)).toEqual(['get_stock']);
    expect(result.content).toEqual([{ type: 'text', text: 'SKU-1: 7' }]);
    const posts = endpoint.verdicts.filter((v) => v.method === 'POST');
    expect(posts.length).toBeGreaterThanOrEqual(3); // initialize, initialized, tools/list, tools/call
    expect(endpoint.verdicts.filter((v) => !v.ok)).toEqual([]);
  });

  it('signs the MCP headers and the body hash, not only the host', async () => {
    const client = new Client({ name: 'inventory-agent', version: '1.0.0' });
    await client.connect(new SigV4StreamableHTTPClientTransport(url, { region: REGION, credentials: AGENT_KEY }));
    await client.listTools();
    await client.close();

    const listCall = endpoint.verdicts.filter((v) => v.method === 'POST').at(-1)!;
    expect(listCall.signedHeaders).toEqual(expect.arrayContaining(['accept', 'content-type', 'host', 'mcp-protocol-version', 'x-amz-date']));
  });

  it('is refused when the body is changed after signing', async () => {
    const tamper = createSigV4Fetch({
      region: REGION,
      credentials: AGENT_KEY,
      fetch: (target, init) => fetch(target, { ...init, body: String(init?.body).replace('get_stock', 'get_payment') }),
    });
    const body = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'get_stock', arguments: { sku: 'A' } } });
    const response = await tamper(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body });

    expect(response.status).toBe(403);
    expect(endpoint.verdicts.at(-1)?.reason).toBe('signature does not match');
  });

  it('sends and signs the session token of temporary credentials', async () => {
    const client = new Client({ name: 'support-agent', version: '1.0.0' });
    await client.connect(new SigV4StreamableHTTPClientTransport(url, { region: REGION, credentials: SESSION_KEY }));
    await client.listTools();
    await client.close();

    expect(endpoint.verdicts.every((v) => v.ok && v.accessKeyId === SESSION_KEY.accessKeyId)).toBe(true);
    expect(endpoint.verdicts[0]?.signedHeaders).toContain('x-amz-security-token');
  });

  it('asks the credential provider on every request, so rotated credentials are picked up', async () => {
    let current: typeof SESSION_KEY = SESSION_KEY;
    const client = new Client({ name: 'support-agent', version: '1.0.0' });
    await client.connect(new SigV4StreamableHTTPClientTransport(url, { region: REGION, credentials: async () => current }));
    current = ROTATED_KEY;
    await client.listTools();
    await client.close();

    const used = endpoint.verdicts.filter((v) => v.method === 'POST').map((v) => v.accessKeyId);
    expect(used[0]).toBe(SESSION_KEY.accessKeyId);
    expect(used.at(-1)).toBe(ROTATED_KEY.accessKeyId);
    expect(endpoint.verdicts.filter((v) => !v.ok)).toEqual([]);
  });

  it('is refused when signed for another region', async () => {
    const client = new Client({ name: 'inventory-agent', version: '1.0.0' });
    const connecting = client.connect(new SigV4StreamableHTTPClientTransport(url, { region: 'us-east-1', credentials: AGENT_KEY }));

    await expect(connecting).rejects.toThrow(/wrong scope/);
    expect(endpoint.verdicts[0]?.reason).toBe('wrong scope us-east-1/execute-api');
  });
});

describe('region resolution', () => {
  it('reads the region from public and private-endpoint execute-api host names', () => {
    expect(regionFromExecuteApiUrl('https://a1b2c3d4e5.execute-api.eu-west-1.amazonaws.com/prod/mcp')).toBe('eu-west-1');
    expect(regionFromExecuteApiUrl('https://a1b2c3d4e5-vpce-0123456789abcdef0.execute-api.ap-southeast-2.vpce.amazonaws.com/prod/mcp')).toBe(
      'ap-southeast-2',
    );
    expect(regionFromExecuteApiUrl('https://mcp.shop.example/mcp')).toBeUndefined();
  });

  it('signs for the region named in the URL when none is given', () => {
    const transport = new SigV4StreamableHTTPClientTransport(new URL('https://a1b2c3d4e5.execute-api.us-gov-west-1.amazonaws.com/prod/mcp'), {
      credentials: AGENT_KEY,
    });
    expect(transport.region).toBe('us-gov-west-1');
  });

  it('says how to fix a custom domain without a region', () => {
    const saved = { r: process.env.AWS_REGION, d: process.env.AWS_DEFAULT_REGION };
    delete process.env.AWS_REGION;
    delete process.env.AWS_DEFAULT_REGION;
    try {
      expect(() => new SigV4StreamableHTTPClientTransport(new URL('https://mcp.shop.example/mcp'), { credentials: AGENT_KEY })).toThrow(
        /pass \{ region: 'eu-west-1' \} to the transport or set AWS_REGION/,
      );
    } finally {
      if (saved.r !== undefined) process.env.AWS_REGION = saved.r;
      if (saved.d !== undefined) process.env.AWS_DEFAULT_REGION = saved.d;
    }
  });
});
