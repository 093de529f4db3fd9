/**
 * mcp-warden's public construct API: `import { AgentIdentity, Dataset, McpWardenChecks } from 'mcp-warden'`.
 * Each folder's index.ts is its public surface.
 */
export * from './agent-identity';
export * from './data-plane';
export * from './compliance';
export * from './mcp-server';
