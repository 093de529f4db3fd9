/**
 * Acceptance (issue 8): the BUNDLED server Lambda — the payments server's entry as McpServer
 * writes it, bundled by esbuild as NodejsFunction does (AWS SDK and Smithy external, the Cedar
 * WebAssembly beside it) — run in its own Node process against a real DynamoDB emulator
 * (dynalite) and an STS that verifies signatures (test/support/sts). A direct
 * `lambda:InvokeFunction` caller hands it an event naming fraud-agent, without fraud-agent's
 * credentials: it is refused before any data role is assumed and before DynamoDB is touched.
 * The same bundle serves fraud-agent when the event carries fraud-agent's own caller proof, so
 * the counters below are the ones a real call moves.
 */
import { execFile } from 'node:child_process';
import { copyFileSync, mkdirSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { build } from 'esbuild';
import { writeHandlerEntry } from '../../constructs/mcp-server/handler-entry';
import { CEDAR_WASM } from '../../constructs/mcp-server/mcp-server';
import { sampleData } from '../../examples/shop/sample-data';
import { CallerProofs } from '../support/sts/caller-proofs';
import { FakeSts } from '../support/sts/fake-sts';
import { defaultManifest, ROOT } from '../lib/stacks/warden-test-app';

// dynalite ships no types: a LevelDB-backed DynamoDB API server
// eslint-disable-next-line @typescript-eslint/no-require-imports
const dynalite = require('dynalite') as (options: { createTableMs?: number; deleteTableMs?: number; updateTableMs?: number }) => Server;

const REGION = 'eu-west-1';
const ACCOUNT = '111122223333';
const SERVER_ID = 'p4ym3nt5id';
const LAMBDA_ROLE = { accessKeyId: 'ASIALAMBDAROLEFAKE01', secretAccessKey: 'lambda-role-secret', sessionToken: 'lambda-role-token' };
const caller = (agent: string) => `arn:aws:sts::${ACCOUNT}:assumed-role/shop-prod-${agent}-caller/task-1`;
const run = promisify(execFile);

const { manifest } = defaultManifest();
const outDir = join(ROOT, 'node_modules', '.cache', 'mcp-warden-test', `direct-invoke-${process.pid}`);
let bundle: string;
let sts: FakeSts;
let proofs: CallerProofs;
let dynamo: Server;
let dynamoRequests = 0;
let env: NodeJS.ProcessEnv;
const order = sampleData().payments[0]!.orderId;

beforeAll(async () => {
  // ---- the bundle, as McpServer builds it
  const entry = writeHandlerEntry(join(outDir, 'entry'), { manifest, server: 'payments', toolModule: join(ROOT, 'examples/shop/payment-tools.ts'), extraPolicies: [] });
  bundle = join(outDir, 'asset', 'index.js');
  await build({ entryPoints: [entry], outfile: bundle, bundle: true, platform: 'node', target: 'node20', format: 'cjs', minify: true, external: ['@aws-sdk/*', '@smithy/*'], logLevel: 'silent' });
  mkdirSync(join(outDir, 'asset'), { recursive: true });
  copyFileSync(CEDAR_WASM, join(outDir, 'asset', 'cedar_wasm_bg.wasm'));

  // ---- STS: verifies the agents' proofs and the Lambda role's AssumeRole signatures
  sts = new FakeSts(REGION);
  sts.register(LAMBDA_ROLE, `arn:aws:sts::${ACCOUNT}:assumed-role/shop-prod-payments-server/fn`);
  const stsUrl = await sts.listen();
  proofs = new CallerProofs(sts, { region: REGION, serverId: SERVER_ID });

  // ---- DynamoDB: the kill switch, the rate limits, the payments table with its sample data
  dynamo = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  await new Promise<void>((resolve) => dynamo.listen(0, '127.0.0.1', resolve));
  const dynamoUrl = `http://127.0.0.1:${(dynamo.address() as AddressInfo).port}`;
  const ddb = new DynamoDBClient({ region: REGION, endpoint: dynamoUrl, credentials: { accessKeyId: 'setup', secretAccessKey: 'setup' } });
  const table = (name: string, key: string) =>
    ddb.send(new CreateTableCommand({ TableName: name, BillingMode: 'PAY_PER_REQUEST', AttributeDefinitions: [{ AttributeName: key, AttributeType: 'S' }], KeySchema: [{ AttributeName: key, KeyType: 'HASH' }] }));
  await table('shop-prod-agent-status', 'agent');
  await table('shop-prod-payments-rate-limit', 'pk');
  await table('shop-prod-payments', 'pk');
  const documents = DynamoDBDocumentClient.from(ddb, { marshallOptions: { removeUndefinedValues: true } });
  for (const payment of sampleData().payments.slice(0, 5)) await documents.send(new PutCommand({ TableName: 'shop-prod-payments', Item: { ...payment, pk: payment.orderId } }));
  ddb.destroy();
  dynamo.on('request', () => void dynamoRequests++);

  // ---- the function's environment, as McpServer and Lambda set it
  env = {
    PATH: process.env.PATH,
    NODE_PATH: join(ROOT, 'node_modules'),
    AWS_REGION: REGION,
    AWS_ACCESS_KEY_ID: LAMBDA_ROLE.accessKeyId,
    AWS_SECRET_ACCESS_KEY: LAMBDA_ROLE.secretAccessKey,
    AWS_SESSION_TOKEN: LAMBDA_ROLE.sessionToken,
    AWS_ENDPOINT_URL_STS: stsUrl,
    AWS_ENDPOINT_URL_DYNAMODB: dynamoUrl,
    WARDEN_SERVER: 'payments',
    WARDEN_SERVER_ID: SERVER_ID,
    // read at start; KMS is only called when an input_required state is sealed (never here)
    WARDEN_SERVER_KEY: `arn:aws:kms:eu-west-1:${ACCOUNT}:key/payments-server-key`,
    WARDEN_AGENT_STATUS_TABLE: 'shop-prod-agent-status',
    WARDEN_RATE_LIMIT_TABLE: 'shop-prod-payments-rate-limit',
    WARDEN_DATA_ROLE_ARN_PREFIX: `arn:aws:iam::${ACCOUNT}:role/`,
    // flag_payment needs approval (lib/approvals)
    WARDEN_APPROVALS_TABLE: 'shop-prod-approvals',
    WARDEN_APPROVALS_TOPIC: `arn:aws:sns:${REGION}:${ACCOUNT}:shop-prod-warden-alerts`,
  };
}, 120_000);

afterAll(async () => {
  await sts?.close();
  await new Promise<void>((resolve) => (dynamo ? dynamo.close(() => resolve()) : resolve()));
  rmSync(outDir, { recursive: true, force: true });
});

/** Invokes the bundle's `handler` with `event` in a fresh Node process, as Lambda would; returns its result and stdout (audit + EMF lines). */
async function invoke(event: unknown): Promise<{ statusCode: number; body: string; stdout: string[] }> {
  const script = `
    const { handler } = require(${JSON.stringify(bundle)});
    let input = ''; process.stdin.on('data', (c) => (input += c)).on('end', async () => {
      const result = await handler(JSON.parse(input));
      process.stdout.write('\\nRESULT ' + JSON.stringify(result) + '\\n');
    });`;
  const child = run(process.execPath, ['-e', script], { env, cwd: ROOT, maxBuffer: 16 * 1024 * 1024 });
  child.child.stdin!.end(JSON.stringify(event));
  const { stdout } = await child;
  const lines = stdout.split('\n').filter(Boolean);
  const result = JSON.parse(lines.find((l) => l.startsWith('RESULT '))!.slice('RESULT '.length)) as { statusCode: number; body: string };
  return { ...result, stdout: lines.filter((l) => !l.startsWith('RESULT ')) };
}

/** An API Gateway REST proxy event for POST /mcp, `tools/call get_payment`, claiming `claimed`. */
function paymentEvent(claimed: string, proofHeaders: Record<string, string>, requestId: string) {
  const headers = { 'content-type': 'application/json', accept: 'application/json, text/event-stream', 'mcp-protocol-version': '2025-06-18', ...proofHeaders };
  return {
    resource: '/mcp',
    path: '/mcp',
    httpMethod: 'POST',
    headers,
    multiValueHeaders: Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, [v]])),
    queryStringParameters: null,
    multiValueQueryStringParameters: null,
    pathParameters: null,
    stageVariables: null,
    isBase64Encoded: false,
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'get_payment', arguments: { orderId: order } } }),
    requestContext: { requestId, apiId: SERVER_ID, stage: 'v1', identity: { userArn: claimed, caller: 'AROAFAKE:task-1', sourceIp: '10.0.1.20' } },
  };
}

