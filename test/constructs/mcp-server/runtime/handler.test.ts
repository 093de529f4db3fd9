import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { createLambdaHandler, type LambdaHandler } from '../../../../constructs/mcp-server/runtime/handler';
import { memoryAuditSink, type MemoryAuditSink } from '../../../../lib/guard/audit-sinks';
import shopTools from '../../../../examples/shop/tools';
import { shopManifest, shopTables } from '../shop-manifest';
import type { FakeDynamoDB } from './fake-dynamodb';
import { proxyEvent } from './proxy-event';
import { fakeShopAccount, SHOP_LAMBDA_ENV, shopCallerArn } from './fake-shop-account';
import type { CallerProofs } from '../../../support/sts/caller-proofs';

const ddbMock = mockClient(DynamoDBDocumentClient);
const stsMock = mockClient(STSClient);
const manifest = shopManifest();
const tables = shopTables(manifest);
const ENV = SHOP_LAMBDA_ENV;
const callerArn = shopCallerArn;

let requests = 0;
let proofs: CallerProofs;
/**
 * An API Gateway event for `caller`, with the caller proof that caller's transport sends
 * (`proofOf` another principal, or `false` for none: what a direct invoker can forge).
 */
async function event(body: unknown, options: { caller?: string | null; proofOf?: string | false; base64?: boolean; method?: string } = {}): Promise<APIGatewayProxyEvent> {
  const caller = options.caller === undefined ? callerArn('support-agent') : options.caller;
  const prover = options.proofOf ?? caller ?? callerArn('support-agent');
  requests++;
  const headers = { 'mcp-protocol-version': '2025-06-18', ...(prover === false ? {} : await proofs.headers(prover)) };
  return proxyEvent({ body, caller, headers, base64: options.base64, httpMethod: options.method });
}
const rpc = (method: string, params: Record<string, unknown> = {}) => ({ jsonrpc: '2.0', id: requests + 1, method, params });

