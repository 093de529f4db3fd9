/**
 * Per-agent fixed-window rate limit in DynamoDB: one atomic UpdateItem per call, shared by all
 * concurrent Lambda instances. The condition refuses the call once the window's count has
 * reached the limit, so a refused call does not consume budget either.
 */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { RateLimitDecision, RateLimiter } from '../../../lib/guard/contract';
import { RATE_LIMIT_TABLE } from './table-schemas';

const WINDOW_MS = 60_000;
/** Keep a finished window a little longer than it lasts; TTL deletion is lazy anyway. */
const TTL_GRACE_SECONDS = 120;

export interface DynamoRateLimiterOptions {
  readonly client: DynamoDBDocumentClient;
  readonly tableName: string;
}

/** The minute a timestamp falls in, and when that minute ends. */
export function fixedWindow(nowMs: number): { index: number; endsAtMs: number } {
  const index = Math.floor(nowMs / WINDOW_MS);
  return { index, endsAtMs: (index + 1) * WINDOW_MS };
}

export class DynamoRateLimiter implements RateLimiter {
  constructor(private readonly options: DynamoRateLimiterOptions) {}

  public async take(agent: string, perMinute: number, nowMs: number): Promise<RateLimitDecision> {
    const window = fixedWindow(nowMs);
    const retryAfterSeconds = Math.max(1, Math.ceil((window.endsAtMs - nowMs) / 1000));
    try {
      const { Attributes } = await this.options.client.send(
        new UpdateCommand({
          TableName: this.options.tableName,
          Key: { [RATE_LIMIT_TABLE.partitionKey]: `${agent}#${window.index}` },
          UpdateExpression: 'ADD #calls :one SET #expiresAt = if_not_exists(#expiresAt, :expiresAt)',
          ConditionExpression: 'attribute_not_exists(#calls) OR #calls < :limit',
          ExpressionAttributeNames: { '#calls': RATE_LIMIT_TABLE.countAttribute, '#expiresAt': RATE_LIMIT_TABLE.ttlAttribute },
          ExpressionAttributeValues: {
            ':one': 1,
            ':limit': perMinute,
            ':expiresAt': Math.ceil(window.endsAtMs / 1000) + TTL_GRACE_SECONDS,
          },
          ReturnValues: 'UPDATED_NEW',
        }),
      );
      const calls = Number(Attributes?.[RATE_LIMIT_TABLE.countAttribute] ?? perMinute);
      return { allowed: true, remaining: Math.max(0, perMinute - calls), retryAfterSeconds: 0 };
    } catch (err) {
      if (err instanceof ConditionalCheckFailedException) return { allowed: false, remaining: 0, retryAfterSeconds };
      throw err; // throttling, access denied: the guard decides (it fails closed)
    }
  }
}
