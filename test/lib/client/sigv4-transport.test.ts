import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { z } from 'zod';
import { createSigV4Fetch, regionFromExecuteApiUrl, SigV4StreamableHTTPClientTransport } from '../../../lib/client';
import { verifySigV4, type Verified, type VerifierKey } from './sigv4-verifier';
import { CallerProofVerifier } from '../../../constructs/mcp-server/runtime/caller-proof-verifier';
import { CALLER_PROOF_HEADER, SERVER_ID_HEADER } from '../../../lib/caller-proof';
import { apiIdFromExecuteApiUrl } from '../../../lib/client';
import { FakeSts } from '../../support/sts/fake-sts';

const REGION = 'eu-west-1';
const SERVER_ID = 'a1b2c3d4e5';
const AGENT_KEY = { accessKeyId: 'AKIDAGENTEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY' };
const SESSION_KEY = { accessKeyId: 'ASIASESSIONEXAMPLE', secretAccessKey: 'session-secret-example', sessionToken: 'FwoGZXIvYXdzEXAMPLETOKEN' };
const ROTATED_KEY = { accessKeyId: 'ASIAROTATEDEXAMPLE', secretAccessKey: 'rotated-secret-example', sessionToken: 'rotated-token' };

/** An MCP server behind a SigV4 check, as API Gateway with AWS_IAM auth would put it. */
class SignedMcpEndpoint {
  public readonly verdicts: Array<Verified & { method: string; headers: IncomingHttpHeaders }> = [];
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
        this.verdicts.push({ ...verdict, method: req.method!, headers: req.headers });
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
    await client.connect(new SigV4StreamableHTTPClientTransport(url, { region: REGION, credentials: AGENT_KEY, serverId: SERVER_ID }));

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
    await client.connect(new SigV4StreamableHTTPClientTransport(url, { region: REGION, credentials: AGENT_KEY, serverId: SERVER_ID }));
    await client.listTools();
    await client.close();

    const listCall = endpoint.verdicts.filter((v) => v.method === 'POST').at(-1)!;
    expect(listCall.signedHeaders).toEqual(expect.arrayContaining(['accept', 'content-type', 'host', 'mcp-protocol-version', 'x-amz-date']));
  });

  it('is refused when the body is changed after signing', async () => {
    const tamper = createSigV4Fetch({
      region: REGION,
      credentials: AGENT_KEY,
      serverId: SERVER_ID,
      fetch: (target, init) => fetch(target, { ...init, body: String(init?.body).replace('get_stock', 'get_payment') }),
    });
    const body = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'get_stock', arguments: { sku: 'A' } } });
    const response = await tamper(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body });

    expect(response.status).toBe(403);
    expect(endpoint.verdicts.at(-1)?.reason).toBe('signature does not match');
  });

  it('sends and signs the session token of temporary credentials', async () => {
    const client = new Client({ name: 'support-agent', version: '1.0.0' });
    await client.connect(new SigV4StreamableHTTPClientTransport(url, { region: REGION, credentials: SESSION_KEY, serverId: SERVER_ID }));
    await client.listTools();
    await client.close();

    expect(endpoint.verdicts.every((v) => v.ok && v.accessKeyId === SESSION_KEY.accessKeyId)).toBe(true);
    expect(endpoint.verdicts[0]?.signedHeaders).toContain('x-amz-security-token');
  });

  it('asks the credential provider on every request, so rotated credentials are picked up', async () => {
    let current: typeof SESSION_KEY = SESSION_KEY;
    const client = new Client({ name: 'support-agent', version: '1.0.0' });
    await client.connect(new SigV4StreamableHTTPClientTransport(url, { region: REGION, credentials: async () => current, serverId: SERVER_ID }));
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
    const connecting = client.connect(new SigV4StreamableHTTPClientTransport(url, { region: 'us-east-1', credentials: AGENT_KEY, serverId: SERVER_ID }));

    await expect(connecting).rejects.toThrow(/wrong scope/);
    expect(endpoint.verdicts[0]?.reason).toBe('wrong scope us-east-1/execute-api');
  });
});

