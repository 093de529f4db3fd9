/**
 * AWS's policy evaluation logic for one request, for the policy types mcp-warden uses: identity
 * policies (inline and managed), a permissions boundary, and the resource's own policy (a table's
 * resource policy, a KMS key policy, a role's trust policy, an API's resource policy).
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html
 *
 * 1. An explicit Deny in any of them wins.
 * 2. Same account: an Allow from the identity policies (within the boundary) is enough, or an
 *    Allow from the resource policy that names the principal itself. A resource policy that names
 *    the *account* (`arn:aws:iam::111122223333:root`) grants nothing by itself: it delegates to the
 *    account's identity policies. A resource policy naming a role ARN is still capped by the role's
 *    boundary; one naming the role *session* is not.
 * 3. KMS key policies and role trust policies must allow (resourcePolicyRequired): IAM alone never
 *    opens a key or a role.
 * 4. Cross account: both sides must allow. An AWS service principal is judged by the resource
 *    policy alone.
 * SCPs, RCPs and session policies are not modelled (the project sets none).
 */
import { conditionsHold } from './conditions';
import { list, type NamedPolicy, type PrincipalBlock, type Statement, statementsOf } from './policy-document';
import { type RequestContext, substituteVariables } from './request-context';
import { arnMatch, wildcardMatch } from './wildcard';

export interface SimPrincipal {
  /** The role (or user) ARN, e.g. arn:aws:iam::111122223333:role/shop-prod-support-agent-data. */
  readonly arn: string;
  /** The session ARN the request is made with (arn:aws:sts::…:assumed-role/NAME/SESSION). */
  readonly sessionArn?: string;
  readonly account: string;
  /** Set when the caller is an AWS service principal (e.g. lambda.amazonaws.com). */
  readonly service?: string;
}

export interface EvaluationInput {
  readonly principal: SimPrincipal;
  readonly action: string;
  readonly resource: string;
  readonly context: RequestContext;
  readonly identityPolicies: readonly NamedPolicy[];
  readonly permissionsBoundary?: NamedPolicy;
  readonly resourcePolicy?: NamedPolicy;
  /** Account that owns the resource. @default the principal's account */
  readonly resourceAccount?: string;
  /** KMS key policies and role trust policies: without their Allow nothing is allowed. @default false */
  readonly resourcePolicyRequired?: boolean;
}

export type Decision = 'allow' | 'explicit-deny' | 'implicit-deny';

export interface Evaluation {
  readonly decision: Decision;
  /** One line saying why, naming the policies and statements that decided. */
  readonly reason: string;
}

/** How a resource policy statement's Principal matched the caller. */
type PrincipalMatch = 'session' | 'principal' | 'account';

