/**
 * Issue 7, point 10, in the Lambda: a contained agent's cached data-role sessions are dropped
 * (before the fix `DataRoleCredentials.clear()` was never called, so a warm function kept the
 * session for up to 15 minutes), and a body in a Content-Encoding nobody decodes is 415.
 */
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { createLambdaHandler } from '../../../../constructs/mcp-server/runtime/handler';
import { DataRoleCredentials } from '../../../../constructs/mcp-server/runtime/data-role-credentials';
import { memoryAuditSink } from '../../../../lib/guard/audit-sinks';
import shopTools from '../../../../examples/shop/tools';
import { shopManifest, shopTables } from '../shop-manifest';
import { fakeShopAccount, SHOP_LAMBDA_ENV, shopCallerArn } from './fake-shop-account';
import { proxyEvent } from './proxy-event';

const ddbMock = mockClient(DynamoDBDocumentClient);
const stsMock = mockClient(STSClient);
const manifest = shopManifest();
const tables = shopTables(manifest);

let seq = 0;
/** inventory-agent's caller proof, as its transport sends it. */
let proof: Record<string, string> = {};
const event = (body: unknown, headers: Record<string, string> = {}): APIGatewayProxyEvent =>
  proxyEvent({ body, caller: shopCallerArn('inventory-agent'), headers: { ...proof, ...headers } });
const search = () => event({ jsonrpc: '2.0', id: ++seq, method: 'tools/call', params: { name: 'search_products', arguments: { limit: 1 } } });

describe('Lambda handler: containment and encodings', () => {
  beforeEach(() => {
    ddbMock.reset();
    stsMock.reset();
  });

  async function setup() {
    const clock = { now: Date.UTC(2026, 11, 3, 9, 0, 0) };
    const account = fakeShopAccount(manifest, tables, { ddb: ddbMock, sts: stsMock }, { now: () => clock.now });
    proof = await account.proofs.headers(shopCallerArn('inventory-agent'));
    const handler = createLambdaHandler({
      manifest,
      server: 'commerce',
      tools: shopTools,
      env: SHOP_LAMBDA_ENV,
      audit: memoryAuditSink(),
      metrics: { put: () => undefined },
      logger: { debug() {}, info() {}, warn() {}, error() {}, child() { return this; } },
      clients: account.clients,
      now: () => clock.now,
    });
    const setStatus = (status: string) =>
      account.clients.dynamodb!.send(new PutCommand({ TableName: SHOP_LAMBDA_ENV.WARDEN_AGENT_STATUS_TABLE, Item: { agent: 'inventory-agent', status } }));
    return { handler, clock, setStatus };
  }

  it('assumes the data role afresh after the agent was contained and released, instead of reusing the old session', async () => {
    const { handler, clock, setStatus } = await setup();
    expect((await handler(search())).statusCode).toBe(200);
    expect((await handler(search())).statusCode).toBe(200);
    expect(stsMock.commandCalls(AssumeRoleCommand)).toHaveLength(1); // cached while active
    await setStatus('contained');
    clock.now += 5_000;
    expect((await handler(search())).statusCode).toBe(403);
    await setStatus('active');
    clock.now += 5_000;
    expect((await handler(search())).statusCode).toBe(200);
    expect(stsMock.commandCalls(AssumeRoleCommand)).toHaveLength(2);
  });

  it.each(['x-unknown', 'gzip'])('answers a body sent with Content-Encoding %s with 415', async (encoding) => {
    const { handler } = await setup();
    const response = await handler(event({ jsonrpc: '2.0', id: 1, method: 'ping' }, { 'content-encoding': encoding }));
    expect(response.statusCode).toBe(415);
    expect(JSON.parse(response.body).error.message).toMatch(/Content-Encoding/);
  });
});

describe('DataRoleCredentials.clear(agent)', () => {
  it("forgets one agent's sessions and keeps the others'", async () => {
    stsMock.reset();
    let n = 0;
    stsMock.on(AssumeRoleCommand).callsFake(async () => ({ Credentials: { AccessKeyId: `ASIA${++n}`, SecretAccessKey: 's', SessionToken: 't', Expiration: new Date(Date.now() + 900_000) } }));
    const credentials = new DataRoleCredentials({ sts: new STSClient({ region: 'eu-west-1' }), server: 'commerce', roleArnOf: (a) => `arn:aws:iam::123456789012:role/${a}` });
    await credentials.get('a', 'read');
    await credentials.get('a', 'write');
    await credentials.get('b', 'read');
    credentials.clear('a');
    expect(credentials.size).toBe(1);
    expect((await credentials.get('b', 'read')).accessKeyId).toBe('ASIA3');
    expect((await credentials.get('a', 'read')).accessKeyId).toBe('ASIA4');
  });
});
