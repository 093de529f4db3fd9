import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { DynamoAgentStatusStore } from '../../../../constructs/mcp-server/runtime';
import { FakeDynamoDB } from './fake-dynamodb';

const TABLE = 'shop-prod-agent-status';
const ddbMock = mockClient(DynamoDBDocumentClient);

describe('DynamoAgentStatusStore', () => {
  let fake: FakeDynamoDB;
  let store: DynamoAgentStatusStore;

  beforeEach(() => {
    ddbMock.reset();
    fake = new FakeDynamoDB();
    fake.createTable(TABLE, { partitionKey: 'agent' }, [
      { agent: 'fraud-agent', status: 'contained', incidentId: 'inc-1' },
      { agent: 'pricing-agent', status: 'active' },
      { agent: 'support-agent', status: 'CONTAINED ' },
    ]);
    fake.install(ddbMock);
    store = new DynamoAgentStatusStore({ client: DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'eu-west-1' })), tableName: TABLE });
  });

  it('reports an agent that was never contained as active', async () => {
    await expect(store.getStatus('inventory-agent')).resolves.toBe('active');
  });

  it('reports a contained agent as contained, and a released one as active', async () => {
    await expect(store.getStatus('fraud-agent')).resolves.toBe('contained');
    await expect(store.getStatus('pricing-agent')).resolves.toBe('active');
  });

  it('treats an unrecognised status value as contained (fails closed)', async () => {
    await expect(store.getStatus('support-agent')).resolves.toBe('contained');
  });

  it('reads with strong consistency so a containment is seen by the next call', async () => {
    await store.getStatus('fraud-agent');
    expect(ddbMock.commandCalls(GetCommand)[0]?.args[0].input).toMatchObject({ TableName: TABLE, Key: { agent: 'fraud-agent' }, ConsistentRead: true });
  });

  it('propagates a read failure so the guard can fail closed', async () => {
    ddbMock.on(GetCommand).rejects(Object.assign(new Error('Rate exceeded'), { name: 'ProvisionedThroughputExceededException' }));
    await expect(store.getStatus('inventory-agent')).rejects.toThrow(/Rate exceeded/);
  });
});
