/**
 * The server Lambda's own DynamoDB client (SigV4 JSON over node:https, no AWS SDK on the cold
 * path), against dynalite behind a front that verifies every signature and injects faults
 * (test/support/dynamodb). What it writes and reads is compared with the SDK's document client
 * on the same tables, so the marshalling is the one the stores had before.
 */
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { serviceEndpoint } from '../../../../constructs/mcp-server/runtime/aws-https';
import { isConditionalCheckFailed } from '../../../../constructs/mcp-server/runtime/document-calls';
import { dynamoJsonClient } from '../../../../constructs/mcp-server/runtime/dynamodb-json-client';
import { DynamoAgentStatusStore } from '../../../../constructs/mcp-server/runtime/agent-status-store';
import { DynamoDataset } from '../../../../constructs/mcp-server/runtime/dynamo-dataset';
import { DynamoRateLimiter } from '../../../../constructs/mcp-server/runtime/rate-limiter';
import { DatasetConflictError } from '../../../../lib/runtime/dataset-client';
import { SignedDynamo } from '../../../support/dynamodb/signed-dynamo';

const REGION = 'eu-west-1';
const ROLE = { accessKeyId: 'ASIAFUNCTIONROLE0001', secretAccessKey: 'function-role-secret', sessionToken: 'function-role-token' };
const ORDERS = 'shop-prod-orders';

let dynamo: SignedDynamo;
let env: NodeJS.ProcessEnv;
let sdk: DynamoDBDocumentClient;
let sleeps: number[];

const client = (options: Parameters<typeof dynamoJsonClient>[0] = {}) =>
  dynamoJsonClient({ env, timeoutMs: 500, retry: { sleep: async (ms) => void sleeps.push(ms), random: () => 1 }, ...options });

beforeAll(async () => {
  dynamo = new SignedDynamo(REGION);
  dynamo.register(ROLE);
  const { endpoint, emulatorEndpoint } = await dynamo.listen();
  env = { AWS_REGION: REGION, AWS_ENDPOINT_URL_DYNAMODB: endpoint, AWS_ACCESS_KEY_ID: ROLE.accessKeyId, AWS_SECRET_ACCESS_KEY: ROLE.secretAccessKey, AWS_SESSION_TOKEN: ROLE.sessionToken };
  const raw = new DynamoDBClient({ region: REGION, endpoint: emulatorEndpoint, credentials: { accessKeyId: 'setup', secretAccessKey: 'setup' } });
  const table = (TableName: string, hash: string, range?: string) =>
    raw.send(new CreateTableCommand({
      TableName, BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [{ AttributeName: hash, AttributeType: 'S' }, ...(range ? [{ AttributeName: range, AttributeType: 'S' as const }] : [])],
      KeySchema: [{ AttributeName: hash, KeyType: 'HASH' }, ...(range ? [{ AttributeName: range, KeyType: 'RANGE' as const }] : [])],
    }));
  await table(ORDERS, 'pk', 'sk');
  await table('shop-prod-agent-status', 'agent');
  await table('shop-prod-commerce-rate-limit', 'pk');
  sdk = DynamoDBDocumentClient.from(raw);
});

afterAll(async () => {
  sdk.destroy();
  await dynamo.close();
});

beforeEach(() => {
  dynamo.requests.length = 0;
  sleeps = [];
});

