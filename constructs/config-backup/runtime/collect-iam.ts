/**
 * Every warden role (`<project>-<environment>-*`): trust policy, boundary, session length,
 * inline policies, attached policies; and every customer-managed policy attached to one of them,
 * or bounding one, that belongs to the deployment (CloudFormation names them after the stack,
 * `<project>-<environment>-<part>-...`). AWS-managed policies are recorded by ARN only.
 */
import {
  GetPolicyCommand,
  GetPolicyVersionCommand,
  GetRoleCommand,
  GetRolePolicyCommand,
  type IAMClient,
  ListAttachedRolePoliciesCommand,
  ListRolePoliciesCommand,
  ListRolesCommand,
  type Role,
} from '@aws-sdk/client-iam';
import { RESOURCE_KINDS } from './snapshot';
import { type Collected, type LiveScope, mapLimit, parsePolicyDocument } from './live-scope';

const CONCURRENCY = 4;

export interface RoleRecord {
  readonly arn: string;
  readonly path: string;
  readonly trust: unknown;
  readonly boundary: string | null;
  readonly maxSessionDuration: number | null;
  readonly tags: Readonly<Record<string, string>>;
  /** Inline policy name → document. */
  readonly inline: Readonly<Record<string, unknown>>;
  /** Attached managed policy ARNs, sorted. */
  readonly attached: readonly string[];
}

export interface PolicyRecord {
  readonly arn: string;
  readonly document: unknown;
}

export const wardenPrefix = (scope: LiveScope): string => `${scope.project}-${scope.environment}-`;

export async function collectIam(iam: IAMClient, scope: LiveScope, into: Collected): Promise<void> {
  const prefix = wardenPrefix(scope);
  const names: string[] = [];
  let marker: string | undefined;
  do {
    const page = await iam.send(new ListRolesCommand({ Marker: marker, MaxItems: 1000 }));
    for (const r of page.Roles ?? []) if (r.RoleName?.startsWith(prefix)) names.push(r.RoleName);
    marker = page.IsTruncated ? page.Marker : undefined;
  } while (marker);
  names.sort();
  const roles = await mapLimit(names, CONCURRENCY, (name) => roleRecord(iam, name));
  const policyArns = new Set<string>();
  for (const [i, role] of roles.entries()) {
    into.resources[`${RESOURCE_KINDS.role}${names[i]}`] = role;
    // the boundary's document too: a new default version of it widens every role it bounds
    for (const arn of [...role.attached, ...(role.boundary ? [role.boundary] : [])]) if (isDeploymentPolicy(arn, prefix)) policyArns.add(arn);
  }
  const arns = [...policyArns].sort();
  const policies = await mapLimit(arns, CONCURRENCY, (arn) => policyRecord(iam, arn).catch((err: unknown) => err as Error));
  for (const [i, policy] of policies.entries()) {
    if (policy instanceof Error) into.warnings.push(`iam: could not read policy ${arns[i]}: ${policy.message}`);
    else into.resources[`${RESOURCE_KINDS.policy}${policyName(arns[i]!)}`] = policy;
  }
}

/** Customer-managed, of this account, named like the deployment's stacks. */
function isDeploymentPolicy(arn: string, prefix: string): boolean {
  return /^arn:aws[a-z-]*:iam::\d{12}:policy\//.test(arn) && policyName(arn).startsWith(prefix);
}

export function policyName(arn: string): string {
  return arn.slice(arn.lastIndexOf('/') + 1);
}

async function roleRecord(iam: IAMClient, name: string): Promise<RoleRecord> {
  const { Role: role } = await iam.send(new GetRoleCommand({ RoleName: name }));
  const inlineNames: string[] = [];
  let marker: string | undefined;
  do {
    const page = await iam.send(new ListRolePoliciesCommand({ RoleName: name, Marker: marker }));
    inlineNames.push(...(page.PolicyNames ?? []));
    marker = page.IsTruncated ? page.Marker : undefined;
  } while (marker);
  const inline: Record<string, unknown> = {};
  for (const policy of inlineNames.sort()) {
    const got = await iam.send(new GetRolePolicyCommand({ RoleName: name, PolicyName: policy }));
    inline[policy] = parsePolicyDocument(got.PolicyDocument);
  }
  const attached: string[] = [];
  let attachedMarker: string | undefined;
  do {
    const page = await iam.send(new ListAttachedRolePoliciesCommand({ RoleName: name, Marker: attachedMarker }));
    for (const p of page.AttachedPolicies ?? []) if (p.PolicyArn) attached.push(p.PolicyArn);
    attachedMarker = page.IsTruncated ? page.Marker : undefined;
  } while (attachedMarker);
  return {
    arn: role?.Arn ?? '',
    path: role?.Path ?? '/',
    trust: parsePolicyDocument(role?.AssumeRolePolicyDocument),
    boundary: role?.PermissionsBoundary?.PermissionsBoundaryArn ?? null,
    maxSessionDuration: role?.MaxSessionDuration ?? null,
    tags: tagsOf(role),
    inline,
    attached: attached.sort(),
  };
}

function tagsOf(role: Role | undefined): Record<string, string> {
  return Object.fromEntries((role?.Tags ?? []).filter((t) => t.Key !== undefined).map((t) => [t.Key!, t.Value ?? ''] as const).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

async function policyRecord(iam: IAMClient, arn: string): Promise<PolicyRecord> {
  const { Policy: policy } = await iam.send(new GetPolicyCommand({ PolicyArn: arn }));
  const version = await iam.send(new GetPolicyVersionCommand({ PolicyArn: arn, VersionId: policy?.DefaultVersionId }));
  // the version id is not recorded: a restore creates a new version with the same document
  return { arn, document: parsePolicyDocument(version.PolicyVersion?.Document) };
}
