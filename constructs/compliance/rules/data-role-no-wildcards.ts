import { CfnResource, Stack } from 'aws-cdk-lib';
import { CfnManagedPolicy, CfnPolicy, CfnRole } from 'aws-cdk-lib/aws-iam';
import { NagRuleCompliance } from 'cdk-nag';
import { ROLE_TAG, tagsOf } from './resource-tags';

interface Statement {
  readonly Effect?: string;
  readonly Action?: unknown;
  readonly Resource?: unknown;
  readonly NotAction?: unknown;
  readonly NotResource?: unknown;
}

/**
 * Compliant: no Allow statement reaching a data role (inline, or a policy attached to it) has a
 * `*` resource, an `arn:...:*` resource, a `*` or `service:*` action, or NotAction/NotResource.
 * A data role holds exactly its datasets' tables (and their `/index/*`) and class keys; anything
 * broader would let one agent's tool code reach another agent's data.
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
  const actions = list(statement.Action);
  const resources = list(statement.Resource);
  return actions.some((a) => a === '*' || (typeof a === 'string' && /^[a-z0-9-]+:\*$/i.test(a))) || resources.some((r) => r === '*' || (typeof r === 'string' && /^arn:[^:]*:[^:]*:[^:]*:[^:]*:\*$/.test(r)));
}

function list(value: unknown): unknown[] {
  return value === undefined ? [] : Array.isArray(value) ? value : [value];
}

/** The policy's `Roles` name a role in this stack that is tagged `warden:role=data`. */
function attachedToDataRole(policy: CfnManagedPolicy | CfnPolicy): boolean {
  const stack = Stack.of(policy);
  const roles = (stack.resolve(policy.roles) ?? []) as unknown[];
  const logicalIds = new Set(roles.flatMap((r) => (r && typeof r === 'object' && 'Ref' in r ? [String((r as { Ref: unknown }).Ref)] : [])));
  if (logicalIds.size === 0) return false;
  return stack.node
    .findAll()
    .some((c) => c instanceof CfnRole && logicalIds.has(stack.resolve(c.logicalId) as string) && tagsOf(c)[ROLE_TAG] === 'data');
}
