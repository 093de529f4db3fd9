import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { DynamoRateLimiter } from '../../../../constructs/mcp-server/runtime';
import { InMemoryRateLimiter, WINDOW_MS, windowKey, windowStart } from '../../../../lib/guard';
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
    const nextMinute = windowStart(T0) + WINDOW_MS;
    await expect(limiter.take('fraud-agent', 3, nextMinute)).resolves.toMatchObject({ allowed: true, remaining: 2 });
    expect(fake.items(TABLE).find((i) => i.pk === windowKey('fraud-agent', T0))?.calls).toBe(3);
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
    const windowEndSeconds = (windowStart(T0) + WINDOW_MS) / 1000;
    expect(counter?.expiresAt).toBeGreaterThan(windowEndSeconds);
    expect(counter?.expiresAt).toBeLessThanOrEqual(windowEndSeconds + 300);
  });

  it('decides every call exactly as the guard\'s in-memory limiter does, across a window boundary', async () => {
    const memory = new InMemoryRateLimiter();
    const times = Array.from({ length: 12 }, (_, i) => T0 + i * 5_000); // 12:00:15 .. 12:01:10
    for (const t of times) {
      await expect(limiter.take('support-agent', 7, t)).resolves.toEqual(await memory.take('support-agent', 7, t));
    }
  });
});
