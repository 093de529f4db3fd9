/**
 * Who may decide an approval. The decider is the principal that asked (before it assumed the
 * deciding role: the CLI reads it with GetCallerIdentity first). It must match one of the
 * tool's approvers, and it may never be the agent: not the agent's caller or data role, not the
 * principal that made the held call.
 */
import { agentRoleNames } from '../config/role-names';
import type { Manifest } from '../config/schema';
import type { ApprovalRequest } from './approval-record';

/** `arn:aws:sts::A:assumed-role/NAME/SESSION` → `{ account: A, kind: 'role', name: NAME }`; role and user ARNs likewise. */
export function principalOf(arn: string): { readonly account: string; readonly kind: 'role' | 'user'; readonly name: string } | undefined {
  const assumed = /^arn:aws[a-z-]*:sts::(\d{12}):assumed-role\/([^/]+)\/[^/]+$/.exec(arn);
  if (assumed) return { account: assumed[1]!, kind: 'role', name: assumed[2]! };
  const iam = /^arn:aws[a-z-]*:iam::(\d{12}):(role|user)\/(?:.*\/)?([^/]+)$/.exec(arn);
  if (iam) return { account: iam[1]!, kind: iam[2] as 'role' | 'user', name: iam[3]! };
  return undefined;
}

const glob = (pattern: string) => new RegExp(`^${pattern.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`);

/** Whether `arn` is one of `approvers` (a role pattern's path is ignored: an assumed-role ARN has none). */
export function isApprover(arn: string, approvers: readonly string[]): boolean {
  const who = principalOf(arn);
  if (!who) return false;
  return approvers.some((entry) => {
    const want = principalOf(entry);
    if (!want || want.account !== who.account || want.kind !== who.kind) return false;
    return glob(want.name).test(who.name);
  });
}

/** Why `decider` may not decide `request`, or undefined when it may. */
export function deciderRefusal(manifest: Manifest, request: ApprovalRequest, decider: string, options: { readonly requireApprover: boolean }): string | undefined {
  const roles = agentRoleNames(manifest.project, manifest.environment, request.agent);
  const who = principalOf(decider);
  if (decider === request.principal || decider === `dev:${request.agent}` || (who?.kind === 'role' && (who.name === roles.caller || who.name === roles.data))) {
    return `${decider} is agent ${request.agent}'s own principal: an agent can never approve its own call`;
  }
  if (options.requireApprover && !isApprover(decider, request.approvers)) return `${decider} is not an approver of ${request.server}/${request.tool} (approvers: ${request.approvers.join(', ')})`;
  return undefined;
}