describe('the bundled payments server, invoked directly', () => {
  it('refuses a forged event naming fraud-agent with no proof (401) before any data role is assumed or any table read', async () => {
    const [assumedBefore, dynamoBefore] = [sts.count('AssumeRole'), dynamoRequests];
    const response = await invoke(paymentEvent(caller('fraud-agent'), {}, 'forged-1'));

    expect(response.statusCode).toBe(401);
    expect(JSON.parse(response.body)).toMatchObject({ jsonrpc: '2.0', error: { message: expect.stringMatching(/^Unauthorized/) } });
    expect(sts.count('AssumeRole') - assumedBefore).toBe(0);
    expect(dynamoRequests - dynamoBefore).toBe(0);
    expect(response.body).not.toContain('4111');
    // audited as a forgery, and counted on the IdentityForgery metric of the claimed agent
    const audit = response.stdout.map((l) => JSON.parse(l) as Record<string, any>);
    expect(audit).toContainEqual(expect.objectContaining({ api: expect.objectContaining({ response: expect.objectContaining({ error: 'identity_forgery' }) }), severity_id: 4 }));
    expect(audit.some((l) => l._aws && l.IdentityForgery === 1 && l.Agent === 'fraud-agent')).toBe(true);
  }, 60_000);

  it("refuses a forged event naming fraud-agent with the invoker's own proof (403), before any data role is assumed", async () => {
    const [assumedBefore, dynamoBefore] = [sts.count('AssumeRole'), dynamoRequests];
    const response = await invoke(paymentEvent(caller('fraud-agent'), await proofs.headers(caller('inventory-agent')), 'forged-2'));

    expect(response.statusCode).toBe(403);
    expect(sts.count('AssumeRole') - assumedBefore).toBe(0);
    expect(dynamoRequests - dynamoBefore).toBe(0);
    expect(sts.calls.at(-1)).toMatchObject({ action: 'GetCallerIdentity', ok: true });
  }, 60_000);

  it("serves fraud-agent's own proven call: one AssumeRole of its data role, then the payments table", async () => {
    const [assumedBefore, dynamoBefore] = [sts.count('AssumeRole'), dynamoRequests];
    const response = await invoke(paymentEvent(caller('fraud-agent'), await proofs.headers(caller('fraud-agent')), 'proven-1'));

    expect(response.statusCode).toBe(200);
    const result = JSON.parse(response.body).result;
    expect(result.isError).toBeFalsy();
    expect(JSON.stringify(result)).toContain(order);
    expect(sts.count('AssumeRole') - assumedBefore).toBe(1);
    expect(sts.calls.filter((c) => c.action === 'AssumeRole').at(-1)!.roleArn).toBe(`arn:aws:iam::${ACCOUNT}:role/shop-prod-fraud-agent-data`);
    expect(dynamoRequests - dynamoBefore).toBeGreaterThan(0);
  }, 60_000);
});
