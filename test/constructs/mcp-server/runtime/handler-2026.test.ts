/**
 * MCP 2026-07-28 through the server Lambda, with events as the REST API's proxy integration
 * passes them (headers in the case the client sent, in `headers` and `multiValueHeaders`):
 * the routing headers reach the shared handler, the new methods route, the SDK's protocol
 * errors (-32020, -32022, 404/-32601) come back as JSON-RPC with their status, and an
 * input_required round sealed by one instance is accepted by another instance of the same
 * server (the key is derived from the server's KMS HMAC key) and by no instance holding
 * another server's key.
 */
import { KMSClient } from '@aws-sdk/client-kms';
import { STSClient } from '@aws-sdk/client-sts';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { createLambdaHandler, type LambdaHandler } from '../../../../constructs/mcp-server/runtime/handler';
import { sampleData } from '../../../../examples/shop/sample-data';
import shopTools from '../../../../examples/shop/tools';
import { memoryAuditSink } from '../../../../lib/guard/audit-sinks';
import { FakeKms } from '../../../support/kms/fake-kms';
import type { CallerProofs } from '../../../support/sts/caller-proofs';
import { shopManifest, shopTables } from '../shop-manifest';
import type { FakeDynamoDB } from './fake-dynamodb';
import { fakeShopAccount, SHOP_LAMBDA_ENV, shopCallerArn } from './fake-shop-account';
import { proxyEvent } from './proxy-event';

const ddbMock = mockClient(DynamoDBDocumentClient);
const stsMock = mockClient(STSClient);
const kmsMock = mockClient(KMSClient);
const manifest = shopManifest();
const tables = shopTables(manifest);
const data = sampleData();
const VERSION = '2026-07-28';
const META = (capabilities: Record<string, unknown> = {}) => ({
  'io.modelcontextprotocol/protocolVersion': VERSION,
  'io.modelcontextprotocol/clientInfo': { name: 'lambda-2026-test', version: '1.0.0' },
  'io.modelcontextprotocol/clientCapabilities': capabilities,
});

let proofs: CallerProofs;
let requests = 0;

/** A REST proxy event: the client's header names as sent (API Gateway keeps their case). */
async function event(body: unknown, headers: Record<string, string>, agent = 'support-agent'): Promise<APIGatewayProxyEvent> {
  const all = { 'Content-Type': 'application/json', Accept: 'application/json, text/event-stream', 'MCP-Protocol-Version': VERSION, ...headers, ...(await proofs.headers(shopCallerArn(agent))) };
  return proxyEvent({ body, caller: shopCallerArn(agent), headers: all, asSent: true });
}

/** A 2026-07-28 request with matching routing headers (`Mcp-Name` for tools/call, resources/read, prompts/get). */
function modern(method: string, params: Record<string, unknown> = {}, capabilities?: Record<string, unknown>) {
  const name = typeof params.name === 'string' ? params.name : typeof params.uri === 'string' ? params.uri : undefined;
  return { body: { jsonrpc: '2.0', id: ++requests, method, params: { ...params, _meta: META(capabilities) } }, headers: { 'Mcp-Method': method, ...(name !== undefined ? { 'Mcp-Name': name } : {}) } };
}

type Answer = { status: number; body: { result?: Record<string, unknown>; error?: { code: number; message: string; data?: Record<string, unknown> } }; raw: APIGatewayProxyResult };
async function send(handler: LambdaHandler, request: { body: unknown; headers: Record<string, string> }, agent?: string): Promise<Answer> {
  const raw = await handler(await event(request.body, request.headers, agent));
  return { status: raw.statusCode, body: JSON.parse(raw.body), raw };
}