export function evaluate(input: EvaluationInput): Evaluation {
  const { principal, context } = input;
  const applies = (s: Statement, resourcePolicy: boolean): boolean =>
    actionMatches(s, input.action) && resourceMatches(s, input.resource, context, resourcePolicy) && conditionsHold(s.Condition, context);

  // Identity policies and the boundary: statements that apply to this action and resource.

  const denies: string[] = [];
  const allowsIn = (policy: NamedPolicy | undefined): string[] => {
    const allows: string[] = [];
    if (!policy) return allows;
    for (const [i, s] of statementsOf(policy.document).entries()) {
      if (!applies(s, false)) continue;
      (s.Effect === 'Deny' ? denies : allows).push(`${policy.name}#${s.Sid ?? i}`);
    }
    return allows;
  };

  const identityAllows = input.identityPolicies.flatMap((p) => allowsIn(p));
  const boundaryAllows = allowsIn(input.permissionsBoundary);
  let resourceMatch: PrincipalMatch | undefined;
  const resourceAllows: string[] = [];
  if (input.resourcePolicy) {
    for (const [i, s] of statementsOf(input.resourcePolicy.document).entries()) {
      const match = principalMatch(s, principal);
      if (!match || !applies(s, true)) continue;
      const name = `${input.resourcePolicy.name}#${s.Sid ?? i}`;
      if (s.Effect === 'Deny') denies.push(name);
      else {
        resourceAllows.push(name);
        resourceMatch = strongest(resourceMatch, match);
      }
    }
  }

  if (denies.length > 0) return { decision: 'explicit-deny', reason: `explicit deny in ${denies.join(', ')}` };

  const identityOk = identityAllows.length > 0;
  const boundaryOk = !input.permissionsBoundary || boundaryAllows.length > 0;
  const withinBoundary = (why: string): Evaluation =>
    boundaryOk ? { decision: 'allow', reason: why } : { decision: 'implicit-deny', reason: `${why}, but the permissions boundary ${input.permissionsBoundary?.name} does not allow it` };
  const identityWhy = `allowed by ${identityAllows.join(', ')}`;
  const resourceWhy = `allowed by ${resourceAllows.join(', ')}`;

  // An AWS service acting as itself has no identity policies: the resource policy alone decides.
  if (principal.service !== undefined) return resourceMatch ? { decision: 'allow', reason: resourceWhy } : { decision: 'implicit-deny', reason: `no resource policy statement admits ${principal.service}` };

  const sameAccount = (input.resourceAccount ?? principal.account) === principal.account;
  if (!sameAccount) {
    if (!resourceMatch) return { decision: 'implicit-deny', reason: 'cross-account: the resource policy does not allow the caller' };
    if (!identityOk) return { decision: 'implicit-deny', reason: 'cross-account: no identity policy allows it' };
    return withinBoundary(`${identityWhy} and ${resourceWhy}`);
  }
  if (input.resourcePolicyRequired) {
    if (!resourceMatch) return { decision: 'implicit-deny', reason: `${input.resourcePolicy?.name ?? 'the resource policy'} does not allow the caller` };
    if (resourceMatch === 'session') return { decision: 'allow', reason: resourceWhy };
    if (resourceMatch === 'principal') return withinBoundary(resourceWhy);
    if (!identityOk) return { decision: 'implicit-deny', reason: `${resourceWhy} for the account, but no identity policy allows it` };
    return withinBoundary(`${identityWhy} (delegated by ${resourceAllows.join(', ')})`);
  }
  if (identityOk && boundaryOk) return { decision: 'allow', reason: identityWhy };
  if (resourceMatch === 'session') return { decision: 'allow', reason: resourceWhy };
  if (resourceMatch === 'principal') return withinBoundary(resourceWhy);
  if (identityOk) return withinBoundary(identityWhy);
  return { decision: 'implicit-deny', reason: 'no policy allows it' };
}

const RANK: Record<PrincipalMatch, number> = { account: 0, principal: 1, session: 2 };
const strongest = (a: PrincipalMatch | undefined, b: PrincipalMatch): PrincipalMatch => (a === undefined || RANK[b] > RANK[a] ? b : a);

function actionMatches(s: Statement, action: string): boolean {
  if (s.Action !== undefined) return list(s.Action).some((p) => wildcardMatch(p, action, true));
  if (s.NotAction !== undefined) return !list(s.NotAction).some((p) => wildcardMatch(p, action, true));
  return false;
}

/** Trust policies carry no Resource (the role is the resource); elsewhere a statement without one matches nothing. */
function resourceMatches(s: Statement, resource: string, context: RequestContext, resourcePolicy: boolean): boolean {
  const test = (p: string): boolean => {
    const pattern = substituteVariables(p, context);
    return pattern !== undefined && arnMatch(pattern, resource);
  };
  if (s.Resource !== undefined) return list(s.Resource).some(test);
  if (s.NotResource !== undefined) return !list(s.NotResource).some(test);
  return resourcePolicy;
}

function principalMatch(s: Statement, principal: SimPrincipal): PrincipalMatch | undefined {
  if (s.Principal !== undefined) return matchBlock(s.Principal, principal);
  if (s.NotPrincipal !== undefined) return matchBlock(s.NotPrincipal, principal) === undefined ? 'principal' : undefined;
  return undefined;
}

function matchBlock(block: '*' | PrincipalBlock, principal: SimPrincipal): PrincipalMatch | undefined {
  if (block === '*') return 'principal';
  let best: PrincipalMatch | undefined;
  for (const value of list(block.AWS)) {
    const match = matchAwsPrincipal(value, principal);
    if (match) best = strongest(best, match);
  }
  if (principal.service && list(block.Service).includes(principal.service)) best = strongest(best, 'principal');
  return best;
}

function matchAwsPrincipal(value: string, principal: SimPrincipal): PrincipalMatch | undefined {
  if (value === '*') return 'principal';
  if (principal.service) return undefined;
  const account = /^\d{12}$/.test(value) ? value : /^arn:[^:]+:iam::(\d{12}):root$/.exec(value)?.[1];
  if (account !== undefined) return account === principal.account ? 'account' : undefined;
  if (value === principal.arn) return 'principal';
  if (principal.sessionArn !== undefined && value === principal.sessionArn) return 'session';
  return undefined;
}
