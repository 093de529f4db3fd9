/**
 * The approvals table's layout, shared by the construct (its key, TTL attribute and resource
 * policy) and the runtime store. One partition per item; the prefix says who may write it.
 */
export const APPROVALS_TABLE = {
  partitionKey: 'pk',
  /** Epoch seconds after which DynamoDB deletes the item. */
  ttlAttribute: 'ttl',
  /** Written by the MCP servers (held calls). */
  requestPrefix: 'request#',
  /** Written only by the deciding role. */
  decisionPrefix: 'decision#',
  /** Written by the MCP servers (the one execution). */
  executionPrefix: 'execution#',
  /** The one log stream of the decisions log group: the deciding role may write to it and nothing else. */
  decisionsLogStream: 'decisions',
} as const;

/** How long an approval's items stay after it expires (for `approvals list` and investigations; the audit log keeps the events). */
export const APPROVAL_RETENTION_DAYS = 30;
