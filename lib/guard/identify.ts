/**
 * Caller identity: the IAM principal API Gateway verified (SigV4) → agent name, through the
 * caller-role naming convention `<project>-<environment>-<agent>-caller`.
 */
import { agentRoleNames } from '../config/role-names';
import type { Manifest } from '../config/schema';

/** The caller role name of an agent (AgentIdentity creates the role with this name). */
export function callerRoleName(project: string, environment: string, agent: string): string {
  return agentRoleNames(project, environment, agent).caller;
}

/**
 * The role name in an assumed-role session ARN (`arn:aws:sts::ACCOUNT:assumed-role/ROLE/SESSION`)
 * or a role ARN (`arn:aws:iam::ACCOUNT:role/PATH/ROLE`); undefined for anything else
 * (users, root, federated users, malformed strings).
 */
export function roleNameOf(principalArn: string): { role: string; session?: string } | undefined {
  const m = /^arn:aws(?:-[a-z]+)*:(sts|iam)::\d{12}:(assumed-role|role)\/(.+)$/.exec(principalArn);
  if (!m) return undefined;
  const [, service, kind, rest] = m as unknown as [string, string, string, string];
  if (service === 'sts' && kind === 'assumed-role') {
    // assumed-role ARNs carry no path: ROLE/SESSION
    const parts = rest.split('/');
    if (parts.length !== 2 || !parts[0] || !parts[1]) return undefined;
    return { role: parts[0], session: parts[1] };
  }
  if (service === 'iam' && kind === 'role') {
    const role = rest.split('/').pop();
    return role ? { role } : undefined;
  }
  return undefined;
}

export interface PrincipalResolverOptions {
  /**
   * The account the caller roles live in. A role of the same name in another account is then
   * not the agent. Set it where it is known (the Lambda's own account): the API's resource
   * policy already admits only this account's roles, and this makes the guard hold on its own.
   * @default - any account
   */
  readonly accountId?: string;
}

/** The default principal resolver: caller role name → manifest agent, or undefined. */
export function principalResolver(manifest: Pick<Manifest, 'project' | 'environment' | 'agents'>, options: PrincipalResolverOptions = {}): (principalArn: string) => string | undefined {
  const byRole = new Map(manifest.agents.map((a) => [callerRoleName(manifest.project, manifest.environment, a.name), a.name]));
  return (principalArn) => {
    if (options.accountId !== undefined && accountOf(principalArn) !== options.accountId) return undefined;
    const parsed = roleNameOf(principalArn);
    return parsed ? byRole.get(parsed.role) : undefined;
  };
}

/** The 12-digit account of an IAM or STS ARN. */
function accountOf(arn: string): string | undefined {
  return /^arn:aws(?:-[a-z]+)*:(?:sts|iam)::(\d{12}):/.exec(arn)?.[1];
}

export function agentFromPrincipal(manifest: Pick<Manifest, 'project' | 'environment' | 'agents'>, principalArn: string, options: PrincipalResolverOptions = {}): string | undefined {
  return principalResolver(manifest, options)(principalArn);
}
