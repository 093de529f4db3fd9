/**
 * IAM limits an agent's roles must fit, checked at synth so a manifest that cannot deploy fails
 * before CloudFormation does (a half-created identity stack rolls back minutes later otherwise).
 *
 * - Tags: 50 per role, hard ("IAM and AWS STS quotas"). Each agent role carries one
 *   `warden:server-<name>` tag per server it has a tool on (servers admitting agents by tag match
 *   on it) plus the fixed tags below.
 * - Managed policies: 10 attached per role by default, adjustable to 20 in Service Quotas
 *   ("Managed policies per role"). Each server attaches one invoke policy to the caller role of
 *   every agent it admits (lib/stacks/servers-stack.ts, McpServer.grantInvokeToAgents).
 * - Trust policy: 2,048 characters per role by default, adjustable to 4,096 ("Role trust policy
 *   length"). A data role's trust has one statement per server the agent has tools on (~430
 *   characters each, AgentIdentity), so the default admits 4 servers per agent with short names.
 */
import type { AccessModel } from '../policy/access-model';

export const IAM_TAGS_PER_ROLE = 50;
export const IAM_DEFAULT_MANAGED_POLICIES_PER_ROLE = 10;
export const IAM_MAX_MANAGED_POLICIES_PER_ROLE = 20;
export const IAM_DEFAULT_TRUST_POLICY_CHARS = 2048;
export const IAM_MAX_TRUST_POLICY_CHARS = 4096;

/**
 * Tags every agent role carries besides its server tags: warden:project, warden:environment,
 * warden:managed-by (the stack's), warden:agent, warden:role, warden:owner, warden:reviewed-on,
 * warden:classes on data roles (AgentIdentity's), and 3 kept for tags an organisation adds (cost
 * centre, data owner...).
 */
export const RESERVED_ROLE_TAGS = 11;
/** Servers one agent may have tools on before its roles run out of tags: 39. */
export const MAX_SERVER_TAGS_PER_AGENT = IAM_TAGS_PER_ROLE - RESERVED_ROLE_TAGS;

export interface RoleLimits {
  /**
   * Managed policies your account may attach to one role (the "Managed policies per role" quota).
   * @default 10
   */
  readonly managedPoliciesPerRole?: number;
  /**
   * Characters your account allows in a role trust policy (the "Role trust policy length" quota).
   * @default 2048
   */
  readonly trustPolicyChars?: number;
}

/**
 * The data role's trust policy as IAM stores it (no whitespace), rendered with the longest
 * partition and an account id, so the estimate is never below the deployed size. Mirrors
 * AgentIdentity's per-server statements; test/lib/stacks/role-limits.test.ts checks it against
 * the synthesized template.
 */
export function dataRoleTrustChars(project: string, environment: string, agent: string, servers: readonly string[]): number {
  const arn = (resource: string) => `arn:aws-us-gov:iam::123456789012:${resource}`;
  const statements = servers.map((server) => ({
    Action: ['sts:AssumeRole', 'sts:TagSession'],
    Condition: {
      ArnEquals: { 'aws:PrincipalArn': arn(`role/${project}-${environment}-${server}-server`) },
      StringEquals: { 'aws:RequestTag/warden:server': server, 'aws:RequestTag/warden:agent': agent },
      'ForAllValues:StringEquals': { 'aws:TagKeys': ['warden:agent', 'warden:server', 'warden:access'] },
    },
    Effect: 'Allow',
    Principal: { AWS: arn('root') },
  }));
  return JSON.stringify({ Statement: statements, Version: '2012-10-17' }).length;
}

/** A manifest whose agents' roles would exceed an IAM limit. */
export class RoleLimitError extends Error {
  public readonly problems: readonly string[];
  constructor(problems: readonly string[]) {
    super(problems.join('\n'));
    this.name = 'RoleLimitError';
    this.problems = problems;
  }
}

/** One sentence per agent and limit it exceeds; empty when every agent fits. */
export function roleLimitProblems(model: AccessModel, limits: RoleLimits = {}): string[] {
  const policies = limits.managedPoliciesPerRole ?? IAM_DEFAULT_MANAGED_POLICIES_PER_ROLE;
  const trustChars = limits.trustPolicyChars ?? IAM_DEFAULT_TRUST_POLICY_CHARS;
  const problems: string[] = [];
  for (const agent of model.manifest.agents) {
    const servers = new Set(model.grantsOf(agent.name).map((g) => g.server)).size;
    if (servers > MAX_SERVER_TAGS_PER_AGENT) {
      problems.push(
        `agent "${agent.name}" has tools on ${servers} servers, but its roles can carry at most ${MAX_SERVER_TAGS_PER_AGENT} server tags (IAM allows ${IAM_TAGS_PER_ROLE} tags per role, ${RESERVED_ROLE_TAGS} are kept for warden's own); ` +
          `give it tools on at most ${MAX_SERVER_TAGS_PER_AGENT} servers, e.g. split it into agents per task or merge servers that serve the same team.`,
      );
    }
    const trust = dataRoleTrustChars(model.manifest.project, model.manifest.environment, agent.name, [...new Set(model.grantsOf(agent.name).map((g) => g.server))]);
    if (trust > trustChars) {
      problems.push(
        `agent "${agent.name}" has tools on ${servers} servers, and its data role trusts each server's function role in a statement of its own (only with that server's session tag), which makes a trust policy of up to ${trust} characters, but IAM allows ${trustChars} (Service Quotas: "Role trust policy length"); ` +
          `give it tools on fewer servers (split the agent, or merge servers), or raise that quota (up to ${IAM_MAX_TRUST_POLICY_CHARS}) and synth with -c trustPolicyChars=N.`,
      );
    }
    if (servers > policies) {
      problems.push(
        `agent "${agent.name}" has tools on ${servers} servers, and each server attaches one invoke policy to the agent's caller role, but IAM attaches at most ${policies} managed policies to a role (Service Quotas: "Managed policies per role"); ` +
          `give it tools on at most ${policies} servers (split the agent, or merge servers), or raise that quota (up to ${IAM_MAX_MANAGED_POLICIES_PER_ROLE}) and synth with -c managedPoliciesPerRole=N.`,
      );
    }
  }
  return problems;
}

/** Throws a RoleLimitError listing every agent and limit exceeded. */
export function checkRoleLimits(model: AccessModel, limits: RoleLimits = {}): void {
  const policies = limits.managedPoliciesPerRole ?? IAM_DEFAULT_MANAGED_POLICIES_PER_ROLE;
  if (!Number.isInteger(policies) || policies < 1 || policies > IAM_MAX_MANAGED_POLICIES_PER_ROLE) {
    throw new RoleLimitError([`managedPoliciesPerRole must be a whole number from 1 to ${IAM_MAX_MANAGED_POLICIES_PER_ROLE} (got ${policies}); IAM's "Managed policies per role" quota cannot go higher.`]);
  }
  const trust = limits.trustPolicyChars ?? IAM_DEFAULT_TRUST_POLICY_CHARS;
  if (!Number.isInteger(trust) || trust < IAM_DEFAULT_TRUST_POLICY_CHARS || trust > IAM_MAX_TRUST_POLICY_CHARS) {
    throw new RoleLimitError([`trustPolicyChars must be a whole number from ${IAM_DEFAULT_TRUST_POLICY_CHARS} to ${IAM_MAX_TRUST_POLICY_CHARS} (got ${trust}); IAM's "Role trust policy length" quota has that range.`]);
  }
  const problems = roleLimitProblems(model, limits);
  if (problems.length > 0) throw new RoleLimitError(problems);
}
