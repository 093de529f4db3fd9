import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { DynamoDataset } from '../../../../constructs/mcp-server/runtime';
import { DatasetConflictError, type DatasetClient, type DatasetItem, type Page } from '../../../../lib/runtime/dataset-client';
import { InMemoryDataset } from '../../../../lib/runtime/memory-dataset';
import { FakeDynamoDB } from './fake-dynamodb';

const ddbMock = mockClient(DynamoDBDocumentClient);
const TABLE = 'shop-prod-orders';

const ORDERS: DatasetItem[] = Array.from({ length: 30 }, (_, i) => ({
  customerId: `CUS-${String(i % 4).padStart(3, '0')}`,
  orderId: `ORD-${String(i).padStart(6, '0')}`,
  status: i % 3 === 0 ? 'shipped' : 'open',
  note: i % 5 === 0 ? 'gift wrap please' : 'standard',
  total: 10 * i,
}));

/** Reads every page, following cursors, as tool code would. */
async function all(read: (cursor?: string) => Promise<Page>): Promise<DatasetItem[]> {
  const items: DatasetItem[] = [];
  let cursor: string | undefined;
  do {
    const page = await read(cursor);
    items.push(...page.items);
    cursor = page.cursor;
  } while (cursor);
  return items;
}

describe('DynamoDataset', () => {
  let fake: FakeDynamoDB;
  let dynamo: DynamoDataset;
  let memory: InMemoryDataset;

  beforeEach(() => {
    ddbMock.reset();
    fake = new FakeDynamoDB();
    fake.createTable(TABLE, { partitionKey: 'customerId', sortKey: 'orderId' }, ORDERS);
    fake.pageItems = 7; // force multi-page reads, as 1 MB pages would on a real table
    fake.install(ddbMock);
    const client = DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'eu-west-1' }));
    dynamo = new DynamoDataset({ client, tableName: TABLE, name: 'orders', partitionKey: 'customerId', sortKey: 'orderId' });
    memory = new InMemoryDataset({ name: 'orders', partitionKey: 'customerId', sortKey: 'orderId', items: ORDERS });
  });

  describe('behaves like the in-memory dataset tool code is developed against', () => {
    const both = (fn: (d: DatasetClient) => Promise<unknown>) => Promise.all([fn(dynamo), fn(memory)]);

    it('gets an item by its full key, and nothing for a missing one', async () => {
      const [d, m] = await both((ds) => ds.get({ customerId: 'CUS-001', orderId: 'ORD-000005' }));
      expect(d).toEqual(m);
      expect(d).toMatchObject({ total: 50 });
      await expect(dynamo.get({ customerId: 'CUS-001', orderId: 'ORD-999999' })).resolves.toBeUndefined();
    });

    it('queries a partition in sort-key order, both directions, across pages', async () => {
      for (const ascending of [true, false]) {
        const [d, m] = await both((ds) => all((cursor) => ds.query({ partition: 'CUS-002', ascending, limit: 3, cursor })));
        expect(d).toEqual(m);
        expect(d).toHaveLength(7);
      }
    });

    it('applies sort-key conditions: equality, prefix and range', async () => {
      for (const sortKey of [{ eq: 'ORD-000010' }, { beginsWith: 'ORD-00001' }, { between: ['ORD-000004', 'ORD-000020'] as [string, string] }]) {
        const [d, m] = await both((ds) => all((cursor) => ds.query({ partition: 'CUS-002', sortKey, cursor })));
        expect(d).toEqual(m);
      }
    });

    it('scans with equality, contains and prefix filters, paging until the limit is met', async () => {
      const filter = { status: 'shipped', note: { contains: 'gift' } };
      const [d, m] = await both((ds) => all((cursor) => ds.scan({ filter, limit: 1, cursor })));
      expect(sortById(d as DatasetItem[])).toEqual(sortById(m as DatasetItem[]));
      expect(d).toHaveLength(2); // orders 0 and 15
      const [dp] = await both((ds) => all((cursor) => ds.scan({ filter: { customerId: { beginsWith: 'CUS-00' } }, limit: 4, cursor })));
      expect(dp).toHaveLength(30);
    });

    it('returns no more items per page than asked', async () => {
      const page = await dynamo.scan({ limit: 5 });
      expect(page.items).toHaveLength(5);
      expect(page.cursor).toBeDefined();
    });

    it('puts, updates with optimistic concurrency and deletes', async () => {
      const key = { customerId: 'CUS-009', orderId: 'ORD-100000' };
      for (const ds of [dynamo, memory]) {
        await ds.put({ ...key, status: 'open', version: 1 });
        await expect(ds.update(key, { status: 'paid', version: 2 }, { ifMatch: { version: 1 } })).resolves.toEqual({ ...key, status: 'paid', version: 2 });
        await expect(ds.update(key, { status: 'refunded' }, { ifMatch: { version: 1 } })).rejects.toBeInstanceOf(DatasetConflictError);
        await ds.delete(key);
        await expect(ds.get(key)).resolves.toBeUndefined();
      }
    });

    it('refuses to update an item that does not exist', async () => {
      for (const ds of [dynamo, memory]) {
        await expect(ds.update({ customerId: 'CUS-404', orderId: 'ORD-404404' }, { status: 'paid' })).rejects.toBeInstanceOf(DatasetConflictError);
      }
      expect(fake.items(TABLE).some((i) => i.customerId === 'CUS-404')).toBe(false);
    });

    it('refuses to change key attributes or use an incomplete key', async () => {
      for (const ds of [dynamo, memory]) {
        await expect(ds.update({ customerId: 'CUS-001', orderId: 'ORD-000001' }, { orderId: 'ORD-000002' })).rejects.toThrow(/key attribute "orderId"/);
        await expect(ds.get('CUS-001')).rejects.toThrow(/exactly the attributes "customerId" and "orderId"/);
      }
    });
  });

  it('stores attribute names DynamoDB reserves (status, name, data) without errors', async () => {
    await dynamo.update({ customerId: 'CUS-001', orderId: 'ORD-000001' }, { name: 'x', data: 'y', status: 'z' });
    await expect(dynamo.get({ customerId: 'CUS-001', orderId: 'ORD-000001' })).resolves.toMatchObject({ name: 'x', data: 'y', status: 'z' });
  });

  it('refuses a forged cursor that is not a key of this table', async () => {
    const forged = Buffer.from(JSON.stringify({ customerId: 'CUS-001', orderId: 'ORD-1', extra: 'x' })).toString('base64url');
    await expect(dynamo.scan({ cursor: forged })).rejects.toThrow(/invalid cursor/);
    await expect(dynamo.query({ partition: 'CUS-001', cursor: 'not base64 json' })).rejects.toThrow(/invalid cursor/);
  });
});

function sortById(items: DatasetItem[]): DatasetItem[] {
  return [...items].sort((a, b) => String(a.orderId).localeCompare(String(b.orderId)));
}
