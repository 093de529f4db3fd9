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
