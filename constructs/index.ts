/**
 * mcp-warden's public construct API: `import { AgentIdentity, Dataset, McpWardenChecks } from 'mcp-warden'`.
 * Each folder's index.ts is its public surface.
 */
export * from './agent-identity';
export * from './data-plane';
export * from './compliance';
export * from './mcp-server';
export * from './incident-response';
export * from './config-backup';

// What the constructs take: the manifest (loaded and checked) and the access model built from it.
export {
  loadManifest,
  parseManifest,
  manifestSchema,
  ManifestError,
  DEFAULT_MANIFEST_FILE,
  type LoadedManifest,
  type Manifest,
  type ManifestInput,
  type ManifestIssue,
  type AgentSpec,
  type ServerSpec,
  type ToolSpec,
  type DatasetSpec,
  type AccessLevel,
  type CompliancePack,
} from '../lib/config';
export { AccessModel, type Grant, type DatasetGrant } from '../lib/policy/access-model';
export * from './monitoring';