describe('Lambda handler, MCP 2026-07-28', () => {
  let kms: FakeKms;
  let fake: FakeDynamoDB;
  /** A new Lambda instance of the commerce server (cold start), with the given server key. */
  let instance: (serverKey?: string) => LambdaHandler;

  beforeEach(() => {
    ddbMock.reset();
    stsMock.reset();
    kmsMock.reset();
    kms = new FakeKms();
    kms.createHmacKey('commerce-server-key');
    kms.createHmacKey('payments-server-key');
    kms.install(kmsMock);
    const account = fakeShopAccount(manifest, tables, { ddb: ddbMock, sts: stsMock }, { kms });
    fake = account.fake;
    fake.createTable(tables.orders!, { partitionKey: 'pk' }, data.orders.map((o) => ({ pk: o.id, ...o })) as unknown as Record<string, unknown>[]);
    proofs = account.proofs;
    instance = (serverKey = SHOP_LAMBDA_ENV.WARDEN_SERVER_KEY) =>
      createLambdaHandler({
        manifest,
        server: 'commerce',
        tools: shopTools,
        env: { ...SHOP_LAMBDA_ENV, WARDEN_SERVER_KEY: serverKey },
        audit: memoryAuditSink(),
        metrics: { put: () => undefined },
        logger: { debug() {}, info() {}, warn() {}, error() {}, child() { return this; } },
        clients: account.clients,
      });
  });

  it('answers server/discover', async () => {
    const got = await send(instance(), modern('server/discover'));
    expect(got.status).toBe(200);
    expect(got.body.result).toMatchObject({ supportedVersions: expect.arrayContaining(['2026-07-28']), capabilities: { tools: {}, resources: {}, prompts: {} } });
  });

  it('routes tools/list, resources/list, resources/templates/list and prompts/list per agent, cacheable only by the caller', async () => {
    const handler = instance();
    const tools = await send(handler, modern('tools/list'), 'inventory-agent');
    expect(tools.status).toBe(200);
    expect((tools.body.result!.tools as Array<{ name: string }>).map((t) => t.name).sort()).toEqual(['get_stock', 'search_products', 'update_stock']);
    expect(tools.body.result).toMatchObject({ cacheScope: 'private', ttlMs: expect.any(Number) });
    const templates = await send(handler, modern('resources/templates/list'), 'inventory-agent');
    expect((templates.body.result!.resourceTemplates as Array<{ uriTemplate: string }>).map((t) => t.uriTemplate)).toEqual(['catalog://products/{sku}']);
    const prompts = await send(handler, modern('prompts/list'), 'support-agent');
    expect((prompts.body.result!.prompts as Array<{ name: string }>).map((p) => p.name)).toEqual(['reply_to_customer']);
    const resources = await send(handler, modern('resources/list'), 'support-agent');
    expect((resources.body.result!.resources as Array<{ uri: string }>).map((r) => r.uri)).toEqual(['catalog://categories']);
  });

  it("reads order://ORD-… with Mcp-Name on the support agent's data-role session, redacted to its clearance", async () => {
    const order = data.orders.find((o) => o.customerNote?.includes('card'))!;
    const got = await send(instance(), modern('resources/read', { uri: `order://${order.id}` }));
    expect(got.status).toBe(200);
    const contents = got.body.result!.contents as Array<{ uri: string; text: string }>;
    expect(contents[0]!.uri).toBe(`order://${order.id}`);
    expect(JSON.parse(contents[0]!.text)).toMatchObject({ id: order.id, status: order.status });
    const card = data.payments.find((p) => p.orderId === order.id)?.card?.number;
    if (card) expect(contents[0]!.text).not.toContain(card);
    expect(contents[0]!.text).toContain('[REDACTED:card]');
    const reads = fake.calls.filter((c) => c.table === tables.orders);
    expect(reads.length).toBeGreaterThan(0);
    expect(reads.every((c) => c.accessKeyId?.startsWith('ASIAFAKE'))).toBe(true);
  });

  it('refuses an ungranted resource as an unknown one (no table read)', async () => {
    const got = await send(instance(), modern('resources/read', { uri: `order://${data.orders[0]!.id}` }), 'inventory-agent');
    expect(got.body.error).toMatchObject({ code: -32602, message: `Resource not found: order://${data.orders[0]!.id}` });
    expect(fake.calls.filter((c) => c.table === tables.orders)).toEqual([]);
  });

  it('answers a routing header that does not match the body with 400 and -32020', async () => {
    const request = modern('tools/call', { name: 'search_products', arguments: { limit: 1 } });
    for (const headers of [{ ...request.headers, 'Mcp-Method': 'tools/list' }, { ...request.headers, 'Mcp-Name': 'get_customer' }]) {
      const got = await send(instance(), { body: request.body, headers });
      expect({ status: got.status, code: got.body.error?.code }).toEqual({ status: 400, code: -32020 });
      expect(got.raw.headers?.['content-type'] ?? got.raw.headers?.['Content-Type']).toMatch(/application\/json/);
    }
  });

  it('answers an unsupported protocol version with 400 and -32022 naming the supported ones', async () => {
    const request = modern('tools/list');
    const body = { ...request.body, params: { _meta: { ...META(), 'io.modelcontextprotocol/protocolVersion': '2099-01-01' } } };
    const got = await send(instance(), { body, headers: { ...request.headers, 'MCP-Protocol-Version': '2099-01-01' } });
    expect(got.status).toBe(400);
    expect(got.body.error).toMatchObject({ code: -32022, data: { supported: expect.arrayContaining(['2026-07-28']) } });
  });

  it('answers methods removed in 2026-07-28 with 404 and -32601', async () => {
    for (const method of ['initialize', 'ping']) {
      const got = await send(instance(), modern(method, method === 'initialize' ? { protocolVersion: VERSION, capabilities: {}, clientInfo: { name: 'x', version: '1' } } : {}));
      expect({ method, status: got.status, code: got.body.error?.code }).toEqual({ method, status: 404, code: -32601 });
    }
  });

  describe('input_required across Lambda instances', () => {
    // restock_plan is the inventory agent's prompt; without a warehouse it asks a client that can show a form
    const INVENTORY = 'inventory-agent';
    const firstRound = () => modern('prompts/get', { name: 'restock_plan', arguments: { sku: data.products[0]!.id } }, { elicitation: {} });
    const retry = (requestState: string, warehouse = 'WH-BER') =>
      modern('prompts/get', { name: 'restock_plan', arguments: { sku: data.products[0]!.id }, inputResponses: { warehouse: { action: 'accept', content: { warehouse } } }, requestState }, { elicitation: {} });

    it('seals state on one instance that another instance of the same server accepts, deriving the key once per instance', async () => {
      const [a, b] = [instance(), instance()];
      await send(a, modern('tools/list'));
      expect(kms.macCalls).toEqual([]);
      const asked = await send(a, firstRound(), INVENTORY);
      expect(asked.status).toBe(200);
      expect(asked.body.result).toMatchObject({ resultType: 'input_required', inputRequests: { warehouse: { method: 'elicitation/create' } }, requestState: expect.any(String) });
      const answered = await send(b, retry(asked.body.result!.requestState as string), INVENTORY);
      expect(answered.status).toBe(200);
      const text = (answered.body.result!.messages as Array<{ content: { text: string } }>)[0]!.content.text;
      expect(text).toContain(`${data.products[0]!.id} with get_stock (warehouse WH-BER only)`);
      // one GenerateMac per instance, on this server's key
      expect(kms.macCalls).toEqual([SHOP_LAMBDA_ENV.WARDEN_SERVER_KEY, SHOP_LAMBDA_ENV.WARDEN_SERVER_KEY]);
      await send(b, retry(asked.body.result!.requestState as string, 'WH-NYC'), INVENTORY);
      expect(kms.macCalls).toHaveLength(2);
    });

    it("refuses state sealed with another server's key, and a tampered state, before any code runs", async () => {
      const asked = await send(instance(), firstRound(), INVENTORY);
      const state = asked.body.result!.requestState as string;
      const foreign = await send(instance('arn:aws:kms:eu-west-1:123456789012:key/payments-server-key'), retry(state), INVENTORY);
      expect(foreign.body.error).toMatchObject({ code: -32602, message: 'Invalid or expired requestState' });
      const tampered = await send(instance(), retry(`${state.slice(0, -2)}${state.endsWith('A') ? 'BB' : 'AA'}`), INVENTORY);
      expect(tampered.body.error).toMatchObject({ code: -32602, message: 'Invalid or expired requestState' });
    });

    it('answers with a JSON-RPC error, not a 5xx, while KMS is unreachable, and recovers without a cold start', async () => {
      const handler = instance();
      kms.unreachable = true;
      expect((await send(handler, modern('tools/list'))).status).toBe(200);
      const failed = await send(handler, firstRound(), INVENTORY);
      expect(failed.status).toBeLessThan(500);
      expect(failed.body.error).toMatchObject({ code: expect.any(Number), message: expect.not.stringMatching(/ETIMEDOUT|at .*\.ts/) });
      kms.unreachable = false;
      const asked = await send(handler, firstRound(), INVENTORY);
      expect(asked.body.result).toMatchObject({ resultType: 'input_required' });
    });
  });
});
