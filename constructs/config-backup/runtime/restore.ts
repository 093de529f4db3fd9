/**
 * Restore: from the diff of a snapshot against live, the IAM, KMS and DynamoDB calls that put the
 * snapshot's values back, and what only a deploy can put back (the manifest, Cedar, API policies,
 * alarms, resources that no longer exist). `planRestore` changes nothing; `applyRestore` makes the
 * calls, one at a time, and reports each.
 */
import { type AttributeValue, DeleteItemCommand, type DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';
import {
  AttachRolePolicyCommand,
  CreatePolicyVersionCommand,
  DeletePolicyVersionCommand,
  DeleteRolePermissionsBoundaryCommand,
  DeleteRolePolicyCommand,
  DetachRolePolicyCommand,
  type IAMClient,
  ListPolicyVersionsCommand,
  PutRolePermissionsBoundaryCommand,
  PutRolePolicyCommand,
  TagRoleCommand,
  UntagRoleCommand,
  UpdateAssumeRolePolicyCommand,
  UpdateRoleCommand,
} from '@aws-sdk/client-iam';
import { EnableKeyRotationCommand, type KMSClient, PutKeyPolicyCommand } from '@aws-sdk/client-kms';
import { agentStatusTableName } from '../../../lib/config/deployment-names';
import { canonicalJson } from './canonical-json';
import type { PolicyRecord, RoleRecord } from './collect-iam';
import type { KeyRecord } from './collect-kms';
import { diffResources, type ResourceChange } from './diff';
import type { LiveScope } from './live-scope';
import { RESOURCE_KINDS } from './snapshot';

export type RestoreCall =
  | { readonly service: 'iam'; readonly op: 'UpdateAssumeRolePolicy'; readonly role: string; readonly document: unknown }
  | { readonly service: 'iam'; readonly op: 'PutRolePermissionsBoundary'; readonly role: string; readonly boundary: string }
  | { readonly service: 'iam'; readonly op: 'DeleteRolePermissionsBoundary'; readonly role: string }
  | { readonly service: 'iam'; readonly op: 'UpdateRole'; readonly role: string; readonly maxSessionDuration: number }
  | { readonly service: 'iam'; readonly op: 'PutRolePolicy'; readonly role: string; readonly policy: string; readonly document: unknown }
  | { readonly service: 'iam'; readonly op: 'DeleteRolePolicy'; readonly role: string; readonly policy: string }
  | { readonly service: 'iam'; readonly op: 'AttachRolePolicy'; readonly role: string; readonly policyArn: string }
  | { readonly service: 'iam'; readonly op: 'DetachRolePolicy'; readonly role: string; readonly policyArn: string }
  | { readonly service: 'iam'; readonly op: 'TagRole'; readonly role: string; readonly tags: Readonly<Record<string, string>> }
  | { readonly service: 'iam'; readonly op: 'UntagRole'; readonly role: string; readonly keys: readonly string[] }
  | { readonly service: 'iam'; readonly op: 'CreatePolicyVersion'; readonly policyArn: string; readonly document: unknown }
  | { readonly service: 'kms'; readonly op: 'PutKeyPolicy'; readonly keyId: string; readonly policy: unknown }
  | { readonly service: 'kms'; readonly op: 'EnableKeyRotation'; readonly keyId: string }
  | { readonly service: 'dynamodb'; readonly op: 'PutItem'; readonly table: string; readonly item: Record<string, AttributeValue> }
  | { readonly service: 'dynamodb'; readonly op: 'DeleteItem'; readonly table: string; readonly agent: string };

export interface RestorePlan {
  /** The diff the plan was made from. */
  readonly changes: readonly ResourceChange[];
  readonly calls: readonly { readonly key: string; readonly call: RestoreCall }[];
  /** Differences a restore cannot apply, with what to do instead. */
  readonly manual: readonly { readonly key: string; readonly why: string }[];
  /** Calls an operator should think twice about (they may undo a containment). */
  readonly warnings: readonly string[];
}

/** Resource kinds the restore applies itself; the others are put back by deploying. */
export function isRestorable(key: string): boolean {
  return [RESOURCE_KINDS.role, RESOURCE_KINDS.policy, RESOURCE_KINDS.key, RESOURCE_KINDS.killSwitch].some((k) => key.startsWith(k));
}

const DEPLOY = 'put it back by deploying the snapshot\'s manifest (`npx warden backup diff` shows it; `npx cdk deploy --all`)';

export function planRestore(snapshot: Readonly<Record<string, unknown>>, live: Readonly<Record<string, unknown>>, scope: LiveScope): RestorePlan {
  const changes = diffResources(snapshot, live);
  const calls: { key: string; call: RestoreCall }[] = [];
  const manual: { key: string; why: string }[] = [];
  const warnings: string[] = [];
  const table = agentStatusTableName(scope.project, scope.environment);
  for (const change of changes) {
    const { key } = change;
    const before = snapshot[key];
    const now = live[key];
    const add = (call: RestoreCall) => calls.push({ key, call });
    if (key.startsWith(RESOURCE_KINDS.killSwitch)) {
      const agent = key.slice(RESOURCE_KINDS.killSwitch.length);
      if (change.change === 'added') add({ service: 'dynamodb', op: 'DeleteItem', table, agent });
      else add({ service: 'dynamodb', op: 'PutItem', table, item: before as Record<string, AttributeValue> });
      warnings.push(`${key}: the kill-switch row of ${agent} changes (${statusOf(now)} → ${statusOf(before)}); a contained agent may be released`);
      continue;
    }
    if (!isRestorable(key)) {
      manual.push({ key, why: change.change === 'removed' ? `missing live; ${DEPLOY}` : DEPLOY });
      continue;
    }
    if (change.change === 'removed') {
      manual.push({ key, why: 'no longer exists; recreate it by deploying (`npx cdk deploy --all`), then restore again' });
      continue;
    }
    if (change.change === 'added') {
      manual.push({ key, why: 'created after the snapshot; remove it by deploying, or keep it' });
      continue;
    }
    if (key.startsWith(RESOURCE_KINDS.role)) planRole(key.slice(RESOURCE_KINDS.role.length), before as RoleRecord, now as RoleRecord, add, warnings, manual, key);
    else if (key.startsWith(RESOURCE_KINDS.policy)) add({ service: 'iam', op: 'CreatePolicyVersion', policyArn: (now as PolicyRecord).arn, document: (before as PolicyRecord).document });
    else if (key.startsWith(RESOURCE_KINDS.key)) planKey(key.slice(RESOURCE_KINDS.key.length), before as KeyRecord, now as KeyRecord, add, manual, key);
  }
  return { changes, calls, manual, warnings };
}

function planRole(role: string, before: RoleRecord, now: RoleRecord, add: (c: RestoreCall) => void, warnings: string[], manual: { key: string; why: string }[], key: string): void {
  const same = (a: unknown, b: unknown) => canonicalJson(a) === canonicalJson(b);
  if (!same(before.trust, now.trust)) add({ service: 'iam', op: 'UpdateAssumeRolePolicy', role, document: before.trust });
  if (before.boundary !== now.boundary) {
    add(before.boundary === null ? { service: 'iam', op: 'DeleteRolePermissionsBoundary', role } : { service: 'iam', op: 'PutRolePermissionsBoundary', role, boundary: before.boundary });
  }
  if (before.maxSessionDuration !== now.maxSessionDuration && before.maxSessionDuration !== null) add({ service: 'iam', op: 'UpdateRole', role, maxSessionDuration: before.maxSessionDuration });
  for (const [policy, document] of Object.entries(before.inline)) if (!same(document, now.inline[policy])) add({ service: 'iam', op: 'PutRolePolicy', role, policy, document });
  for (const policy of Object.keys(now.inline).filter((p) => !Object.hasOwn(before.inline, p))) {
    add({ service: 'iam', op: 'DeleteRolePolicy', role, policy });
    warnings.push(`iam/role/${role}: deletes inline policy ${policy}, added after the snapshot (incident containment adds one)`);
  }
  for (const arn of before.attached.filter((a) => !now.attached.includes(a))) add({ service: 'iam', op: 'AttachRolePolicy', role, policyArn: arn });
  for (const arn of now.attached.filter((a) => !before.attached.includes(a))) add({ service: 'iam', op: 'DetachRolePolicy', role, policyArn: arn });
  const changedTags = Object.fromEntries(Object.entries(before.tags).filter(([k, v]) => now.tags[k] !== v));
  if (Object.keys(changedTags).length > 0) add({ service: 'iam', op: 'TagRole', role, tags: changedTags });
  const extraTags = Object.keys(now.tags).filter((k) => !Object.hasOwn(before.tags, k));
  if (extraTags.length > 0) add({ service: 'iam', op: 'UntagRole', role, keys: extraTags });
  if (before.arn !== now.arn || before.path !== now.path) manual.push({ key, why: 'the role was recreated under another ARN or path; deploy to recreate it as it was' });
}

function planKey(keyId: string, before: KeyRecord, now: KeyRecord, add: (c: RestoreCall) => void, manual: { key: string; why: string }[], key: string): void {
  if (canonicalJson(before.policy) !== canonicalJson(now.policy)) add({ service: 'kms', op: 'PutKeyPolicy', keyId, policy: before.policy });
  // rotation is only ever turned back on: a snapshot taken with it off is not a state to restore
  if (before.rotation && !now.rotation) add({ service: 'kms', op: 'EnableKeyRotation', keyId });
  if (!before.rotation && now.rotation) manual.push({ key, why: 'rotation was off in the snapshot and is on now; a restore never turns key rotation off' });
  if (before.keyState !== now.keyState) manual.push({ key, why: `key state ${now.keyState}, was ${before.keyState}: ${now.keyState === 'PendingDeletion' ? 'cancel the deletion (aws kms cancel-key-deletion) and enable the key' : 'change it with the KMS console or CLI'}` });
  if (canonicalJson(before.aliases) !== canonicalJson(now.aliases) || before.description !== now.description) manual.push({ key, why: `aliases or description changed; ${DEPLOY}` });
}

const statusOf = (item: unknown): string => ((item as Record<string, AttributeValue> | undefined)?.status as { S?: string } | undefined)?.S ?? '(no row)';

export function describeCall(call: RestoreCall): string {
  switch (call.op) {
    case 'UpdateAssumeRolePolicy':
      return `iam update-assume-role-policy ${call.role}`;
    case 'PutRolePermissionsBoundary':
      return `iam put-role-permissions-boundary ${call.role} ${call.boundary}`;
    case 'DeleteRolePermissionsBoundary':
      return `iam delete-role-permissions-boundary ${call.role}`;
    case 'UpdateRole':
      return `iam update-role ${call.role} --max-session-duration ${call.maxSessionDuration}`;
    case 'PutRolePolicy':
      return `iam put-role-policy ${call.role} ${call.policy}`;
    case 'DeleteRolePolicy':
      return `iam delete-role-policy ${call.role} ${call.policy}`;
    case 'AttachRolePolicy':
      return `iam attach-role-policy ${call.role} ${call.policyArn}`;
    case 'DetachRolePolicy':
      return `iam detach-role-policy ${call.role} ${call.policyArn}`;
    case 'TagRole':
      return `iam tag-role ${call.role} ${Object.keys(call.tags).join(',')}`;
    case 'UntagRole':
      return `iam untag-role ${call.role} ${call.keys.join(',')}`;
    case 'CreatePolicyVersion':
      return `iam create-policy-version ${call.policyArn} --set-as-default`;
    case 'PutKeyPolicy':
      return `kms put-key-policy ${call.keyId}`;
    case 'EnableKeyRotation':
      return `kms enable-key-rotation ${call.keyId}`;
    case 'PutItem':
      return `dynamodb put-item ${call.table} agent=${call.item.agent?.S ?? '?'}`;
    case 'DeleteItem':
      return `dynamodb delete-item ${call.table} agent=${call.agent}`;
  }
}

export interface RestoreClients {
  readonly iam: IAMClient;
  readonly kms: KMSClient;
  readonly dynamodb: DynamoDBClient;
}

export interface AppliedCall {
  readonly key: string;
  readonly call: RestoreCall;
  readonly error?: string;
}

/** Makes the plan's calls in order; a failed call is reported and the others still run. */
export async function applyRestore(plan: RestorePlan, clients: RestoreClients): Promise<AppliedCall[]> {
  const out: AppliedCall[] = [];
  for (const { key, call } of plan.calls) {
    try {
      await send(call, clients);
      out.push({ key, call });
    } catch (err) {
      out.push({ key, call, error: err instanceof Error ? err.message : String(err) });
    }
  }
  return out;
}

/** A managed policy keeps at most five versions (IAM quota): the oldest non-default one makes room. */
const MAX_POLICY_VERSIONS = 5;

async function send(call: RestoreCall, { iam, kms, dynamodb }: RestoreClients): Promise<void> {
  const json = (d: unknown) => JSON.stringify(d);
  switch (call.op) {
    case 'UpdateAssumeRolePolicy':
      await iam.send(new UpdateAssumeRolePolicyCommand({ RoleName: call.role, PolicyDocument: json(call.document) }));
      return;
    case 'PutRolePermissionsBoundary':
      await iam.send(new PutRolePermissionsBoundaryCommand({ RoleName: call.role, PermissionsBoundary: call.boundary }));
      return;
    case 'DeleteRolePermissionsBoundary':
      await iam.send(new DeleteRolePermissionsBoundaryCommand({ RoleName: call.role }));
      return;
    case 'UpdateRole':
      await iam.send(new UpdateRoleCommand({ RoleName: call.role, MaxSessionDuration: call.maxSessionDuration }));
      return;
    case 'PutRolePolicy':
      await iam.send(new PutRolePolicyCommand({ RoleName: call.role, PolicyName: call.policy, PolicyDocument: json(call.document) }));
      return;
    case 'DeleteRolePolicy':
      await iam.send(new DeleteRolePolicyCommand({ RoleName: call.role, PolicyName: call.policy }));
      return;
    case 'AttachRolePolicy':
      await iam.send(new AttachRolePolicyCommand({ RoleName: call.role, PolicyArn: call.policyArn }));
      return;
    case 'DetachRolePolicy':
      await iam.send(new DetachRolePolicyCommand({ RoleName: call.role, PolicyArn: call.policyArn }));
      return;
    case 'TagRole':
      await iam.send(new TagRoleCommand({ RoleName: call.role, Tags: Object.entries(call.tags).map(([Key, Value]) => ({ Key, Value })) }));
      return;
    case 'UntagRole':
      await iam.send(new UntagRoleCommand({ RoleName: call.role, TagKeys: [...call.keys] }));
      return;
    case 'CreatePolicyVersion': {
      const { Versions: versions = [] } = await iam.send(new ListPolicyVersionsCommand({ PolicyArn: call.policyArn }));
      if (versions.length >= MAX_POLICY_VERSIONS) {
        const oldest = versions.filter((v) => !v.IsDefaultVersion).sort((a, b) => (a.CreateDate?.getTime() ?? 0) - (b.CreateDate?.getTime() ?? 0))[0];
        if (oldest?.VersionId) await iam.send(new DeletePolicyVersionCommand({ PolicyArn: call.policyArn, VersionId: oldest.VersionId }));
      }
      await iam.send(new CreatePolicyVersionCommand({ PolicyArn: call.policyArn, PolicyDocument: json(call.document), SetAsDefault: true }));
      return;
    }
    case 'PutKeyPolicy':
      await kms.send(new PutKeyPolicyCommand({ KeyId: call.keyId, PolicyName: 'default', Policy: json(call.policy) }));
      return;
    case 'EnableKeyRotation':
      await kms.send(new EnableKeyRotationCommand({ KeyId: call.keyId }));
      return;
    case 'PutItem':
      await dynamodb.send(new PutItemCommand({ TableName: call.table, Item: call.item }));
      return;
    case 'DeleteItem':
      await dynamodb.send(new DeleteItemCommand({ TableName: call.table, Key: { agent: { S: call.agent } } }));
      return;
  }
}
