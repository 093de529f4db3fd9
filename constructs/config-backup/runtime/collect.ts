/** One collection of everything a snapshot holds, live parts read with read-only calls only. */
import type { Manifest } from '../../../lib/config/schema';
import { collectIam } from './collect-iam';
import { collectKms } from './collect-kms';
import { collectAlarms, collectApis, collectKillSwitch } from './collect-others';
import { deploymentResources, type TeamPolicy } from './deployment-config';
import type { Collected, LiveClients, LiveScope } from './live-scope';
import { SNAPSHOT_FORMAT, type Snapshot } from './snapshot';

/** The live configuration of the deployment (IAM, KMS, APIs, alarms, kill switch). */
export async function collectLive(clients: LiveClients, scope: LiveScope): Promise<Collected> {
  const into: Collected = { resources: {}, warnings: [] };
  // one part after the other: each pages through its service, and IAM (the largest) throttles first
  await collectIam(clients.iam, scope, into);
  await collectKms(clients.kms, scope, into);
  await collectApis(clients.apis, scope, into);
  await collectAlarms(clients.cloudwatch, scope, into);
  await collectKillSwitch(clients.dynamodb, scope, into);
  return into;
}

export interface TakeSnapshotInput {
  readonly clients: LiveClients;
  readonly manifest: Manifest;
  readonly teamPolicies: readonly TeamPolicy[];
  readonly id: string;
  readonly takenAt: Date;
}

export async function takeSnapshot(input: TakeSnapshotInput): Promise<{ readonly snapshot: Snapshot; readonly warnings: readonly string[] }> {
  const { project, environment } = input.manifest;
  const live = await collectLive(input.clients, { project, environment });
  const resources = { ...deploymentResources(input.manifest, input.teamPolicies), ...live.resources };
  const sorted = Object.fromEntries(Object.keys(resources).sort().map((k) => [k, resources[k]]));
  return { snapshot: { format: SNAPSHOT_FORMAT, id: input.id, project, environment, takenAt: input.takenAt.toISOString(), resources: sorted }, warnings: live.warnings };
}
