import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { STSClient } from '@aws-sdk/client-sts';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { DataRoleCredentials, DynamoDataset, DynamoDatasetFactory, type CredentialsProvider } from '../../../../constructs/mcp-server/runtime';
import { AccessModel } from '../../../../lib/policy/access-model';
import { DatasetAccessError } from '../../../../lib/runtime/dataset-client';
import { shopManifest, shopTables } from '../shop-manifest';
import { FakeDataRoles } from './fake-data-roles';
import { FakeDynamoDB } from './fake-dynamodb';

const ddbMock = mockClient(DynamoDBDocumentClient);
const stsMock = mockClient(STSClient);
const manifest = shopManifest();
const tables = shopTables(manifest);
const model = new AccessModel(manifest);
const tool = (ref: string) => model.resolveTool(ref).tool;
const docClient = (credentials: CredentialsProvider) => DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'eu-west-1', credentials }));

describe('DynamoDatasetFactory', () => {
  let fake: FakeDynamoDB;
  let roles: FakeDataRoles;
  let credentials: DataRoleCredentials;
  let factory: DynamoDatasetFactory;

  beforeEach(() => {
    ddbMock.reset();
    stsMock.reset();
    fake = new FakeDynamoDB();
    for (const d of manifest.datasets) fake.createTable(tables[d.name]!, { partitionKey: 'pk' }, [{ pk: `${d.name}-1`, value: 1 }]);
    roles = new FakeDataRoles(manifest, tables);
    roles.install(stsMock);
    fake.authorize = roles.authorize;
    fake.install(ddbMock);
    credentials = new DataRoleCredentials({ sts: new STSClient({ region: 'eu-west-1' }), server: 'commerce', roleArnOf: roles.roleArnOf });
    factory = new DynamoDatasetFactory({ manifest, server: 'commerce', tables, credentials, documentClient: docClient });
  });

  it("reads the tool's own table signed with the calling agent's data-role session", async () => {
    const stock = factory.forTool('inventory-agent', tool('commerce/get_stock'));
    await expect(stock.get('inventory-1')).resolves.toEqual({ pk: 'inventory-1', value: 1 });
    expect(fake.calls).toHaveLength(1);
    expect(fake.calls[0]?.table).toBe('shop-prod-inventory');
    expect(roles.agentOf(fake.calls[0]?.accessKeyId)).toBe('inventory-agent');
  });

  it('lets a write tool change its table', async () => {
    const update = factory.forTool('inventory-agent', tool('commerce/update_stock'));
    await update.update('inventory-1', { value: 2 });
    expect(fake.items('shop-prod-inventory')[0]).toEqual({ pk: 'inventory-1', value: 2 });
  });

  it('gives a read tool a client whose write methods refuse, naming the tool and the fix', async () => {
    const stock = factory.forTool('inventory-agent', tool('commerce/get_stock'));
    expect(stock.writable).toBe(false);
    await expect(stock.put({ pk: 'inventory-2', value: 9 })).rejects.toBeInstanceOf(DatasetAccessError);
    await expect(stock.delete('inventory-1')).rejects.toThrow(/"get_stock" has read access .* "access: write"/);
    expect(fake.calls).toEqual([]);
  });

  it("signs read tools with a read-only session, so even code bypassing the wrapper can't write", async () => {
    // the inventory agent's data role may write the inventory table (update_stock) ...
    const readSession = () => credentials.get('inventory-agent', 'read');
    const raw = new DynamoDataset({ client: docClient(readSession), tableName: 'shop-prod-inventory', name: 'inventory' });
    // ... but the session a read tool runs with may not
    await expect(raw.put({ pk: 'inventory-2', value: 9 })).rejects.toThrow(/not authorized to perform dynamodb:PutItem/);
    await expect(raw.get('inventory-1')).resolves.toBeDefined();
  });

  it("cannot reach another agent's data even when asked for it (IAM refuses the data role)", async () => {
    // the guard never lets the inventory agent call get_customer; if a bug did, its data role still can't read customers
    const customers = factory.forTool('inventory-agent', tool('commerce/get_customer'));
    await expect(customers.get('customers-1')).rejects.toThrow(/inventory-agent-data is not authorized to perform dynamodb:GetItem on shop-prod-customers/);
  });

  it('shares one session and one client between the tools of an agent with the same access', async () => {
    await factory.forTool('support-agent', tool('commerce/get_order')).get('orders-1');
    await factory.forTool('support-agent', tool('commerce/get_customer')).get('customers-1');
    await factory.forTool('support-agent', tool('commerce/list_customer_orders')).scan();
    expect(roles.assumeRoleCalls).toHaveLength(1);
    expect(new Set(fake.calls.map((c) => c.accessKeyId)).size).toBe(1);
  });

  it('fails at start-up when a dataset of the server has no table configured', () => {
    const { orders: _orders, ...withoutOrders } = tables;
    expect(() => new DynamoDatasetFactory({ manifest, server: 'commerce', tables: withoutOrders, credentials })).toThrow(/no table name configured for dataset\(s\) "orders"/);
  });
});
