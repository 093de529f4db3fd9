export { McpServer } from './mcp-server';
export type { McpServerProps, ServerMetricName, ServerMetricOptions } from './mcp-server';
export { METRICS_NAMESPACE, agentMetric } from './server-metrics';
export { AGENT_STATUS_TABLE, RATE_LIMIT_TABLE } from './runtime/table-schemas';
export { RUNTIME_ENV } from './runtime/runtime-env';
