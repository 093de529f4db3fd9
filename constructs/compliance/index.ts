export { suppress, listSuppressions, KNOWN_PACKS } from './suppress';
export type { Suppression, SuppressionRecord } from './suppress';
export { McpWardenChecks, MCP_WARDEN_RULES } from './mcp-warden-checks';
export { compliancePacks } from './compliance-packs';
export { wildcardResourceFinding, wildcardActionFinding } from './nag-findings';
export { MAX_WARDEN_SESSION_SECONDS } from './rules/warden-role-session-max-one-hour';
