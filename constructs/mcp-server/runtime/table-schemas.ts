/**
 * Key and attribute names of the tables the server Lambda reads and writes. Shared by the
 * runtime adapters and the construct that creates the tables, so they cannot drift apart.
 * The incident-response state machine writes the agent-status table with the same names.
 */
export const AGENT_STATUS_TABLE = {
  /** Partition key: the agent name. */
  partitionKey: 'agent',
  /** 'active' | 'contained'; anything else reads as contained. */
  statusAttribute: 'status',
} as const;

export const RATE_LIMIT_TABLE = {
  /** Partition key: `<agent>#<window number>`. */
  partitionKey: 'pk',
  countAttribute: 'calls',
  /** Epoch seconds; DynamoDB TTL deletes finished windows. */
  ttlAttribute: 'expiresAt',
} as const;
