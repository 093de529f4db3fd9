/**
 * Issue 7, point 6 (the work one call can cause): a `search_products` that matches nothing
 * scanned up to 10 × 1 MB of a pay-per-request table. Each tool call now reads within a budget
 * the runtime hands it (`ctx.readBudget`, `guard.readUnitsPerCall`), charged with what DynamoDB
 * reports it consumed. Run against dynalite (a DynamoDB emulator with real 1 MB pages and
 * consumed-capacity accounting) on loopback.
 */
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { BatchWriteCommand, DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DynamoDataset } from '../../../../constructs/mcp-server/runtime/dynamo-dataset';
import commerceTools from '../../../../examples/shop/tools';
import { loadManifest, type Manifest } from '../../../../lib/config';
import { createGuard, InMemoryAgentStatusStore, InMemoryRateLimiter, memoryAuditSink } from '../../../../lib/guard';
import { createMcpHandler, jsonLogger, readOnlyDataset, ReadBudget } from '../../../../lib/runtime';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const dynalite = require('dynalite') as (options: { createTableMs: number }) => Server;

const TABLE = 'shop-prod-catalog';
const ITEMS = 48;
/** ~200 KB each (description and searchText): 48 items are ~9.7 MB, ten 1 MB pages as in the red team's finding. */
const DESCRIPTION = 'a sturdy garden chair '.repeat(4600);
const role = (agent: string) => `arn:aws:sts::123456789012:assumed-role/shop-prod-${agent}-caller/session-1`;

let server: Server;
let doc: DynamoDBDocumentClient;
/** Scan pages the table was asked for, and the capacity each consumed. */
const scans: number[] = [];

beforeAll(async () => {
  server = dynalite({ createTableMs: 0 });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', () => done()));
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const raw = new DynamoDBClient({ endpoint, region: 'eu-west-1', credentials: { accessKeyId: 'AKIDLOCAL', secretAccessKey: 'local' } });
  await raw.send(new CreateTableCommand({ TableName: TABLE, BillingMode: 'PAY_PER_REQUEST', AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }], KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }] }));
  doc = DynamoDBDocumentClient.from(raw);
  for (let batch = 0; batch < ITEMS / 4; batch++) {
    const items = Array.from({ length: 4 }, (_, i) => {
      const n = batch * 4 + i;
      return { pk: `SKU-${10001 + n}`, name: `Chair ${n}`, category: 'garden', price: 50, currency: 'USD', description: DESCRIPTION, searchText: `chair ${n} garden ${DESCRIPTION}` };
    });
    await doc.send(new BatchWriteCommand({ RequestItems: { [TABLE]: items.map((Item) => ({ PutRequest: { Item } })) } }));
  }
  // count the Scan pages every test reads
  doc.middlewareStack.add(
    (next, context) => async (args) => {
      const out = await next(args);
      if (context.commandName === 'ScanCommand') scans.push(Number((out.output as { ConsumedCapacity?: { CapacityUnits?: number } }).ConsumedCapacity?.CapacityUnits ?? 0));
      return out;
    },
    { step: 'initialize', name: 'countScans' },
  );
}, 60_000);

afterAll(async () => {
  await new Promise<void>((done) => server.close(() => done()));
});

beforeEach(() => {
  scans.length = 0;
});

function handlerFor(manifest: Manifest) {
  const guard = createGuard({ manifest, adapters: { status: new InMemoryAgentStatusStore(), rateLimiter: new InMemoryRateLimiter(), audit: memoryAuditSink(), metrics: { put: () => undefined } } });
  const commerceOnly = { ...manifest, servers: manifest.servers.filter((s) => s.name === 'commerce') };
  return createMcpHandler({
    manifest: commerceOnly,
    guard,
    tools: { commerce: commerceTools },
    datasets: ({ tool }) => readOnlyDataset(new DynamoDataset({ client: doc, tableName: TABLE, name: 'catalog' }), tool.name),
    logger: jsonLogger({ write: () => undefined }),
  });
}

async function search(manifest: Manifest, query: string) {
  const res = await handlerFor(manifest).handle({
    server: 'commerce',
    caller: { principalArn: role('inventory-agent') },
    request: {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'search_products', arguments: { query, limit: 10 } } }),
    },
  });
  return JSON.parse(res.body).result as { isError?: boolean; structuredContent?: { products: unknown[]; cursor?: string } };
}

describe('the read budget of one tool call', () => {
  const { manifest } = loadManifest('warden.config.yaml');

  it('reads the whole ~9.7 MB table when nothing bounds the scan (what one call cost before)', async () => {
    const page = await new DynamoDataset({ client: doc, tableName: TABLE, name: 'catalog' }).scan({ filter: { searchText: { contains: 'no such product' } }, limit: 10 });
    expect(page.items).toEqual([]);
    expect(scans.length).toBeGreaterThanOrEqual(9);
  });

  it('stops a non-matching search_products after the default 256 read units (two 1 MB pages) and returns a cursor', async () => {
    const result = await search(manifest, 'no such product');
    expect(result.isError).toBeFalsy();
    expect(result.structuredContent).toMatchObject({ products: [], cursor: expect.any(String) });
    expect(scans).toHaveLength(2);
    expect(scans.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(256 + 128); // at most one page over
  });

  it('takes the budget from guard.readUnitsPerCall', async () => {
    await search({ ...manifest, guard: { ...manifest.guard, readUnitsPerCall: 100 } }, 'no such product');
    expect(scans).toHaveLength(1);
  });

  it('charges what DynamoDB reports it consumed, and refuses a read that would start with nothing left', async () => {
    const budget = new ReadBudget(10);
    const dataset = new DynamoDataset({ client: doc, tableName: TABLE, name: 'catalog' }).withReadBudget(budget);
    expect(await dataset.get('SKU-10001')).toMatchObject({ name: 'Chair 0' });
    expect(budget.used).toBe(25); // a ~200 KB item: 50 × 4 KB, eventually consistent
    await expect(dataset.get('SKU-10002')).rejects.toThrow(/read budget \(10 read units\)/);
    expect(scans).toHaveLength(0);
  });
});
