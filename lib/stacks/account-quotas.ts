/**
 * Account-wide IAM quotas the stacks count against. Unlike per-document limits these depend on
 * what else lives in the account, so synth does not fail: the summary warns, with the count, the
 * quota and how to raise it, once the stacks alone take 80 % of it ("IAM and AWS STS quotas").
 *
 * - Roles per account: 1,000 by default, adjustable to 5,000 (Service Quotas, IAM, "Roles per
 *   account"). The kit creates 2 per agent (caller, data) plus one per server and a few of its own,
 *   so the default is reached at about 497 agents.
 * - Customer managed policies per account: 1,500 by default, adjustable to 5,000 ("Customer
 *   managed policies per account"). One data policy per agent plus a few per server and stack:
 *   about 1,480 agents.
 */
export const IAM_DEFAULT_ROLE_QUOTA = 1000;
export const IAM_MAX_ROLE_QUOTA = 5000;
export const IAM_DEFAULT_MANAGED_POLICY_QUOTA = 1500;
export const IAM_MAX_MANAGED_POLICY_QUOTA = 5000;
/** Warn from this share of the quota: the account holds other roles and policies too. */
export const QUOTA_WARNING_SHARE = 0.8;

export interface AccountQuotas {
  /** The account's raised "Roles per account" quota (`-c iamRoleQuota=N`). @default 1000 */
  readonly iamRoleQuota?: number;
  /** The account's raised "Customer managed policies per account" quota (`-c managedPolicyQuota=N`). @default 1500 */
  readonly managedPolicyQuota?: number;
}

/** A warning line per quota the stacks take 80 % or more of; empty otherwise. */
export function accountQuotaWarnings(counts: { readonly roles: number; readonly managedPolicies: number }, quotas: AccountQuotas = {}): string[] {
  const check = (count: number, quota: number | undefined, byDefault: number, max: number, what: string, quotaName: string, context: string): string[] => {
    const limit = quota ?? byDefault;
    if (!Number.isInteger(limit) || limit < 1 || limit > max) {
      return [`-c ${context}=${quota} is not a quota IAM can have (1 to ${max.toLocaleString('en-US')}); the default of ${byDefault.toLocaleString('en-US')} was not used either.`];
    }
    if (count < limit * QUOTA_WARNING_SHARE) return [];
    const raised = quota === undefined ? `the default quota is ${byDefault.toLocaleString('en-US')}` : `the quota you gave is ${limit.toLocaleString('en-US')}`;
    const over = count > limit ? 'more than' : `${Math.round((count / limit) * 100)} % of`;
    return [
      `IAM ${what}: these stacks create ${count.toLocaleString('en-US')}, ${over} the account's quota (${raised}; the account's other ${what} count too). ` +
        `Raise "${quotaName}" in Service Quotas (IAM, up to ${max.toLocaleString('en-US')}) before deploying, then synth with -c ${context}=N.`,
    ];
  };
  return [
    ...check(counts.roles, quotas.iamRoleQuota, IAM_DEFAULT_ROLE_QUOTA, IAM_MAX_ROLE_QUOTA, 'roles', 'Roles per account', 'iamRoleQuota'),
    ...check(counts.managedPolicies, quotas.managedPolicyQuota, IAM_DEFAULT_MANAGED_POLICY_QUOTA, IAM_MAX_MANAGED_POLICY_QUOTA, 'customer managed policies', 'Customer managed policies per account', 'managedPolicyQuota'),
  ];
}

/** Lambda's default "Concurrent executions" per account and region. */
export const LAMBDA_DEFAULT_CONCURRENCY_QUOTA = 1000;
/** What Lambda keeps unreserved: reservations may take the quota minus this, no more. */
export const LAMBDA_UNRESERVED_MINIMUM = 100;

/**
 * A warning when the functions' reserved concurrency (every server reserves its share, by default
 * the stage rate limit) takes 80 % or more of what the account may reserve (the quota minus the
 * 100 Lambda keeps unreserved): past it the deployment fails, and the account's other functions
 * count too. `quota` is the account's raised quota (`-c lambdaConcurrencyQuota=N`).
 */
export function lambdaConcurrencyWarnings(reserved: number, quota?: number): string[] {
  const limit = quota ?? LAMBDA_DEFAULT_CONCURRENCY_QUOTA;
  if (!Number.isInteger(limit) || limit <= LAMBDA_UNRESERVED_MINIMUM) {
    return [`-c lambdaConcurrencyQuota=${quota} is not a concurrency quota reservations fit in (an integer above ${LAMBDA_UNRESERVED_MINIMUM}); the default of ${LAMBDA_DEFAULT_CONCURRENCY_QUOTA.toLocaleString('en-US')} was not used either.`];
  }
  const reservable = limit - LAMBDA_UNRESERVED_MINIMUM;
  if (reserved < reservable * QUOTA_WARNING_SHARE) return [];
  const given = quota === undefined ? `the default quota is ${limit.toLocaleString('en-US')}` : `the quota you gave is ${limit.toLocaleString('en-US')}`;
  const over = reserved > reservable ? 'more than' : `${Math.round((reserved / reservable) * 100)} % of`;
  return [
    `Lambda reserved concurrency: these stacks reserve ${reserved.toLocaleString('en-US')}, ${over} the ${reservable.toLocaleString('en-US')} the account may reserve (${given}, of which Lambda keeps ${LAMBDA_UNRESERVED_MINIMUM} unreserved; the account's other reservations count too). ` +
      'Raise "Concurrent executions" in Service Quotas (Lambda) and synth with -c lambdaConcurrencyQuota=N, or set smaller servers[].reservedConcurrency.',
  ];
}
