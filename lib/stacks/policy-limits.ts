/**
 * Per-document IAM and KMS size limits, checked on what the stacks will deploy, so a manifest
 * that cannot deploy fails at synth naming the agent (or resource) and the limit, not minutes into
 * a CloudFormation rollback. Sizes are of the document as IAM stores it (no whitespace), with
 * every CloudFormation token rendered at its longest (GovCloud partition, a 12-digit account, the
 * longest region name, long table ARNs), so the estimate is never below the deployed size.
 *
 * - Customer managed policy: 6,144 characters, hard ("IAM and AWS STS quotas"; whitespace excluded).
 *   An agent's data policy grows with its datasets (~500 characters each with both access levels).
 * - Role trust policy: 2,048 characters by default, up to 4,096 ("Role trust policy length").
 * - KMS key policy: 32,768 bytes, hard ("AWS KMS quotas", key policy document size).
 */
import { CfnResource, Stack } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';
import { IAM_DEFAULT_TRUST_POLICY_CHARS } from './role-limits';

export const IAM_MANAGED_POLICY_CHARS = 6144;
export const KMS_KEY_POLICY_BYTES = 32768;

/** A CloudFormation value with every intrinsic rendered at its longest plausible text. */
export function renderWorstCase(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(renderWorstCase);
  if (value === null || typeof value !== 'object') return value;
  const v = value as Record<string, unknown>;
  if ('Fn::Join' in v) {
    const [sep, parts] = v['Fn::Join'] as [string, unknown[]];
    return (parts as unknown[]).map((p) => String(renderWorstCase(p))).join(sep);
  }
  if ('Ref' in v) return PSEUDO[v.Ref as string] ?? 'x'.repeat(64);
  if ('Fn::GetAtt' in v) return `arn:aws-us-gov:service:ap-southeast-4:123456789012:resource/${'x'.repeat(64)}`;
  if ('Fn::Sub' in v) return String([v['Fn::Sub']].flat()[0]).replace(/\$\{[^}]+\}/g, 'x'.repeat(64));
  if ('Fn::ImportValue' in v || 'Fn::Select' in v || 'Fn::GetAZs' in v) return 'x'.repeat(64);
  return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, renderWorstCase(x)]));
}

const PSEUDO: Record<string, string> = {
  'AWS::Partition': 'aws-us-gov',
  'AWS::AccountId': '123456789012',
  'AWS::Region': 'ap-southeast-4',
  'AWS::URLSuffix': 'amazonaws.com.cn',
  'AWS::StackName': 'x'.repeat(128),
};

export interface PolicyLimits {
  /** The account's "Role trust policy length" quota. @default 2048 */
  readonly trustPolicyChars?: number;
}

/** The sizes that matter: which property of which resource type, against which limit. */
const CHECKS: ReadonlyArray<{ type: string; property: string; what: string; limit: (l: PolicyLimits) => number; fix: string }> = [
  {
    type: 'AWS::IAM::ManagedPolicy',
    property: 'PolicyDocument',
    what: 'managed policy',
    limit: () => IAM_MANAGED_POLICY_CHARS,
    fix: 'IAM\'s 6,144-character limit for a customer managed policy cannot be raised: grant the agent fewer datasets (split it into agents per task)',
  },
  {
    type: 'AWS::IAM::Role',
    property: 'AssumeRolePolicyDocument',
    what: 'trust policy',
    limit: (l) => l.trustPolicyChars ?? IAM_DEFAULT_TRUST_POLICY_CHARS,
    fix: 'give the agent tools on fewer servers, or raise the "Role trust policy length" quota (up to 4,096) and synth with -c trustPolicyChars=N',
  },
  {
    type: 'AWS::KMS::Key',
    property: 'KeyPolicy',
    what: 'key policy',
    limit: () => KMS_KEY_POLICY_BYTES,
    fix: 'KMS\'s 32 KB key-policy limit cannot be raised: name principals by tag or pattern instead of one by one',
  },
];

/** The agent a construct belongs to (AgentIdentity is `Agent-<name>`), for the message. */
function ownerOf(node: IConstruct): string {
  const agent = node.node.scopes.map((s) => /^Agent-(.+)$/.exec(s.node.id)?.[1]).find(Boolean);
  return agent ? `agent "${agent}"` : `${node.node.path}`;
}

/** One sentence per document over its limit; empty when all fit. */
export function policySizeProblems(scopes: readonly IConstruct[], limits: PolicyLimits = {}): string[] {
  const problems: string[] = [];
  for (const scope of scopes) {
    for (const node of scope.node.findAll()) {
      if (!CfnResource.isCfnResource(node)) continue;
      const check = CHECKS.find((c) => c.type === node.cfnResourceType);
      if (!check) continue;
      // the resource as it will be written into the template (CfnResource's own rendering, tokens resolved)
      const rendered = Stack.of(node).resolve((node as unknown as { _toCloudFormation(): object })._toCloudFormation()) as { Resources: Record<string, { Properties?: Record<string, unknown> }> };
      const document = Object.values(rendered.Resources)[0]?.Properties?.[check.property];
      if (document === undefined) continue;
      const size = Buffer.byteLength(JSON.stringify(renderWorstCase(document)));
      const limit = check.limit(limits);
      if (size > limit) {
        problems.push(`${ownerOf(node)}: the ${check.what} of ${node.node.path} is up to ${size.toLocaleString('en-US')} characters, over the limit of ${limit.toLocaleString('en-US')}; ${check.fix}.`);
      }
    }
  }
  return problems;
}
