/**
 * How a server names the agents it admits in its policies: by listing their role ARNs, or — when
 * the list would not fit a policy size limit — by a role-name pattern of this project and
 * environment plus the `warden:server-<name>` tag that AgentIdentity puts on exactly those roles.
 *
 * Limits (both hard, not raisable):
 * - API Gateway resource policy: 8,192 bytes ("Amazon API Gateway quotas", REST APIs).
 * - IAM customer managed policy: 6,144 characters, whitespace excluded ("IAM and AWS STS quotas").
 */

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
 * 'list' when both the callers in the API resource policy and the data roles in the function
 * policy fit their limits with room for the rest of each policy, else 'tag'.
 */
export function chooseCallerAdmission(callerRoleNames: readonly string[], dataRoleNames: readonly string[]): CallerAdmission {
  const callersFit = listedArnsSize(callerRoleNames) <= API_RESOURCE_POLICY_MAX_BYTES - RESOURCE_POLICY_RESERVE;
  const dataRolesFit = listedArnsSize(dataRoleNames) <= MANAGED_POLICY_MAX_CHARS - FUNCTION_POLICY_RESERVE;
  return callersFit && dataRolesFit ? 'list' : 'tag';
}
