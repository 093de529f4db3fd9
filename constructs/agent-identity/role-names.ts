/**
 * Deterministic IAM role names. The agent role names come from lib/config (the loader rejects
 * a manifest whose names would not fit IAM's 64 characters); the server role name is the one
 * the MCP server construct gives its function role, which data roles trust by default.
 */
export { agentRoleNames, roleNameLengthProblem, IAM_ROLE_NAME_MAX } from '../../lib/config/role-names';
export type { AgentRoleNames } from '../../lib/config/role-names';

/** `<project>-<environment>-<server>-server`: the MCP server's Lambda function role. */
export function serverFunctionRoleName(project: string, environment: string, server: string): string {
  return `${project}-${environment}-${server}-server`;
}

/** `<project>-<environment>-*`: every role mcp-warden names in one project and environment. */
export function wardenRoleNamePattern(project: string, environment: string): string {
  return `${project}-${environment}-*`;
}

/**
 * Tag key on an agent's caller and data roles for each MCP server it may use (value
 * `SERVER_ACCESS_TAG_VALUE`). A server admitting too many agents to list their role ARNs within
 * IAM and API Gateway policy size limits matches `<project>-<environment>-*-caller|data` plus
 * this tag instead.
 */
export function serverAccessTag(server: string): string {
  return `warden:server-${server}`;
}
export const SERVER_ACCESS_TAG_VALUE = 'allowed';
