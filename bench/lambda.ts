/**
 * The server Lambda as it ships: the commerce server's entry as McpServer writes it, bundled by
 * esbuild with McpServer's settings (minified, source map without sources, AWS SDK and Smithy
 * external, zod without its locales, the Cedar WebAssembly beside it). Reported: the bundle's size (JS, map, wasm, and the
 * largest packages in the JS), and its cold init measured locally, each run in a fresh Node
 * process as Lambda starts one: module load (require of the bundle, which builds the handler:
 * manifest, guard, policies, SDK clients) and the first `tools/call`, with the caller proof
 * checked by an STS that verifies signatures (test/support/sts) and the kill switch, rate limit
 * and table on a local DynamoDB emulator (dynalite). Node's own start is not included (Lambda's
 * runtime bootstrap is not ours). The median of COLD_RUNS processes is kept.
 * `npx tsx bench/lambda.ts`, or through `npm run bench`.
 */
import { execFile } from 'node:child_process';
import { copyFileSync, rmSync, statSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { build } from 'esbuild';
import { writeHandlerEntry } from '../constructs/mcp-server/handler-entry';
import { bundleAliases, CEDAR_WASM } from '../constructs/mcp-server/mcp-server';
import { sampleData } from '../examples/shop/sample-data';
import { loadManifest } from '../lib/config';
import { precomputeDecisions } from '../lib/policy/precompute-decisions';
import { readTeamPolicies } from '../lib/policy/team-policies';
import { CallerProofs } from '../test/support/sts/caller-proofs';
import { FakeSts } from '../test/support/sts/fake-sts';
import { runStandalone } from './bench-kit';

// dynalite ships no types: a LevelDB-backed DynamoDB API server
// eslint-disable-next-line @typescript-eslint/no-require-imports
const dynalite = require('dynalite') as (options: { createTableMs?: number }) => Server;

const ROOT = join(__dirname, '..');
const COLD_RUNS = Number(process.env.BENCH_LAMBDA_RUNS ?? 5);
const SERVER = 'commerce';
const AGENT = 'support-agent';
const REGION = 'eu-west-1';
const ACCOUNT = '111122223333';
const SERVER_ID = 'c0mm3rc31d';
const LAMBDA_ROLE = { accessKeyId: 'ASIALAMBDAROLEBENCH1', secretAccessKey: 'lambda-role-secret', sessionToken: 'lambda-role-token' };
const exec = promisify(execFile);

/** What the child process prints: ms from before `require(bundle)` to after it, and to the first call's result. */
const CHILD = `
  const t0 = performance.now();
  const { handler } = require(process.env.BENCH_BUNDLE);
  const t1 = performance.now();
  let input = ''; process.stdin.on('data', (c) => (input += c)).on('end', async () => {
    const t2 = performance.now();
    const result = await handler(JSON.parse(input));
    const t3 = performance.now();
    process.stdout.write('\\nRESULT ' + JSON.stringify({ moduleLoadMs: t1 - t0, firstCallMs: t3 - t2, statusCode: result.statusCode, body: result.body.slice(0, 400) }) + '\\n');
  });`;

export async function run(): Promise<object[]> {
  const { manifest, dir } = loadManifest(join(ROOT, 'warden.config.yaml'));
  const spec = manifest.servers.find((s) => s.name === SERVER)!;
  const outDir = join(ROOT, 'node_modules', '.cache', 'mcp-warden-bench', `lambda-${process.pid}`);
  const extraPolicies = readTeamPolicies(manifest, dir);
  // as McpServer writes it: with Cedar's decisions for the server computed here, at "synth"
  const decisions = process.env.BENCH_LAMBDA_NO_TABLE ? undefined : precomputeDecisions(manifest, { server: SERVER, extraPolicies });
  const entry = writeHandlerEntry(join(outDir, 'entry'), { manifest, server: SERVER, toolModule: join(dir, spec.entry), extraPolicies, decisions });
  const bundle = join(outDir, 'asset', 'index.js');
  // McpServer's bundling options (constructs/mcp-server/mcp-server.ts), on this machine's Node.
  // BENCH_LAMBDA_BUNDLE_SDK=1: the AWS SDK bundled (tree-shaken, minified) instead of loaded from
  // the runtime, to compare the module load of both.
  const external = process.env.BENCH_LAMBDA_BUNDLE_SDK ? [] : ['@aws-sdk/*', '@smithy/*'];
  const built = await build({
    entryPoints: [entry], outfile: bundle, bundle: true, platform: 'node', target: `node${process.versions.node.split('.')[0]}`, format: 'cjs',
    minify: true, sourcemap: true, sourcesContent: false, external, alias: bundleAliases(join(outDir, 'entry')), metafile: true, logLevel: 'silent',
  });
  copyFileSync(CEDAR_WASM, join(outDir, 'asset', 'cedar_wasm_bg.wasm'));
  const js = Object.values(built.metafile.outputs).find((o) => o.entryPoint)!;
  const byPackage = new Map<string, number>();
  for (const [file, input] of Object.entries(js.inputs)) {
    const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(file)?.[1] ?? file.split('/').slice(0, 2).join('/');
    byPackage.set(pkg, (byPackage.get(pkg) ?? 0) + input.bytesInOutput);
  }
  const kb = (n: number) => Math.round(n / 102.4) / 10;
  const sizeRow = {
    measure: 'server Lambda bundle (commerce)',
    jsKB: kb(statSync(bundle).size),
    sourceMapKB: kb(statSync(`${bundle}.map`).size),
    cedarWasmKB: kb(statSync(CEDAR_WASM).size),
    largestInputsKB: Object.fromEntries([...byPackage].sort((a, b) => b[1] - a[1]).slice(0, 8).map(([k, v]) => [k, kb(v)])),
  };

  // ---- STS that verifies the caller proofs; DynamoDB with the kill switch, rate limit and orders tables
  const sts = new FakeSts(REGION);
  sts.register(LAMBDA_ROLE, `arn:aws:sts::${ACCOUNT}:assumed-role/shop-prod-${SERVER}-server/fn`);
  const stsUrl = await sts.listen();
  const proofs = new CallerProofs(sts, { region: REGION, serverId: SERVER_ID });
  const dynamo = dynalite({ createTableMs: 0 });
  await new Promise<void>((resolve) => dynamo.listen(0, '127.0.0.1', resolve));
  const dynamoUrl = `http://127.0.0.1:${(dynamo.address() as AddressInfo).port}`;
  try {
    const ddb = new DynamoDBClient({ region: REGION, endpoint: dynamoUrl, credentials: { accessKeyId: 'setup', secretAccessKey: 'setup' } });
    const table = (name: string, key: string) =>
      ddb.send(new CreateTableCommand({ TableName: name, BillingMode: 'PAY_PER_REQUEST', AttributeDefinitions: [{ AttributeName: key, AttributeType: 'S' }], KeySchema: [{ AttributeName: key, KeyType: 'HASH' }] }));
    const orders = manifest.datasets.find((d) => d.name === 'orders')!;
    await table('shop-prod-agent-status', 'agent');
    await table(`shop-prod-${SERVER}-rate-limit`, 'pk');
    await table('shop-prod-orders', orders.partitionKey ?? 'pk');
    const order = sampleData().orders[0]!;
    await DynamoDBDocumentClient.from(ddb).send(new PutCommand({ TableName: 'shop-prod-orders', Item: { ...order, [orders.partitionKey ?? 'pk']: order.id } }));
    ddb.destroy();

    const env: NodeJS.ProcessEnv = {
      PATH: process.env.PATH,
      NODE_PATH: join(ROOT, 'node_modules'),
      BENCH_BUNDLE: bundle,
      AWS_REGION: REGION,
      AWS_ACCESS_KEY_ID: LAMBDA_ROLE.accessKeyId,
      AWS_SECRET_ACCESS_KEY: LAMBDA_ROLE.secretAccessKey,
      AWS_SESSION_TOKEN: LAMBDA_ROLE.sessionToken,
      AWS_ENDPOINT_URL_STS: stsUrl,
      AWS_ENDPOINT_URL_DYNAMODB: dynamoUrl,
      WARDEN_SERVER: SERVER,
      WARDEN_SERVER_ID: SERVER_ID,
      WARDEN_AGENT_STATUS_TABLE: 'shop-prod-agent-status',
      WARDEN_RATE_LIMIT_TABLE: `shop-prod-${SERVER}-rate-limit`,
      WARDEN_DATA_ROLE_ARN_PREFIX: `arn:aws:iam::${ACCOUNT}:role/`,
      // read at start; KMS is only called when an input_required state is sealed (never in this bench)
      WARDEN_SERVER_KEY: `arn:aws:kms:${REGION}:${ACCOUNT}:key/bench-server-key`,
      // the shop holds some calls for approval (issue 13); the first call here is not one of them
      WARDEN_APPROVALS_TABLE: 'shop-prod-approvals',
      WARDEN_APPROVALS_TOPIC: `arn:aws:sns:${REGION}:${ACCOUNT}:shop-prod-warden-alerts`,
    };
    const caller = `arn:aws:sts::${ACCOUNT}:assumed-role/shop-prod-${AGENT}-caller/task-1`;
    const coldRuns: Array<{ moduleLoadMs: number; firstCallMs: number }> = [];
    for (let i = 0; i < COLD_RUNS; i++) {
      const headers = { 'content-type': 'application/json', accept: 'application/json, text/event-stream', 'mcp-protocol-version': '2025-11-25', ...(await proofs.headers(caller)) };
      const event = {
        resource: '/mcp', path: '/mcp', httpMethod: 'POST', headers,
        multiValueHeaders: Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, [v]])),
        isBase64Encoded: false,
        body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'get_order', arguments: { orderId: order.id } } }),
        requestContext: { requestId: `cold-${i}`, apiId: SERVER_ID, stage: 'v1', identity: { userArn: caller, sourceIp: '10.0.1.20' } },
      };
      // BENCH_LAMBDA_PROF=<dir>: a CPU profile of each cold start
      const prof = process.env.BENCH_LAMBDA_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_LAMBDA_PROF}`] : [];
      const child = exec(process.execPath, [...prof, '-e', CHILD], { env, cwd: ROOT, maxBuffer: 16 * 1024 * 1024 });
      child.child.stdin!.end(JSON.stringify(event));
      const line = (await child).stdout.split('\n').find((l) => l.startsWith('RESULT '));
      const result = JSON.parse(line!.slice('RESULT '.length)) as { moduleLoadMs: number; firstCallMs: number; statusCode: number; body: string };
      if (result.statusCode !== 200 || !result.body.includes(order.id)) throw new Error(`the bundled Lambda's first call failed: ${result.statusCode} ${result.body}`);
      coldRuns.push(result);
    }
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
    const r1 = (x: number) => Math.round(x * 10) / 10;
    const cold = {
      moduleLoadMs: r1(median(coldRuns.map((r) => r.moduleLoadMs))),
      firstCallMs: r1(median(coldRuns.map((r) => r.firstCallMs))),
      coldInitMs: r1(median(coldRuns.map((r) => r.moduleLoadMs + r.firstCallMs))),
      minColdInitMs: r1(Math.min(...coldRuns.map((r) => r.moduleLoadMs + r.firstCallMs))),
    };
    return [
      sizeRow,
      { measure: 'server Lambda cold init (module load + first tools/call, fresh process)', runs: COLD_RUNS, ...cold },
      { summary: 'server Lambda', bundleJsKB: sizeRow.jsKB, cedarWasmKB: sizeRow.cedarWasmKB, ...cold },
    ];
  } finally {
    await sts.close();
    await new Promise<void>((resolve) => dynamo.close(() => resolve()));
    // the profiles' positions are in the minified bundle: keep it and its map beside them
    if (process.env.BENCH_LAMBDA_PROF) for (const file of ['index.js', 'index.js.map']) copyFileSync(join(outDir, 'asset', file), join(process.env.BENCH_LAMBDA_PROF, file));
    rmSync(outDir, { recursive: true, force: true });
  }
}

runStandalone(module, run);
