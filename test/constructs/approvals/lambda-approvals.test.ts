/**
 * Human approval on the AWS path: the commerce Lambda handler (the real one) holds the shop's
 * `update_price` past its limit, records it in the approvals table (an in-memory DynamoDB with
 * conditional writes behind the document-client mock) and publishes the notice to SNS
 * (aws-sdk-client-mock recording what was published); `decideApproval` over DynamoApprovalsStore
 * (what `warden approve` runs) approves it; the agent's retry runs once.
 */
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { STSClient } from '@aws-sdk/client-sts';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { DynamoApprovalsStore } from '../../../constructs/approvals/runtime';
import { createLambdaHandler, type LambdaHandler } from '../../../constructs/mcp-server/runtime/handler';
import shopTools from '../../../examples/shop/tools';
import { sampleDatasets } from '../../../examples/shop/sample-data';
import { ApprovalDecisionError, decideApproval } from '../../../lib/approvals';
import { memoryAuditSink, type MemoryAuditSink } from '../../../lib/guard/audit-sinks';
import { shopManifest, shopTables } from '../mcp-server/shop-manifest';
import type { FakeDynamoDB } from '../mcp-server/runtime/fake-dynamodb';
import { fakeShopAccount, SHOP_LAMBDA_ENV, shopCallerArn } from '../mcp-server/runtime/fake-shop-account';
import { proxyEvent } from '../mcp-server/runtime/proxy-event';
import type { CallerProofs } from '../../support/sts/caller-proofs';

const ddbMock = mockClient(DynamoDBDocumentClient);
const stsMock = mockClient(STSClient);
const snsMock = mockClient(SNSClient);
const manifest = shopManifest();
const tables = shopTables(manifest);
const PRICING = shopCallerArn('pricing-agent');
const MERCH_LEAD = 'arn:aws:sts::111122223333:assumed-role/AWSReservedSSO_ShopMerchLead_5e6f/carol';
const catalog = sampleDatasets().catalog;
const product = catalog[0]! as { id: string; price: number };
/** A move far past the 24-hour 50 % limit. */
const BIG_MOVE = { sku: product.id, price: Math.round(product.price * 300) / 100, reason: 'competitor tripled theirs', beyondLimit: true };

let fake: FakeDynamoDB;
let proofs: CallerProofs;
let audit: MemoryAuditSink;
let handler: LambdaHandler;
let published: Array<Record<string, unknown>>;
let requests = 0;
let documentClient: DynamoDBDocumentClient;

beforeEach(() => {
  ddbMock.reset();
  stsMock.reset();
  snsMock.reset();
  published = [];
  snsMock.on(PublishCommand).callsFake((input: Record<string, unknown>) => (published.push(input), { MessageId: `m-${published.length}` }));
  const account = fakeShopAccount(manifest, tables, { ddb: ddbMock, sts: stsMock });
  fake = account.fake;
  // the catalog keyed as the dataset reads it (pk = the product id)
  fake.createTable(tables.catalog!, { partitionKey: 'pk' }, catalog.map((p) => ({ ...p })));
  proofs = account.proofs;
  documentClient = account.clients.dynamodb!;
  audit = memoryAuditSink();
  handler = createLambdaHandler({
    manifest,
    server: 'commerce',
    tools: shopTools,
    env: SHOP_LAMBDA_ENV,
    audit,
    metrics: { put: () => undefined },
    logger: { debug() {}, info() {}, warn() {}, error() {}, child() { return this; } },
    clients: { ...account.clients, sns: new SNSClient({ region: 'eu-west-1' }) },
  });
});

