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
} as const;
