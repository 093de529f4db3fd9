/**
 * Kill switch backed by DynamoDB. Reads are strongly consistent: a containment written by the
 * incident-response role must be seen by the very next call, not after replication lag. The
 * guard adds its own short cache on top.
 */
import type { AgentStatus, AgentStatusStore } from '../../../lib/guard/contract';
import { documentCalls, type DocumentCalls, type DocumentClientLike } from './document-calls';
import { AGENT_STATUS_TABLE } from './table-schemas';

export interface DynamoAgentStatusStoreOptions {
  readonly client: DocumentClientLike;
  readonly tableName: string;
}

export class DynamoAgentStatusStore implements AgentStatusStore {
  private readonly client: DocumentCalls;

  constructor(private readonly options: DynamoAgentStatusStoreOptions) {
    this.client = documentCalls(options.client);
  }

  /** No item means the agent was never contained: active. Errors propagate so the guard fails closed. */
  public async getStatus(agent: string): Promise<AgentStatus> {
    const { Item } = await this.client.call('GetItem', {
      TableName: this.options.tableName,
      Key: { [AGENT_STATUS_TABLE.partitionKey]: agent },
      ConsistentRead: true,
      ProjectionExpression: '#status',
      ExpressionAttributeNames: { '#status': AGENT_STATUS_TABLE.statusAttribute },
    });
    if (Item === undefined) return 'active';
    // an unexpected value (typo, tampering) must not re-open a contained agent
    return Item[AGENT_STATUS_TABLE.statusAttribute] === 'active' ? 'active' : 'contained';
  }
}
