import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { DynamoRateLimiter, fixedWindow } from '../../../../constructs/mcp-server/runtime';
import { FakeDynamoDB } from './fake-dynamodb';

const TABLE = 'shop-prod-commerce-rate-limit';
const ddbMock = mockClient(DynamoDBDocumentClient);
// 12:00:15 UTC: 45 seconds left in the minute
const T0 = Date.UTC(2026, 0, 5, 12, 0, 15);

describe('DynamoRateLimiter', () => {
  let fake: FakeDynamoDB;
  let limiter: DynamoRateLimiter;

  beforeEach(() => {
    ddbMock.reset();
    fake = new FakeDynamoDB();
    fake.createTable(TABLE, { partitionKey: 'pk' });
    fake.install(ddbMock);
    limiter = new DynamoRateLimiter({ client: DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'eu-west-1' })), tableName: TABLE });
  });

  it('allows perMinute calls in a window, counting down what remains', async () => {
    const decisions = [];
    for (let i = 0; i < 3; i++) decisions.push(await limiter.take('fraud-agent', 3, T0 + i));
    expect(decisions.map((d) => [d.allowed, d.remaining])).toEqual([
      [true, 2],
      [true, 1],
      [true, 0],
    ]);
  });

  it('refuses the call over the limit with the seconds until the window resets', async () => {
    for (let i = 0; i < 3; i++) await limiter.take('fraud-agent', 3, T0);
    await expect(limiter.take('fraud-agent', 3, T0 + 5_000)).resolves.toEqual({ allowed: false, remaining: 0, retryAfterSeconds: 40 });
  });

  it('does not count refused calls against the next window', async () => {
    for (let i = 0; i < 10; i++) await limiter.take('fraud-agent', 3, T0);
    const nextMinute = fixedWindow(T0).endsAtMs;
    await expect(limiter.take('fraud-agent', 3, nextMinute)).resolves.toMatchObject({ allowed: true, remaining: 2 });
    expect(fake.items(TABLE).find((i) => i.pk === `fraud-agent#${fixedWindow(T0).index}`)?.calls).toBe(3);
  });

  it('keeps a separate budget for each agent', async () => {
    for (let i = 0; i < 3; i++) await limiter.take('fraud-agent', 3, T0);
    await expect(limiter.take('support-agent', 3, T0)).resolves.toMatchObject({ allowed: true });
  });

  it('never admits more than the limit under concurrent calls', async () => {
    const decisions = await Promise.all(Array.from({ length: 50 }, () => limiter.take('support-agent', 20, T0)));
    expect(decisions.filter((d) => d.allowed)).toHaveLength(20);
  });

  it('marks each window with a TTL after it ends, so DynamoDB deletes old counters', async () => {
    await limiter.take('pricing-agent', 60, T0);
    const [counter] = fake.items(TABLE);
    const windowEndSeconds = fixedWindow(T0).endsAtMs / 1000;
    expect(counter?.expiresAt).toBeGreaterThan(windowEndSeconds);
    expect(counter?.expiresAt).toBeLessThanOrEqual(windowEndSeconds + 300);
  });
});