describe('Lambda handler', () => {
  let fake: FakeDynamoDB;
  let audit: MemoryAuditSink;
  let handler: LambdaHandler;

  beforeEach(() => {
    ddbMock.reset();
    stsMock.reset();
    const account = fakeShopAccount(manifest, tables, { ddb: ddbMock, sts: stsMock }, { statuses: [{ agent: 'pricing-agent', status: 'contained' }] });
    fake = account.fake;
    proofs = account.proofs;
    audit = memoryAuditSink();
    handler = createLambdaHandler({
      manifest,
      server: 'commerce',
      tools: shopTools,
      env: ENV,
      audit,
      metrics: { put: () => undefined },
      logger: { debug() {}, info() {}, warn() {}, error() {}, child() { return this; } },
      clients: account.clients,
    });
  });

  it('shows each agent only its own tools', async () => {
    const list = async (agent: string) => JSON.parse((await handler(await event(rpc('tools/list'), { caller: callerArn(agent) }))).body).result.tools.map((t: { name: string }) => t.name).sort();
    expect(await list('inventory-agent')).toEqual(['get_stock', 'search_products', 'update_stock']);
    expect(await list('support-agent')).toEqual(['get_customer', 'get_order', 'list_customer_orders', 'search_products']);
    expect(await list('fraud-agent')).toEqual(['get_order']);
  });

  it("runs a tool on the agent's data-role session and returns its result", async () => {
    const response = await handler(await event(rpc('tools/call', { name: 'search_products', arguments: { limit: 3 } }), { caller: callerArn('inventory-agent') }));
    const result = JSON.parse(response.body).result;
    expect(response.statusCode).toBe(200);
    expect(result.isError).toBeFalsy();
    expect(result.structuredContent ?? JSON.parse(result.content[0].text)).toBeDefined();
    const catalogCalls = fake.calls.filter((c) => c.table === tables.catalog);
    expect(catalogCalls.length).toBeGreaterThan(0);
    expect(catalogCalls.every((c) => c.accessKeyId?.startsWith('ASIAFAKE'))).toBe(true);
  });

  it('refuses an unknown caller with a 403 JSON-RPC error', async () => {
    for (const caller of ['arn:aws:sts::123456789012:assumed-role/someone-else/s', null, 'arn:aws:iam::123456789012:user/alice']) {
      const response = await handler(await event(rpc('tools/list'), { caller }));
      expect(response.statusCode).toBe(403);
      expect(JSON.parse(response.body)).toMatchObject({ jsonrpc: '2.0', error: { code: expect.any(Number), message: expect.stringMatching(/Forbidden/) } });
    }
  });

  it("refuses an agent's caller role name in a foreign account with 403 and audits the refusal", async () => {
    for (const caller of [
      'arn:aws:sts::999999999999:assumed-role/shop-prod-support-agent-caller/stolen',
      'arn:aws:iam::999999999999:role/shop-prod-support-agent-caller',
    ]) {
      const response = await handler(await event(rpc('tools/list'), { caller }));
      expect(response.statusCode).toBe(403);
      expect(JSON.parse(response.body)).toMatchObject({ jsonrpc: '2.0', error: { message: expect.stringMatching(/Forbidden/) } });
      expect(audit.events.at(-1)).toMatchObject({
        status: 'Failure',
        actor: { user: { uid: caller } },
        api: { response: { error: 'unknown_caller', error_message: expect.stringMatching(/unknown caller/) } },
      });
      expect((audit.events.at(-1) as { actor: { user: { name?: string } } }).actor.user.name).toBeUndefined();
    }
    // the same role name in the function's own account is the agent
    expect((await handler(await event(rpc('tools/list'), { caller: callerArn('support-agent') }))).statusCode).toBe(200);
  });

  it('refuses to start when the data-role ARN prefix names no account', () => {
    expect(() => createLambdaHandler({ manifest, server: 'commerce', tools: shopTools, env: { ...ENV, WARDEN_DATA_ROLE_ARN_PREFIX: 'arn:aws:iam:::role/' } })).toThrow(
      /WARDEN_DATA_ROLE_ARN_PREFIX must be "arn:PARTITION:iam::ACCOUNT:role\/"/,
    );
  });

  it('refuses a contained agent', async () => {
    const response = await handler(await event(rpc('tools/list'), { caller: callerArn('pricing-agent') }));
    expect(response.statusCode).toBe(403);
    expect(response.body).toMatch(/contained/);
  });

  it("denies a tool the agent isn't granted without naming other tools", async () => {
    const response = await handler(await event(rpc('tools/call', { name: 'get_customer', arguments: { customerId: 'CUS-000001' } }), { caller: callerArn('inventory-agent') }));
    const result = JSON.parse(response.body).result;
    expect(result.isError).toBe(true);
    expect(fake.calls.some((c) => c.table === tables.customers)).toBe(false);
  });

  it('decodes base64 bodies API Gateway passes through', async () => {
    const response = await handler(await event(rpc('tools/list'), { base64: true, caller: callerArn('fraud-agent') }));
    expect(response.statusCode).toBe(200);
  });

  it('answers 413 above guard.maxBodyBytes', async () => {
    const big = rpc('tools/call', { name: 'search_products', arguments: { query: 'x'.repeat(manifest.guard.maxBodyBytes) } });
    expect((await handler(await event(big))).statusCode).toBe(413);
    expect((await handler(await event(big, { base64: true }))).statusCode).toBe(413);
  });

  it('answers GET with 405 and never leaks stack traces or paths on errors', async () => {
    expect((await handler(await event('', { method: 'GET' }))).statusCode).toBe(405);
    ddbMock.reset(); // every DynamoDB call now fails
    const response = await handler(await event(rpc('tools/call', { name: 'search_products', arguments: {} }), { caller: callerArn('inventory-agent') }));
    expect(response.body).not.toMatch(/\/work\/|node_modules|\.ts:\d+|at .*\(/);
  });

  it('audits each call', async () => {
    await handler(await event(rpc('tools/call', { name: 'search_products', arguments: { limit: 1 } }), { caller: callerArn('support-agent') }));
    expect(JSON.stringify(audit.events)).toContain('support-agent');
  });

  it('refuses to start without its table environment variables', () => {
    expect(() => createLambdaHandler({ manifest, server: 'commerce', tools: shopTools, env: {} })).toThrow(/environment variable WARDEN_DATA_ROLE_ARN_PREFIX is not set/);
  });

  describe('API Gateway event shapes (found by fuzzing, test/integration/fuzz-lambda-handler.test.ts)', () => {
    const ping = rpc('ping');
    const send = async (change: (e: APIGatewayProxyEvent) => unknown) => {
      const e = await event(ping, { caller: callerArn('support-agent') });
      change(e);
      const response = await handler(e);
      return { status: response.statusCode, body: JSON.parse(response.body) as { id: unknown; result?: unknown; error?: { code: number; message: string } } };
    };

    it('answers 403, not 500, when identity fields are null or requestContext is missing', async () => {
      expect((await send((e) => (e.requestContext = { requestId: null, identity: { userArn: null, sourceIp: null } } as never))).status).toBe(403);
      expect((await send((e) => (e.requestContext = undefined as never))).status).toBe(403);
      expect((await send((e) => (e.requestContext = { requestId: 'r' } as never))).status).toBe(403);
      expect((await send((e) => ((e.requestContext as unknown as { identity: { sourceIp: null } }).identity.sourceIp = null))).status).toBe(200);
    });

    it('refuses a body marked base64 that is not valid base64 with a parse error, not a silently shortened message', async () => {
      for (const body of ['!!!not base64!!!', `${Buffer.from(JSON.stringify(ping)).toString('base64')}$`, 'e30=\n', '====']) {
        const r = await send((e) => Object.assign(e, { body, isBase64Encoded: true }));
        expect(r).toMatchObject({ status: 400, body: { error: { code: -32700, message: expect.stringMatching(/not valid base64/) } } });
      }
    });

    it('counts the 1 MB limit on decoded bytes: a base64 body longer than 1 MB that decodes under it is served', async () => {
      const message = rpc('tools/call', { name: 'search_products', arguments: { query: 'x'.repeat(900_000) } });
      const encoded = Buffer.from(JSON.stringify(message)).toString('base64');
      expect(encoded.length).toBeGreaterThan(manifest.guard.maxBodyBytes);
      const response = await handler({ ...(await event(message, { caller: callerArn('support-agent') })), body: encoded, isBase64Encoded: true });
      expect(response.statusCode).toBe(200);
      const over = Buffer.alloc(manifest.guard.maxBodyBytes, 0x20).toString('base64');
      expect((await handler({ ...(await event(ping)), body: over, isBase64Encoded: true })).statusCode).toBe(413);
    });

    it('reads headers in any case, from multiValueHeaders alone, and refuses when there are none', async () => {
      const proof = Object.fromEntries(Object.entries(await proofs.headers(callerArn('support-agent'))).map(([k, v]) => [k.toUpperCase(), v]));
      const upper = { 'CONTENT-TYPE': 'application/json', ACCEPT: 'application/json, text/event-stream', 'Mcp-Protocol-Version': '2025-06-18', ...proof };
      expect((await send((e) => (e.headers = upper))).status).toBe(200);
      expect((await send((e) => Object.assign(e, { headers: null, multiValueHeaders: Object.fromEntries(Object.entries(upper).map(([k, v]) => [k, [v]])) }))).status).toBe(200);
      expect((await send((e) => Object.assign(e, { headers: proof, multiValueHeaders: null }))).status).toBe(415);
      // no headers at all: no caller proof either
      expect((await send((e) => Object.assign(e, { headers: null, multiValueHeaders: null }))).status).toBe(401);
      // a repeated protocol-version header is complete only in multiValueHeaders: both values count
      expect((await send((e) => (e.multiValueHeaders = { 'mcp-protocol-version': ['2025-06-18', '2099-01-01'], ...Object.fromEntries(Object.entries(proof).map(([k, v]) => [k, [v]])) }))).status).toBe(400);
    });

    it('answers headers of 16 KB or more with 431', async () => {
      expect((await send((e) => (e.headers = { ...e.headers, 'x-pad': 'p'.repeat(16_384) }))).status).toBe(431);
    });

    it('answers a null body with a parse error and other methods (GET, HEAD, OPTIONS, none) with 405', async () => {
      expect(await send((e) => (e.body = null))).toMatchObject({ status: 400, body: { error: { code: -32700 } } });
      for (const method of ['GET', 'HEAD', 'OPTIONS', 'DELETE', undefined]) {
        const r = await send((e) => (e.httpMethod = method as never));
        expect(r.status).toBe(405);
      }
    });

    it('serves only the /mcp resource', async () => {
      for (const route of ['/other', '/MCP', '/mcp/', '/{proxy+}']) {
        expect((await send((e) => Object.assign(e, { resource: route, path: route }))).status).toBe(404);
      }
      expect((await send((e) => Object.assign(e, { resource: undefined, path: '/mcp' }))).status).toBe(200);
    });
  });

  describe('caller proof: identity proven, not claimed (direct invokes)', () => {
    const metrics: Array<{ agent: string; metrics: Record<string, number | undefined> }> = [];
    let proven: LambdaHandler;
    let fakeAccount: ReturnType<typeof fakeShopAccount>;
    beforeEach(() => {
      metrics.length = 0;
      ddbMock.reset();
      stsMock.reset();
      fakeAccount = fakeShopAccount(manifest, tables, { ddb: ddbMock, sts: stsMock });
      proofs = fakeAccount.proofs;
      proven = createLambdaHandler({
        manifest,
        server: 'commerce',
        tools: shopTools,
        env: ENV,
        audit,
        metrics: { put: (agent, m) => void metrics.push({ agent, metrics: m }) },
        logger: { debug() {}, info() {}, warn() {}, error() {}, child() { return this; } },
        clients: fakeAccount.clients,
      });
    });
    const getOrder = rpc('tools/call', { name: 'get_order', arguments: { orderId: 'ORD-000001' } });
    const nothingTouched = () => {
      expect(stsMock.commandCalls(AssumeRoleCommand)).toHaveLength(0);
      expect(fakeAccount.fake.calls).toEqual([]);
    };

    it('refuses an event naming fraud-agent without a proof with 401, before any DynamoDB or AssumeRole call', async () => {
      const response = await proven(await event(getOrder, { caller: callerArn('fraud-agent'), proofOf: false }));
      expect(response.statusCode).toBe(401);
      expect(JSON.parse(response.body)).toMatchObject({ jsonrpc: '2.0', error: { message: expect.stringMatching(/^Unauthorized: requests need a caller proof/) } });
      nothingTouched();
      expect(fakeAccount.sts.calls).toEqual([]);
    });

    it("refuses an event naming fraud-agent that carries inventory-agent's proof with 403", async () => {
      const response = await proven(await event(getOrder, { caller: callerArn('fraud-agent'), proofOf: callerArn('inventory-agent') }));
      expect(response.statusCode).toBe(403);
      expect(JSON.parse(response.body).error.message).toBe('Forbidden: the caller proof does not prove the calling principal');
      nothingTouched();
    });

    it('audits a forgery attempt with a high-severity event and the IdentityForgery metric of the claimed agent', async () => {
      await proven(await event(getOrder, { caller: callerArn('fraud-agent'), proofOf: false }));
      expect(audit.events.at(-1)).toMatchObject({
        status: 'Failure',
        severity_id: 4,
        api: { response: { error: 'identity_forgery', error_message: expect.stringMatching(/^identity forgery: no caller proof \(the event claims ".*fraud-agent-caller/) } },
      });
      expect(metrics).toContainEqual({ agent: 'fraud-agent', metrics: { IdentityForgery: 1 } });
      // an ARN that is no agent at all still counts, under (unknown)
      await proven(await event(getOrder, { caller: 'arn:aws:sts::123456789012:assumed-role/Admin/alice', proofOf: false }));
      expect(metrics).toContainEqual({ agent: '(unknown)', metrics: { IdentityForgery: 1 } });
    });

    it('serves the agent whose proof matches, asking STS once for the proof it reuses', async () => {
      for (let i = 0; i < 3; i++) expect((await proven(await event(getOrder, { caller: callerArn('fraud-agent') }))).statusCode).toBe(200);
      expect(fakeAccount.sts.count('GetCallerIdentity')).toBe(1);
      expect(stsMock.commandCalls(AssumeRoleCommand).length).toBeGreaterThan(0);
      expect(metrics.some((m) => m.metrics.IdentityForgery)).toBe(false);
    });

    it('answers 503 (retry), not 500 and not a forgery, when STS cannot be reached', async () => {
      const unreachable = createLambdaHandler({
        manifest,
        server: 'commerce',
        tools: shopTools,
        env: ENV,
        audit,
        metrics: { put: (agent, m) => void metrics.push({ agent, metrics: m }) },
        logger: { debug() {}, info() {}, warn() {}, error() {}, child() { return this; } },
        clients: { ...fakeAccount.clients, stsFetch: async () => Promise.reject(new Error('connect ECONNREFUSED')) },
      });
      const response = await unreachable(await event(getOrder, { caller: callerArn('fraud-agent') }));
      expect(response.statusCode).toBe(503);
      expect(response.headers).toMatchObject({ 'retry-after': '1' });
      expect(metrics.some((m) => m.metrics.IdentityForgery)).toBe(false);
      nothingTouched();
    });

    it('refuses to start without its server id or region', () => {
      const { WARDEN_SERVER_ID: _id, ...noServerId } = ENV;
      expect(() => createLambdaHandler({ manifest, server: 'commerce', tools: shopTools, env: noServerId })).toThrow(/environment variable WARDEN_SERVER_ID is not set/);
      const { AWS_REGION: _region, ...noRegion } = ENV;
      expect(() => createLambdaHandler({ manifest, server: 'commerce', tools: shopTools, env: noRegion })).toThrow(/environment variable AWS_REGION is not set/);
    });
  });
});