async function call(args: Record<string, unknown>, options: { caller?: string; approval?: string } = {}) {
  const caller = options.caller ?? PRICING;
  requests++;
  const body = { jsonrpc: '2.0', id: requests, method: 'tools/call', params: { name: 'update_price', arguments: args, ...(options.approval ? { _meta: { 'mcp-warden/approval': options.approval } } : {}) } };
  const response = await handler(proxyEvent({ body, caller, headers: { 'mcp-protocol-version': '2025-11-25', ...(await proofs.headers(caller)) } }));
  return JSON.parse(response.body).result as { isError?: boolean; content: Array<{ text: string }>; structuredContent?: { approval?: { id: string } } };
}
const priceNow = () => fake.items(tables.catalog!).find((i) => i.pk === product.id)!.price;
/** The approvals table as the CLI reads and writes it (the same in-memory DynamoDB). */
const store = () => new DynamoApprovalsStore({ client: documentClient, tableName: SHOP_LAMBDA_ENV.WARDEN_APPROVALS_TABLE });
const decide = (id: string, decidedBy: string) => decideApproval({ manifest, store: store(), audit }, { id, verdict: 'approved', decidedBy, reason: 'matches the competitor' });

describe('the commerce Lambda with a held update_price', () => {
  it('holds the call, records it, notifies the approvers on SNS, and does not run it', async () => {
    const before = priceNow();
    const held = await call(BIG_MOVE);
    expect(held.isError).toBeFalsy();
    const id = held.structuredContent!.approval!.id;
    expect(held.content[0]!.text).toMatch(new RegExp(`Pending approval ID ${id}`));
    expect(priceNow()).toBe(before);
    expect((await store().get(id))!.request).toMatchObject({ agent: 'pricing-agent', server: 'commerce', tool: 'update_price', argsSha256: expect.stringMatching(/^[0-9a-f]{64}$/) });
    expect(published).toEqual([expect.objectContaining({ TopicArn: SHOP_LAMBDA_ENV.WARDEN_APPROVALS_TOPIC, MessageAttributes: expect.objectContaining({ approvalId: { DataType: 'String', StringValue: id } }) })]);
    expect(String(published[0]!.Message)).toContain(`npx warden approve ${id}`);
    // what is asked, for the approver to judge
    expect(String(published[0]!.Message)).toContain(`"sku":"${product.id}","price":${BIG_MOVE.price}`);
  });

  it('does not hold a move within the limit (the condition does not hold)', async () => {
    const small = await call({ sku: product.id, price: Math.round(product.price * 105) / 100, reason: 'small move' });
    expect(JSON.parse(small.content[0]!.text)).toMatchObject({ sku: product.id, oldPrice: product.price });
    expect(small.isError).toBeFalsy();
    expect(small.structuredContent?.approval).toBeUndefined();
    expect(published).toEqual([]);
  });

  it('runs the retry once after a merchandising lead approved; a second retry and another agent are refused', async () => {
    const id = (await call(BIG_MOVE)).structuredContent!.approval!.id;
    // the agent itself cannot approve, a risk analyst is not an approver of this tool
    await expect(decide(id, PRICING)).rejects.toThrow(ApprovalDecisionError);
    await expect(decide(id, 'arn:aws:sts::111122223333:assumed-role/AWSReservedSSO_ShopRisk_1a2b/alice')).rejects.toThrow(/not an approver of commerce\/update_price/);
    await decide(id, MERCH_LEAD);

    // another agent (no update_price of its own) is refused before the approval is even looked at
    const other = await call(BIG_MOVE, { caller: shopCallerArn('inventory-agent'), approval: id });
    expect(other.isError).toBe(true);
    expect(priceNow()).toBe(product.price);
    const ran = await call(BIG_MOVE, { approval: id });
    expect(ran.isError).toBeFalsy();
    expect(priceNow()).toBe(BIG_MOVE.price);
    const again = await call(BIG_MOVE, { approval: id });
    expect(again.isError).toBe(true);
    expect(again.content[0]!.text).toMatch(/already used/);
    // request, refusals, decision, the one execution: linked by the approval id
    const linked = audit.events.map((e) => (e as { unmapped: Record<string, unknown> }).unmapped).filter((u) => u.approval_id === id);
    expect(linked.map((u) => u.outcome)).toEqual(['approval_pending', 'approval_refused', 'approval_refused', 'approval_decided', 'ok', 'approval_refused']);
    expect((await store().get(id))!.execution).toMatchObject({ id });
  });
});
