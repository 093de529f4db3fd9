/**
 * Names of the two IAM roles each agent gets. They are derived from the manifest, so the
 * loader can reject a manifest whose names would not fit before CloudFormation does.
 */

/** IAM role names are at most 64 characters (IAM User Guide, "IAM and AWS STS quotas"). */
export const IAM_ROLE_NAME_MAX = 64;

export interface AgentRoleNames {
  /** Assumed by the agent's runtime; may only invoke its server's API. */
  readonly caller: string;
  /** Assumed by the MCP server on the agent's behalf; holds only the agent's datasets and keys. */
  readonly data: string;
}

export function agentRoleNames(project: string, environment: string, agent: string): AgentRoleNames {
  const prefix = `${project}-${environment}-${agent}`;
  return { caller: `${prefix}-caller`, data: `${prefix}-data` };
}

/**
 * The error for a role name over the limit, or undefined when both fit. It says by how much and
 * which part to shorten (the longest of project, environment and agent name).
 */
export function roleNameLengthProblem(project: string, environment: string, agent: string): string | undefined {
  const names = agentRoleNames(project, environment, agent);
  const longest = names.caller.length >= names.data.length ? names.caller : names.data;
  const over = longest.length - IAM_ROLE_NAME_MAX;
  if (over <= 0) return undefined;
  const parts = [
    { part: 'agent name', value: agent },
    { part: 'project', value: project },
    { part: 'environment', value: environment },
  ].sort((a, b) => b.value.length - a.value.length);
  const [first, ...others] = parts;
  const shown = (v: string) => (v.length > 80 ? `${v.slice(0, 77)}...` : v);
  return (
    `IAM role name "${shown(longest)}" is ${longest.length} characters, ${over} over the ${IAM_ROLE_NAME_MAX}-character limit` +
    ` — shorten the ${first!.part} "${shown(first!.value)}" (${first!.value.length} characters) by at least ${over}, or the ${others.map((o) => o.part).join(' or the ')}`
  );
}

/** `<project>-<environment>-*-data`: the name pattern of every agent data role of a deployment. */
export function dataRoleNamePattern(project: string, environment: string): string {
  return `${project}-${environment}-*-data`;
}

/**
 * Tag on an agent's data role listing the data classes of its datasets, `/confidential/restricted/`:
 * class keys and tables admit data roles by name pattern plus `StringLike` `*\/<class>/*` on this
 * tag, which keeps their policies the same size for 4 agents or 1,000. The data-role trust admits
 * only the warden session tag keys, so a session can never override it.
 */
export const DATA_CLASSES_TAG = 'warden:classes';
/** IAM tag values are at most 256 characters ("IAM and AWS STS quotas"). */
export const IAM_TAG_VALUE_MAX = 256;

/** The `warden:classes` tag value for these classes (sorted, de-duplicated, slash-delimited). */
export function dataClassesTagValue(classes: readonly string[]): string {
  return `/${[...new Set(classes)].sort().join('/')}/`;
}
