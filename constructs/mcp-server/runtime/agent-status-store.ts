/**
 * Kill switch backed by DynamoDB. Reads are strongly consistent: a containment written by the
 * incident-response role must be seen by the very next call, not after replication lag. The
 * guard adds its own short cache on top.
 */
import { GetCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { AgentStatus, AgentStatusStore } from '../../../lib/guard/contract';
import { AGENT_STATUS_TABLE } from './table-schemas';

export interface DynamoAgentStatusStoreOptions {
  readonly client: DynamoDBDocumentClient;
  readonly tableName: string;
}

export class DynamoAgentStatusStore implements AgentStatusStore {
  constructor(private readonly options: DynamoAgentStatusStoreOptions) {}

  /** No item means the agent was never contained: active. Errors propagate so the guard fails closed. */
  public async getStatus(agent: string): Promise<AgentStatus> {
    const { Item } = await this.options.client.send(
      new GetCommand({
        TableName: this.options.tableName,
        Key: { [AGENT_STATUS_TABLE.partitionKey]: agent },
        ConsistentRead: true,
        ProjectionExpression: '#status',
        ExpressionAttributeNames: { '#status': AGENT_STATUS_TABLE.statusAttribute },
      }),
    );
    if (Item === undefined) return 'active';
    // an unexpected value (typo, tampering) must not re-open a contained agent
    return Item[AGENT_STATUS_TABLE.statusAttribute] === 'active' ? 'active' : 'contained';
  }
}
