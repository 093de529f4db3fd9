export { AgentIdentity, AGENT_MAX_SESSION } from './agent-identity';
export type { AgentIdentityProps, AgentIdentityLookup, IAgentIdentity } from './agent-identity';
export { WardenPermissionsBoundary, KMS_ADMINISTRATION_ACTIONS, AUDIT_TAMPERING_ACTIONS, RECORD_TAMPERING_ACTIONS, APIGATEWAY_MUTATIONS, EC2_MUTATIONS, TABLE_ITEM_ACTIONS } from './permissions-boundary';
export { DataRoleBoundary, ServerRoleBoundary, DATA_ROLE_DYNAMODB_ACTIONS, VPC_NETWORK_INTERFACE_ACTIONS } from './allow-list-boundaries';
export type { RoleBoundaryProps } from './allow-list-boundaries';
export type { WardenPermissionsBoundaryProps } from './permissions-boundary';
export { ManagedPolicyPrincipal } from './managed-policy-principal';
export { agentRoleNames, serverFunctionRoleName, wardenRoleNamePattern, serverAccessTag, SERVER_ACCESS_TAG_VALUE } from './role-names';
export { DATA_SESSION_TAG_KEYS, SESSION_TAG_AGENT, SESSION_TAG_SERVER, SESSION_TAG_ACCESS } from './session-tags';
