export { AgentIdentity, AGENT_MAX_SESSION } from './agent-identity';
export type { AgentIdentityProps, AgentIdentityLookup, IAgentIdentity } from './agent-identity';
export { WardenPermissionsBoundary, KMS_ADMINISTRATION_ACTIONS, AUDIT_TAMPERING_ACTIONS } from './permissions-boundary';
export type { WardenPermissionsBoundaryProps } from './permissions-boundary';
export { ManagedPolicyPrincipal } from './managed-policy-principal';
export { agentRoleNames, serverFunctionRoleName, wardenRoleNamePattern, serverAccessTag, SERVER_ACCESS_TAG_VALUE } from './role-names';
export { DATA_SESSION_TAG_KEYS, SESSION_TAG_AGENT, SESSION_TAG_SERVER, SESSION_TAG_ACCESS } from './session-tags';