describe('dynamoJsonClient', () => {
  it('signs every request with the function role (session token included), as the verifier checks', async () => {
    await client().call('GetItem', { TableName: ORDERS, Key: { pk: 'o-none', sk: 'a' } });
    expect(dynamo.requests).toHaveLength(1);
    const [request] = dynamo.requests;
    expect(request).toMatchObject({ operation: 'GetItem', accessKeyId: ROLE.accessKeyId, outcome: 'forwarded' });
    expect(request!.headers.authorization).toMatch(/SignedHeaders=content-type;host;x-amz-date;x-amz-security-token;x-amz-target,/);
  });

  it('is refused with a wrong secret or an unknown key, as DynamoDB refuses them, and does not retry', async () => {
    const wrong = client({ credentials: async () => ({ ...ROLE, secretAccessKey: 'not-the-secret' }) });
    await expect(wrong.call('GetItem', { TableName: ORDERS, Key: { pk: 'a', sk: 'b' } })).rejects.toMatchObject({ name: 'InvalidSignatureException', $metadata: { httpStatusCode: 400, attempts: 1 } });
    const unknown = client({ credentials: async () => ({ accessKeyId: 'AKIDUNKNOWN', secretAccessKey: 'x' }) });
    await expect(unknown.call('GetItem', { TableName: ORDERS, Key: { pk: 'a', sk: 'b' } })).rejects.toMatchObject({ name: 'UnrecognizedClientException' });
    expect(dynamo.requests.map((r) => r.outcome)).toEqual(['refused', 'refused']);
  });

  it('marshals as the SDK document client: what one writes the other reads back identically', async () => {
    const item = { pk: 'o-1', sk: 'line#1', qty: 3, price: 19.99, tags: ['a', 'b'], nested: { ok: true, none: null, list: [1, 'x', { deep: 'y' }] }, empty: '' };
    await client().call('PutItem', { TableName: ORDERS, Item: item });
    expect((await sdk.send(new GetCommand({ TableName: ORDERS, Key: { pk: 'o-1', sk: 'line#1' } }))).Item).toEqual(item);
    await sdk.send(new PutCommand({ TableName: ORDERS, Item: { ...item, sk: 'line#2', qty: 4 } }));
    expect((await client().call('GetItem', { TableName: ORDERS, Key: { pk: 'o-1', sk: 'line#2' }, ConsistentRead: true })).Item).toEqual({ ...item, sk: 'line#2', qty: 4 });
  });

  it('drops top-level undefined values and refuses nested ones unless removeUndefinedValues, like lib-dynamodb', async () => {
    await client().call('PutItem', { TableName: ORDERS, Item: { pk: 'o-2', sk: 'a', gone: undefined } });
    expect((await client().call('GetItem', { TableName: ORDERS, Key: { pk: 'o-2', sk: 'a' } })).Item).toEqual({ pk: 'o-2', sk: 'a' });
    await expect(client().call('PutItem', { TableName: ORDERS, Item: { pk: 'o-2', sk: 'b', m: { gone: undefined } } })).rejects.toThrow(/removeUndefinedValues/);
    await client({ marshallOptions: { removeUndefinedValues: true } }).call('PutItem', { TableName: ORDERS, Item: { pk: 'o-2', sk: 'b', m: { gone: undefined, kept: 1 } } });
    expect((await client().call('GetItem', { TableName: ORDERS, Key: { pk: 'o-2', sk: 'b' } })).Item).toEqual({ pk: 'o-2', sk: 'b', m: { kept: 1 } });
  });

  it('queries and scans with pages: Items and LastEvaluatedKey unmarshalled, ExclusiveStartKey marshalled', async () => {
    for (let i = 0; i < 5; i++) await client().call('PutItem', { TableName: ORDERS, Item: { pk: 'o-q', sk: `line#${i}`, n: i } });
    const first = await client().call('Query', { TableName: ORDERS, KeyConditionExpression: '#p = :p', ExpressionAttributeNames: { '#p': 'pk' }, ExpressionAttributeValues: { ':p': 'o-q' }, Limit: 3 });
    expect(first.Items!.map((i) => i.n)).toEqual([0, 1, 2]);
    expect(first.LastEvaluatedKey).toEqual({ pk: 'o-q', sk: 'line#2' });
    const rest = await client().call('Query', { TableName: ORDERS, KeyConditionExpression: '#p = :p', ExpressionAttributeNames: { '#p': 'pk' }, ExpressionAttributeValues: { ':p': 'o-q' }, ExclusiveStartKey: first.LastEvaluatedKey });
    expect(rest.Items!.map((i) => i.n)).toEqual([3, 4]);
    const scanned = await client().call('Scan', { TableName: ORDERS, FilterExpression: '#n >= :min', ExpressionAttributeNames: { '#n': 'n' }, ExpressionAttributeValues: { ':min': 3 }, ReturnConsumedCapacity: 'TOTAL' });
    expect(scanned.Items!.map((i) => i.n).sort()).toEqual([3, 4]);
    expect(scanned.ConsumedCapacity?.CapacityUnits).toBeGreaterThan(0);
  });

  it('updates and deletes; a failed condition is ConditionalCheckFailedException, not retried', async () => {
    await client().call('PutItem', { TableName: ORDERS, Item: { pk: 'o-u', sk: 'a', status: 'open' } });
    const { Attributes } = await client().call('UpdateItem', { TableName: ORDERS, Key: { pk: 'o-u', sk: 'a' }, UpdateExpression: 'SET #s = :s', ConditionExpression: '#s = :open', ExpressionAttributeNames: { '#s': 'status' }, ExpressionAttributeValues: { ':s': 'shipped', ':open': 'open' }, ReturnValues: 'ALL_NEW' });
    expect(Attributes).toEqual({ pk: 'o-u', sk: 'a', status: 'shipped' });
    dynamo.requests.length = 0;
    const failed = client().call('UpdateItem', { TableName: ORDERS, Key: { pk: 'o-u', sk: 'a' }, UpdateExpression: 'SET #s = :s', ConditionExpression: '#s = :open', ExpressionAttributeNames: { '#s': 'status' }, ExpressionAttributeValues: { ':s': 'shipped', ':open': 'open' } });
    const err = await failed.catch((e: unknown) => e);
    expect(isConditionalCheckFailed(err)).toBe(true);
    expect(dynamo.requests).toHaveLength(1);
    await client().call('DeleteItem', { TableName: ORDERS, Key: { pk: 'o-u', sk: 'a' } });
    expect((await client().call('GetItem', { TableName: ORDERS, Key: { pk: 'o-u', sk: 'a' } })).Item).toBeUndefined();
  });

  it('refuses legacy parameters it would not marshal rather than sending them raw', async () => {
    await expect(client().call('Scan', { TableName: ORDERS, ScanFilter: { n: { ComparisonOperator: 'EQ', AttributeValueList: [1] } } })).rejects.toThrow(/ScanFilter is a legacy DynamoDB parameter/);
    expect(dynamo.requests).toHaveLength(0);
  });

  describe('retries as the SDK standard mode', () => {
    it('retries throttling with the 500 ms base and full jitter, then succeeds', async () => {
      dynamo.inject({ kind: 'throttle' }, { kind: 'throttle' });
      await client().call('GetItem', { TableName: ORDERS, Key: { pk: 'o-1', sk: 'line#1' } });
      expect(dynamo.requests.map((r) => r.outcome)).toEqual(['throttle', 'throttle', 'forwarded']);
      // random() = 1: the upper bound of each jittered delay, 2^attempt x 500 ms
      expect(sleeps).toEqual([1000, 2000]);
    });

    it('gives up after 3 attempts on 5xx, with the last error and its attempt count', async () => {
      dynamo.inject({ kind: 'status', status: 500 }, { kind: 'status', status: 503, code: 'ServiceUnavailable' }, { kind: 'status', status: 500 });
      await expect(client().call('GetItem', { TableName: ORDERS, Key: { pk: 'o-1', sk: 'line#1' } })).rejects.toMatchObject({ name: 'InternalServerError', $metadata: { httpStatusCode: 500, attempts: 3 } });
      expect(sleeps).toEqual([200, 400]);
    });

    it('times out an unanswered request and retries it; a reset connection too', async () => {
      dynamo.inject({ kind: 'hang' }, { kind: 'reset' });
      const { Item } = await client().call('GetItem', { TableName: ORDERS, Key: { pk: 'o-1', sk: 'line#1' } });
      expect(Item).toMatchObject({ pk: 'o-1', qty: 3 });
      expect(dynamo.requests.map((r) => r.outcome)).toEqual(['hang', 'reset', 'forwarded']);
    });

    it('fails with TimeoutError when every attempt times out', async () => {
      dynamo.inject({ kind: 'hang' }, { kind: 'hang' }, { kind: 'hang' });
      await expect(client({ timeoutMs: 100 }).call('GetItem', { TableName: ORDERS, Key: { pk: 'o-1', sk: 'line#1' } })).rejects.toMatchObject({ name: 'TimeoutError', $metadata: { attempts: 3 } });
    });

    it('does not retry a validation error', async () => {
      await expect(client().call('GetItem', { TableName: ORDERS, Key: { pk: 'o-1' } })).rejects.toMatchObject({ name: 'ValidationException' });
      expect(dynamo.requests).toHaveLength(1);
    });
  });
});

