export { McpServer } from './mcp-server';
export type { McpServerProps, ServerMetricName, ServerMetricOptions } from './mcp-server';
export { AgentStatusTable, agentStatusTableName, AGENT_STATUS_WRITE_ACTIONS } from './agent-status-table';
export type { AgentStatusTableProps } from './agent-status-table';
export { chooseCallerAdmission, listedArnsSize, API_RESOURCE_POLICY_MAX_BYTES, MANAGED_POLICY_MAX_CHARS } from './caller-admission';
export type { CallerAdmission } from './caller-admission';
export { METRICS_NAMESPACE, agentMetric } from './server-metrics';
export { AGENT_STATUS_TABLE, RATE_LIMIT_TABLE } from './runtime/table-schemas';
export { RUNTIME_ENV } from './runtime/runtime-env';
