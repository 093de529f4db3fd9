/**
 * The parts of a snapshot that come from the deployment rather than from AWS: the manifest as
 * deployed and the Cedar policies the servers enforce (generated from it, plus the team files).
 */
import type { Manifest } from '../../../lib/config/schema';
import { generatedPolicies } from '../../../lib/policy/cedar-policies';
import { RESOURCE_KINDS } from './snapshot';

export interface TeamPolicy {
  /** As the manifest names it (`guard.policies[i]`). */
  readonly file: string;
  readonly text: string;
}

export function deploymentResources(manifest: Manifest, teamPolicies: readonly TeamPolicy[]): Record<string, unknown> {
  return {
    [RESOURCE_KINDS.manifest]: manifest,
    [RESOURCE_KINDS.cedarGenerated]: Object.fromEntries(generatedPolicies(manifest)),
    [RESOURCE_KINDS.cedarTeam]: teamPolicies.map((p) => ({ file: p.file, text: p.text })),
  };
}