describe('caller proof', () => {
  let endpoint: SignedMcpEndpoint;
  let url: URL;
  beforeEach(async () => {
    endpoint = new SignedMcpEndpoint([SESSION_KEY]);
    url = await endpoint.start();
  });
  afterEach(() => endpoint.stop());

  const listTools = async (options: Record<string, unknown> = {}) => {
    const client = new Client({ name: 'support-agent', version: '1.0.0' });
    await client.connect(new SigV4StreamableHTTPClientTransport(url, { region: REGION, credentials: SESSION_KEY, serverId: SERVER_ID, ...options }));
    await client.listTools();
    await client.close();
    return endpoint.verdicts.filter((v) => v.method === 'POST');
  };

  it('sends a presigned, server-bound GetCallerIdentity with every request, covered by the request signature', async () => {
    const posts = await listTools();
    expect(posts.length).toBeGreaterThanOrEqual(3);
    for (const post of posts) {
      expect(post.headers[SERVER_ID_HEADER]).toBe(SERVER_ID);
      expect(String(post.headers[CALLER_PROOF_HEADER])).toMatch(/^https:\/\/sts\.eu-west-1\.amazonaws\.com\/\?Action=GetCallerIdentity&Version=2011-06-15&/);
      expect(post.signedHeaders).toEqual(expect.arrayContaining([CALLER_PROOF_HEADER, SERVER_ID_HEADER]));
    }
    // one proof for the whole session: the server asks STS once for it
    expect(new Set(posts.map((p) => p.headers[CALLER_PROOF_HEADER])).size).toBe(1);
  });

  it('proves the signing principal to a server that asks STS, and only to the server it is bound to', async () => {
    const [post] = await listTools();
    const sts = new FakeSts(REGION);
    const arn = 'arn:aws:sts::123456789012:assumed-role/shop-prod-support-agent-caller/task-1';
    sts.register(SESSION_KEY, arn);
    const headers = { [CALLER_PROOF_HEADER]: String(post!.headers[CALLER_PROOF_HEADER]), [SERVER_ID_HEADER]: SERVER_ID };
    const here = new CallerProofVerifier({ serverId: SERVER_ID, region: REGION, fetch: sts.fetch });
    expect(await here.verify(headers, arn)).toEqual({ ok: true, principalArn: arn });
    const elsewhere = new CallerProofVerifier({ serverId: 'f6g7h8i9j0', region: REGION, fetch: sts.fetch });
    expect(await elsewhere.verify({ ...headers, [SERVER_ID_HEADER]: 'f6g7h8i9j0' }, arn)).toMatchObject({ ok: false, status: 403, reason: expect.stringMatching(/STS refused/) });
  });

  it('sends no proof when turned off (for APIs that are not mcp-warden servers)', async () => {
    const posts = await listTools({ callerProof: false, serverId: undefined });
    expect(posts.every((p) => p.headers[CALLER_PROOF_HEADER] === undefined && p.ok)).toBe(true);
  });

  it('reads the server id from execute-api host names and says how to fix a URL without one', () => {
    expect(apiIdFromExecuteApiUrl('https://a1b2c3d4e5.execute-api.eu-west-1.amazonaws.com/v1/mcp')).toBe('a1b2c3d4e5');
    expect(apiIdFromExecuteApiUrl('https://a1b2c3d4e5-vpce-0123456789abcdef0.execute-api.eu-west-1.vpce.amazonaws.com/v1/mcp')).toBe('a1b2c3d4e5');
    expect(apiIdFromExecuteApiUrl('https://mcp.shop.example/mcp')).toBeUndefined();
    expect(() => new SigV4StreamableHTTPClientTransport(new URL('https://mcp.shop.example/mcp'), { region: REGION, credentials: AGENT_KEY })).toThrow(
      /pass \{ serverId: '<REST API id>' \} to the transport/,
    );
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
