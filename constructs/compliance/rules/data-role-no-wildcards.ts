import { CfnResource, Stack } from 'aws-cdk-lib';
import { CfnManagedPolicy, CfnPolicy, CfnRole } from 'aws-cdk-lib/aws-iam';
import { NagRuleCompliance } from 'cdk-nag';
// Not re-exported from the package index; the file is part of the published package (cdk-nag 3.0.x).
import { flattenCfnReference } from 'cdk-nag/lib/utils/flatten-cfn-reference';
import { ROLE_TAG, tagsOf } from './resource-tags';

interface Statement {
  readonly Effect?: string;
  readonly Action?: unknown;
  readonly Resource?: unknown;
  readonly NotAction?: unknown;
  readonly NotResource?: unknown;
}

/**
 * Compliant: no Allow statement reaching a data role (inline, or a policy attached to it, by
 * reference or by role name) has a wildcard in any action or resource — `*`, `dynamodb:*`,
 * `arn:...:*`, `table/*`, `table/t/index/*` alike, whether the ARN is a literal or built with
 * `Fn::Join`/`Fn::Sub` — or NotAction/NotResource. A data role holds exactly its datasets'
 * tables (and the indexes they declare) and class keys; anything broader would let one agent's
 * tool code reach another agent's data.
 */
export function DataRoleNoWildcards(node: CfnResource): NagRuleCompliance {
  if (node instanceof CfnRole) {
    if (tagsOf(node)[ROLE_TAG] !== 'data') return NagRuleCompliance.NOT_APPLICABLE;
    // L1 properties resolve in their camelCase (pre-render) form.
    const inline = (Stack.of(node).resolve(node.policies) ?? []) as { policyDocument?: { Statement?: Statement[] } }[];
    return verdict(inline.flatMap((p) => p.policyDocument?.Statement ?? []));
  }
  if (node instanceof CfnManagedPolicy || node instanceof CfnPolicy) {
    if (!attachedToDataRole(node)) return NagRuleCompliance.NOT_APPLICABLE;
    const document = Stack.of(node).resolve(node.policyDocument) as { Statement?: Statement[] };
    return verdict(document.Statement ?? []);
  }
  return NagRuleCompliance.NOT_APPLICABLE;
}

function verdict(statements: readonly Statement[]): NagRuleCompliance {
  return statements.some(tooBroad) ? NagRuleCompliance.NON_COMPLIANT : NagRuleCompliance.COMPLIANT;
}

function tooBroad(statement: Statement): boolean {
  if (statement.Effect !== 'Allow') return false;
  if (statement.NotAction !== undefined || statement.NotResource !== undefined) return true;
  // intrinsics flattened to text (`arn:<AWS::Partition>:dynamodb:...:table/*`), so a join hides nothing
  const text = (v: unknown): string => (typeof v === 'string' ? v : String(flattenCfnReference(v)));
  return [...list(statement.Action), ...list(statement.Resource)].some((v) => /[*?]/.test(text(v)));
}

function list(value: unknown): unknown[] {
  return value === undefined ? [] : Array.isArray(value) ? value : [value];
}

/**
 * The policy's `Roles` name a role in this stack that is tagged `warden:role=data`, or a role by
 * a name ending in `-data` (warden's data-role names; roles of other stacks are attached by name).
 */
function attachedToDataRole(policy: CfnManagedPolicy | CfnPolicy): boolean {
  const stack = Stack.of(policy);
  const roles = (stack.resolve(policy.roles) ?? []) as unknown[];
  if (roles.some((r) => typeof r === 'string' && r.endsWith('-data'))) return true;
  const logicalIds = new Set(roles.flatMap((r) => (r && typeof r === 'object' && 'Ref' in r ? [String((r as { Ref: unknown }).Ref)] : [])));
  if (logicalIds.size === 0) return false;
  return stack.node
    .findAll()
    .some((c) => c instanceof CfnRole && logicalIds.has(stack.resolve(c.logicalId) as string) && tagsOf(c)[ROLE_TAG] === 'data');
}
