/** Environment variables the McpServer construct sets and the Lambda handler reads (small values only). */
export const RUNTIME_ENV = {
  /** The manifest server this function serves. */
  server: 'WARDEN_SERVER',
  agentStatusTable: 'WARDEN_AGENT_STATUS_TABLE',
  rateLimitTable: 'WARDEN_RATE_LIMIT_TABLE',
  /** `arn:aws:iam::ACCOUNT:role/`; the data role name follows the `<project>-<env>-<agent>-data` convention. */
  dataRoleArnPrefix: 'WARDEN_DATA_ROLE_ARN_PREFIX',
  /** The REST API id: the server id callers sign into their caller proofs (lib/caller-proof). */
  serverId: 'WARDEN_SERVER_ID',
  /** The approvals table, when a tool of this server needs human approval (lib/approvals). */
  approvalsTable: 'WARDEN_APPROVALS_TABLE',
  /** The SNS topic approvers are notified on. */
  approvalsTopic: 'WARDEN_APPROVALS_TOPIC',
  /** ARN of the server's KMS HMAC key, from which its shared secrets are derived (server-keys.ts). */
  serverKey: 'WARDEN_SERVER_KEY',
} as const;

/** The MAC algorithm of a server's HMAC key; its function policy allows GenerateMac with this one only. */
export const SERVER_KEY_MAC_ALGORITHM = 'HMAC_SHA_256';
