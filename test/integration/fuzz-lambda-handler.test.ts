/**
 * Seeded fuzzing of the server Lambda (createLambdaHandler with fake STS and DynamoDB, each agent
 * sending the caller proof its transport would, a few events none): the
 * same ~2,000 mutated messages as the dev-server fuzz, delivered as API Gateway REST proxy
 * events with the gateway's quirks: header names in any case, multiValueHeaders (alone or with
 * headers), base64 bodies (valid and invalid), null bodies, missing requestContext or identity,
 * other HTTP methods and resources. Every answer: no 5xx, a JSON-RPC body, nothing internal,
 * within 5 s; a normal call still works afterwards and the heap stays bounded.
 */
import { STSClient } from '@aws-sdk/client-sts';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { createLambdaHandler, type LambdaHandler } from '../../constructs/mcp-server/runtime/handler';
import shopTools from '../../examples/shop/tools';
import { sampleData } from '../../examples/shop/sample-data';
import { shopManifest, shopTables } from '../constructs/mcp-server/shop-manifest';
import type { FakeDynamoDB } from '../constructs/mcp-server/runtime/fake-dynamodb';
import { fakeShopAccount, SHOP_LAMBDA_ENV, shopCallerArn } from '../constructs/mcp-server/runtime/fake-shop-account';
import { fuzzCampaign, fuzzRequest, pick, rng, type Answer, type FuzzRequest, type Rng } from './fuzz-messages';

const SEED = Number(process.env.FUZZ_SEED ?? 20240611);
const CASES = 2_000;
const MAX_MS = 5_000;

const ddbMock = mockClient(DynamoDBDocumentClient);
const stsMock = mockClient(STSClient);
const manifest = shopManifest();
const tables = shopTables(manifest);
const data = sampleData();
const ENV = SHOP_LAMBDA_ENV;
const AGENTS = manifest.agents.map((a) => a.name);
const callerArn = shopCallerArn;
const TOOLS = manifest.servers.flatMap((s) => s.tools.map((t) => t.name));

let fake: FakeDynamoDB;
let handler: LambdaHandler;
/** Each agent's caller-proof headers, made once (a proof is valid for 5 minutes, the campaign takes seconds). */
const PROOFS = new Map<string, Record<string, string>>();

beforeAll(async () => {
  const account = fakeShopAccount(manifest, tables, { ddb: ddbMock, sts: stsMock });
  for (const agent of AGENTS) PROOFS.set(agent, await account.proofs.headers(callerArn(agent)));
  fake = account.fake;
  handler = createLambdaHandler({
    manifest,
    server: 'commerce',
    tools: shopTools,
    env: ENV,
    audit: { emit: () => undefined },
    metrics: { put: () => undefined },
    logger: { debug() {}, info() {}, warn() {}, error() {}, child() { return this; } },
    clients: account.clients,
  });
});

const caseOf = (r: Rng, name: string) => pick(r, [name, name.toLowerCase(), name.toUpperCase(), name.replace(/(^|-)(\w)/g, (_m, d: string, c: string) => d + c.toUpperCase())]);