describe('the stores on the JSON client (dynalite)', () => {
  it('kill switch: no item is active, "contained" and anything unexpected are contained; reads are consistent', async () => {
    const store = new DynamoAgentStatusStore({ client: client(), tableName: 'shop-prod-agent-status' });
    expect(await store.getStatus('support-agent')).toBe('active');
    await sdk.send(new PutCommand({ TableName: 'shop-prod-agent-status', Item: { agent: 'support-agent', status: 'contained' } }));
    expect(await store.getStatus('support-agent')).toBe('contained');
    await sdk.send(new PutCommand({ TableName: 'shop-prod-agent-status', Item: { agent: 'support-agent', status: 'Active' } }));
    expect(await store.getStatus('support-agent')).toBe('contained');
    expect(JSON.parse(dynamo.requests[0]!.body)).toMatchObject({ ConsistentRead: true });
  });

  it('kill switch: a DynamoDB failure propagates (the guard fails closed)', async () => {
    dynamo.inject({ kind: 'status', status: 400, code: 'AccessDeniedException' });
    await expect(new DynamoAgentStatusStore({ client: client(), tableName: 'shop-prod-agent-status' }).getStatus('x')).rejects.toMatchObject({ name: 'AccessDeniedException' });
  });

  it('rate limit: the window admits perMinute calls, refuses the next without spending budget', async () => {
    const limiter = new DynamoRateLimiter({ client: client(), tableName: 'shop-prod-commerce-rate-limit' });
    const now = Date.UTC(2026, 11, 3, 18, 0, 30);
    const decisions = [];
    for (let i = 0; i < 4; i++) decisions.push(await limiter.take('support-agent', 3, now));
    expect(decisions.map((d) => d.allowed)).toEqual([true, true, true, false]);
    expect(decisions[3]!.retryAfterSeconds).toBe(30);
  });

  it('dataset: an update whose ifMatch no longer holds is a DatasetConflictError', async () => {
    const dataset = new DynamoDataset({ client: client(), tableName: ORDERS, name: 'orders', partitionKey: 'pk', sortKey: 'sk' });
    await dataset.put({ pk: 'o-d', sk: 'a', status: 'open' });
    expect(await dataset.update({ pk: 'o-d', sk: 'a' }, { status: 'packed' }, { ifMatch: { status: 'open' } })).toEqual({ pk: 'o-d', sk: 'a', status: 'packed' });
    await expect(dataset.update({ pk: 'o-d', sk: 'a' }, { status: 'shipped' }, { ifMatch: { status: 'open' } })).rejects.toBeInstanceOf(DatasetConflictError);
  });
});

describe('serviceEndpoint', () => {
  it('is the regional https host, or the override the SDK honours', () => {
    expect(serviceEndpoint('dynamodb', 'eu-west-1', {}).href).toBe('https://dynamodb.eu-west-1.amazonaws.com/');
    expect(serviceEndpoint('sts', 'cn-north-1', {}).href).toBe('https://sts.cn-north-1.amazonaws.com.cn/');
    expect(serviceEndpoint('dynamodb', 'eu-west-1', { AWS_ENDPOINT_URL: 'https://proxy.internal' }).host).toBe('proxy.internal');
    expect(serviceEndpoint('dynamodb', 'eu-west-1', { AWS_ENDPOINT_URL: 'https://a', AWS_ENDPOINT_URL_DYNAMODB: 'https://b' }).host).toBe('b');
  });

  it('refuses a region that is not a region name and a non-http(s) override', () => {
    expect(() => serviceEndpoint('dynamodb', 'evil.com/x', {})).toThrow(/is not a region name/);
    expect(() => serviceEndpoint('dynamodb', 'eu-west-1', { AWS_ENDPOINT_URL_DYNAMODB: 'file:///etc/passwd' })).toThrow(/must be an https:\/\/ URL/);
  });
});
