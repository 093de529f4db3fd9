/**
 * Per-agent fixed-window rate limit in DynamoDB: one atomic UpdateItem per call, shared by all
 * concurrent Lambda instances. The condition refuses the call once the window's count has
 * reached the limit, so a refused call does not consume budget either.
 *
 * The window math (key, start, retry-after, decision) is the guard's own, imported from
 * lib/guard, so this limiter and the in-memory one used by `warden dev` cannot drift apart.
 */
import { rateLimitDecision, type RateLimitDecision, type RateLimiter, WINDOW_MS, windowKey, windowStart } from '../../../lib/guard';
import { documentCalls, isConditionalCheckFailed, type DocumentCalls, type DocumentClientLike } from './document-calls';
import { RATE_LIMIT_TABLE } from './table-schemas';

/** Keep a finished window a little longer than it lasts; TTL deletion is lazy anyway. */
const TTL_GRACE_SECONDS = 120;

export interface DynamoRateLimiterOptions {
  readonly client: DocumentClientLike;
  readonly tableName: string;
}

export class DynamoRateLimiter implements RateLimiter {
  private readonly client: DocumentCalls;

  constructor(private readonly options: DynamoRateLimiterOptions) {
    this.client = documentCalls(options.client);
  }

  public async take(agent: string, perMinute: number, nowMs: number): Promise<RateLimitDecision> {
    try {
      const { Attributes } = await this.client.call('UpdateItem', {
        TableName: this.options.tableName,
        Key: { [RATE_LIMIT_TABLE.partitionKey]: windowKey(agent, nowMs) },
        UpdateExpression: 'ADD #calls :one SET #expiresAt = if_not_exists(#expiresAt, :expiresAt)',
        ConditionExpression: 'attribute_not_exists(#calls) OR #calls < :limit',
        ExpressionAttributeNames: { '#calls': RATE_LIMIT_TABLE.countAttribute, '#expiresAt': RATE_LIMIT_TABLE.ttlAttribute },
        ExpressionAttributeValues: {
          ':one': 1,
          ':limit': perMinute,
          ':expiresAt': Math.ceil((windowStart(nowMs) + WINDOW_MS) / 1000) + TTL_GRACE_SECONDS,
        },
        ReturnValues: 'UPDATED_NEW',
      });
      return rateLimitDecision(Number(Attributes?.[RATE_LIMIT_TABLE.countAttribute] ?? perMinute), perMinute, nowMs);
    } catch (err) {
      // the condition failed: this would be call perMinute + 1 of the window
      if (isConditionalCheckFailed(err)) return rateLimitDecision(perMinute + 1, perMinute, nowMs);
      throw err; // throttling, access denied: the guard decides (it fails closed)
    }
  }
}