/** A fuzzed request as API Gateway would (or, for the odd shapes, might) deliver it. */
function toEvent(r: Rng, req: FuzzRequest, n: number): { event: APIGatewayProxyEvent; req: FuzzRequest } {
  const labels: string[] = [];
  const agent = pick(r, AGENTS);
  // the caller proof the agent's transport sends; now and then none, as a direct invoker would
  const proof = r() < 0.03 ? (labels.push('no caller proof'), {}) : PROOFS.get(agent)!;
  const merged: Record<string, string | string[] | undefined> = { 'content-type': 'application/json', accept: 'application/json, text/event-stream', 'mcp-protocol-version': '2025-06-18', ...proof, ...req.headers };
  const headers: Record<string, string> = {};
  const multi: Record<string, string[]> = {};
  for (const [name, value] of Object.entries(merged)) {
    if (value === undefined) continue;
    const key = caseOf(r, name);
    const values = Array.isArray(value) ? value : [value];
    headers[key] = values.at(-1)!; // API Gateway's single-value view keeps the last
    multi[key] = values;
  }
  const shape = r();
  let headerView: { headers: APIGatewayProxyEvent['headers']; multiValueHeaders: APIGatewayProxyEvent['multiValueHeaders'] } = { headers, multiValueHeaders: multi };
  if (shape < 0.05) (headerView = { headers: null as never, multiValueHeaders: multi }), labels.push('only multiValueHeaders');
  else if (shape < 0.1) (headerView = { headers, multiValueHeaders: null as never }), labels.push('only headers');
  else if (shape < 0.12) (headerView = { headers: null as never, multiValueHeaders: null as never }), labels.push('no headers');

  let body: string | null;
  let isBase64Encoded = false;
  let sent: Buffer = req.body;
  const encoding = r();
  if (encoding < 0.2) {
    body = req.body.toString('base64');
    isBase64Encoded = true;
    labels.push('base64');
  } else if (encoding < 0.25) {
    body = pick(r, ['!!!not base64!!!', 'eyJqc29ucnBjIjoiMi4wIn0', `${req.body.toString('base64')}$`, '====', 'e30=\n', '']);
    isBase64Encoded = true;
    sent = Buffer.from('\u0000invalid base64\u0000'); // what was sent is not the message
    labels.push(`bad base64 ${body.slice(0, 12)}`);
  } else if (encoding < 0.28) {
    body = null;
    sent = Buffer.alloc(0);
    labels.push('body null');
  } else {
    // API Gateway hands text bodies over as (valid) UTF-8 strings
    body = req.body.toString('utf8');
    sent = Buffer.from(body, 'utf8');
  }

  const who = r();
  let requestContext: unknown = { requestId: `fuzz-${n}`, identity: { userArn: callerArn(agent), sourceIp: '10.0.1.20' } };
  if (who < 0.04) (requestContext = undefined), labels.push('no requestContext');
  else if (who < 0.08) (requestContext = { requestId: `fuzz-${n}` }), labels.push('no identity');
  else if (who < 0.12) (requestContext = { requestId: `fuzz-${n}`, identity: { userArn: null, sourceIp: null } }), labels.push('null userArn');
  else if (who < 0.16) (requestContext = { requestId: `fuzz-${n}`, identity: { userArn: 'arn:aws:sts::999999999999:assumed-role/shop-prod-support-agent-caller/x' } }), labels.push('foreign account');

  const route = req.path === '/mcp/commerce' ? '/mcp' : req.path.replace('/commerce', '');
  const event = {
    httpMethod: req.method,
    path: route,
    resource: route === '/mcp' ? '/mcp' : pick(r, [route, undefined, '/{proxy+}']),
    ...headerView,
    queryStringParameters: null,
    multiValueQueryStringParameters: null,
    pathParameters: null,
    stageVariables: null,
    body,
    isBase64Encoded,
    requestContext,
  } as unknown as APIGatewayProxyEvent;
  return { event, req: { ...req, body: sent, label: [req.label, ...labels].filter(Boolean).join(', ') } };
}

async function runFuzz(seed: number, n: number, collect: (req: FuzzRequest, a: Answer) => void): Promise<void> {
  const r = rng(seed);
  const context = { orderId: data.orders[0]!.id, customerId: data.customers[0]!.id, sku: data.products[0]!.id, tools: TOOLS };
  const cases = Array.from({ length: n }, (_, i) => toEvent(r, fuzzRequest(r, context), i));
  let next = 0;
  const worker = async () => {
    while (next < cases.length) {
      const { event, req } = cases[next++]!;
      const started = Date.now();
      const result = await handler(event);
      collect(req, { status: result.statusCode, body: result.body, ms: Date.now() - started });
      if (next % 200 === 0) {
        // the mocks record every call; keep that history from counting as the handler's memory
        ddbMock.resetHistory();
        stsMock.resetHistory();
        fake.calls.length = 0;
      }
    }
  };
  await Promise.all(Array.from({ length: 8 }, worker));
}

/** A well-formed call of support-agent, as API Gateway delivers it, with its caller proof. */
const normalEvent = (): APIGatewayProxyEvent => {
  const { event } = toEvent(rng(1), { method: 'POST', path: '/mcp/commerce', headers: {}, body: Buffer.from(JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'search_products', arguments: { limit: 2 } } })), label: '' }, 0);
  const headers = { 'content-type': 'application/json', accept: 'application/json, text/event-stream', 'mcp-protocol-version': '2025-06-18', ...PROOFS.get('support-agent')! };
  return { ...event, headers, multiValueHeaders: {}, isBase64Encoded: false, body: event.isBase64Encoded ? Buffer.from(event.body!, 'base64').toString('utf8') : event.body, requestContext: { requestId: 'normal', identity: { userArn: callerArn('support-agent'), sourceIp: '10.0.1.20' } } as never };
};

it(`answers ${CASES} fuzzed API Gateway events (seed ${SEED}) with no 5xx, no internals, within ${MAX_MS} ms, on a bounded heap`, async () => {
  // the Lambda always answers with a body: no HTTP-level empty answers except a notification's 202
  const { statuses, failures, heapGrowthBytes } = await fuzzCampaign('lambda', SEED, CASES, { maxMs: MAX_MS, tools: () => TOOLS, emptyStatuses: [202] }, runFuzz);
  expect(failures).toEqual([]);
  // the whole campaign is bounded by the test timeout (no stopwatch: timings belong in the bench)
  expect(heapGrowthBytes).toBeLessThan(20 * 1024 * 1024);
  expect(statuses.get(200) ?? 0).toBeGreaterThan(CASES / 10);
  expect(statuses.get(400) ?? 0).toBeGreaterThan(CASES / 10);
}, 120_000);

it('still answers a normal call after the fuzzing', async () => {
  const result = await handler(normalEvent());
  expect(result.statusCode).toBe(200);
  expect(JSON.parse(result.body).result.isError).toBeFalsy();
});
