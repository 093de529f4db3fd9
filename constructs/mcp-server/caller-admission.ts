/**
 * How a server names the agents it admits in its policies: by listing their role ARNs, or — when
 * the list would not fit a policy size limit — by a role-name pattern of this project and
 * environment plus the `warden:server-<name>` tag that AgentIdentity puts on exactly those roles.
 *
 * Limits (both hard, not raisable):
 * - API Gateway resource policy: 8,192 bytes ("Amazon API Gateway quotas", REST APIs).
 * - IAM customer managed policy: 6,144 characters, whitespace excluded ("IAM and AWS STS quotas").
 */
import * as iam from 'aws-cdk-lib/aws-iam';

/** 'list': every role ARN named; 'tag': `<project>-<env>-*-<kind>` roles tagged for this server. */
export type CallerAdmission = 'list' | 'tag';

export const API_RESOURCE_POLICY_MAX_BYTES = 8192;
export const MANAGED_POLICY_MAX_CHARS = 6144;

/**
 * A rendered role ARN costs at most this much beyond its name: `"arn:aws-us-gov:iam::123456789012:role/",`
 * (the longest commercial/GovCloud partition prefix, quotes and comma).
 */
const ARN_OVERHEAD = 42;
/** Room kept for everything else in the resource policy (deny statement, endpoint ids, conditions). */
const RESOURCE_POLICY_RESERVE = 1536;
/** Room kept for the function policy's other statements (kill switch, rate limits, key, logs, X-Ray, ENIs). */
const FUNCTION_POLICY_RESERVE = 2560;

/** Characters the listed ARNs of these role names take once rendered, at most. */
export function listedArnsSize(roleNames: readonly string[]): number {
  return roleNames.reduce((n, name) => n + name.length + ARN_OVERHEAD, 0);
}

/**
 * 'list' when both the callers in the API resource policy (listed twice: in the Allow and in the
 * Deny of everyone else) and the data roles in the function policy fit their limits with room
 * for the rest of each policy, else 'tag'.
 */
export function chooseCallerAdmission(callerRoleNames: readonly string[], dataRoleNames: readonly string[]): CallerAdmission {
  const callersFit = 2 * listedArnsSize(callerRoleNames) <= API_RESOURCE_POLICY_MAX_BYTES - RESOURCE_POLICY_RESERVE;
  const dataRolesFit = listedArnsSize(dataRoleNames) <= MANAGED_POLICY_MAX_CHARS - FUNCTION_POLICY_RESERVE;
  return callersFit && dataRolesFit ? 'list' : 'tag';
}

export interface ApiResourcePolicyProps {
  readonly admission: CallerAdmission;
  /** 'list': ARNs of the admitted caller roles. */
  readonly callerRoleArns: readonly string[];
  /** 'tag': the ARN pattern of the project's caller roles (`arn:...:role/<project>-<env>-*-caller`). */
  readonly callerRolePattern: string;
  /** 'tag': the principal tag key that marks the caller roles of this server's agents, and its value. */
  readonly serverTag: { readonly key: string; readonly value: string };
  /** The execute-api VPC endpoint(s) requests must come through. */
  readonly endpointIds: readonly string[];
  /** The resource admitted callers may invoke, e.g. `execute-api:/v1/*\/mcp`. */
  readonly route: string;
}

/**
 * The API's resource policy.
 * - Allow: the admitted caller roles, on `route`, through the endpoint(s).
 * - Deny: anything not through the endpoint(s), whoever signs it.
 * - Deny: every principal that is not an admitted caller role, wherever it comes from. Without
 *   it, a same-account principal whose identity policy allows `execute-api:Invoke` (an admin, a
 *   PowerUser, a CI role) would be admitted through the endpoint: in the same account, an allow
 *   in either the identity or the resource policy suffices (IAM policy evaluation logic).
 *   In 'tag' mode two statements, because a Deny applies only when all its conditions match:
 *   one for a principal outside the caller-role name pattern, one for a principal without the
 *   server's tag (a missing key satisfies StringNotEquals, so untagged roles are denied too).
 */
export function apiResourcePolicy(props: ApiResourcePolicyProps): iam.PolicyDocument {
  const endpoint = { 'aws:SourceVpce': [...props.endpointIds] };
  const anyone = [new iam.AnyPrincipal()];
  const denyInvoke = (sid: string, conditions: Record<string, unknown>) =>
    new iam.PolicyStatement({ sid, effect: iam.Effect.DENY, principals: anyone, actions: ['execute-api:Invoke'], resources: ['execute-api:/*'], conditions });
  if (props.admission === 'list') {
    return new iam.PolicyDocument({
      statements: [
        new iam.PolicyStatement({
          sid: 'OnlyItsAgentsThroughTheEndpoint',
          principals: props.callerRoleArns.map((arn) => new iam.ArnPrincipal(arn)),
          actions: ['execute-api:Invoke'],
          resources: [props.route],
          conditions: { StringEquals: endpoint },
        }),
        denyInvoke('NothingFromOutsideTheEndpoint', { StringNotEquals: endpoint }),
        denyInvoke('NobodyButItsAgents', { ArnNotEquals: { 'aws:PrincipalArn': [...props.callerRoleArns] } }),
      ],
    });
  }
  // any principal, but only a caller role of this project/environment tagged for this server.
  // The tag is the role's own: caller-role trust policies never allow sts:TagSession, so a
  // session cannot override it with a session tag.
  const tag = `aws:PrincipalTag/${props.serverTag.key}`;
  return new iam.PolicyDocument({
    statements: [
      new iam.PolicyStatement({
        sid: 'OnlyItsAgentsThroughTheEndpoint',
        principals: anyone,
        actions: ['execute-api:Invoke'],
        resources: [props.route],
        conditions: { StringEquals: { ...endpoint, [tag]: props.serverTag.value }, ArnLike: { 'aws:PrincipalArn': props.callerRolePattern } },
      }),
      denyInvoke('NothingFromOutsideTheEndpoint', { StringNotEquals: endpoint }),
      denyInvoke('NobodyButCallerRoles', { ArnNotLike: { 'aws:PrincipalArn': props.callerRolePattern } }),
      denyInvoke('NobodyButItsAgents', { StringNotEquals: { [tag]: props.serverTag.value } }),
    ],
  });
}
