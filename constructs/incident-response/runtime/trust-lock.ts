/**
 * Containment's second half: an inline deny with `aws:TokenIssueTime` revokes the sessions an
 * agent already holds, but not a fresh `sts:AssumeRole` (AWS's own revoke-sessions guidance says
 * as much). So while an agent is contained its roles' trust policies carry one more statement
 * denying every principal `sts:AssumeRole`; release removes exactly that statement (by its Sid),
 * leaving the rest of the trust as CloudFormation wrote it. Both directions are idempotent, so a
 * retried step or a repeated release is harmless.
 */
import { GetRoleCommand, type IAMClient, UpdateAssumeRolePolicyCommand } from '@aws-sdk/client-iam';

/** Sid of the trust statement containment adds. */
export const TRUST_LOCK_SID = 'WardenContainedNoNewSessions';

/** Denies every principal (AWS accounts, roles, services, federated) new sessions of the role. */
export const TRUST_LOCK_STATEMENT = {
  Sid: TRUST_LOCK_SID,
  Effect: 'Deny',
  Principal: '*',
  Action: ['sts:AssumeRole', 'sts:AssumeRoleWithWebIdentity', 'sts:AssumeRoleWithSAML', 'sts:TagSession', 'sts:SetSourceIdentity'],
} as const;

export interface TrustLockRequest {
  readonly action: 'lock' | 'unlock';
  readonly roleNames: readonly string[];
}

export interface TrustLockResult {
  readonly action: 'lock' | 'unlock';
  /** Roles whose trust this call changed (the others were already in the requested state). */
  readonly changed: readonly string[];
  readonly unchanged: readonly string[];
}

interface TrustDocument {
  Version?: string;
  Statement?: Record<string, unknown> | Record<string, unknown>[];
  [key: string]: unknown;
}

/** The trust with the lock statement added (lock) or removed (unlock); undefined when already so. */
export function lockedTrust(document: TrustDocument, action: 'lock' | 'unlock'): TrustDocument | undefined {
  const statements = document.Statement === undefined ? [] : Array.isArray(document.Statement) ? document.Statement : [document.Statement];
  const has = statements.some((s) => s.Sid === TRUST_LOCK_SID);
  if (action === 'lock') return has ? undefined : { ...document, Statement: [...statements, { ...TRUST_LOCK_STATEMENT, Action: [...TRUST_LOCK_STATEMENT.Action] }] };
  return has ? { ...document, Statement: statements.filter((s) => s.Sid !== TRUST_LOCK_SID) } : undefined;
}

export async function trustLock(iam: IAMClient, request: TrustLockRequest): Promise<TrustLockResult> {
  if (request.action !== 'lock' && request.action !== 'unlock') throw new Error(`trust lock: action must be "lock" or "unlock", not ${JSON.stringify(request.action)}`);
  const changed: string[] = [];
  const unchanged: string[] = [];
  for (const roleName of request.roleNames) {
    const { Role } = await iam.send(new GetRoleCommand({ RoleName: roleName }));
    // GetRole returns the trust URL-encoded (IAM API reference, GetRole: AssumeRolePolicyDocument)
    const current = JSON.parse(decodeURIComponent(Role?.AssumeRolePolicyDocument ?? '%7B%7D')) as TrustDocument;
    const next = lockedTrust(current, request.action);
    if (next === undefined) {
      unchanged.push(roleName);
      continue;
    }
    await iam.send(new UpdateAssumeRolePolicyCommand({ RoleName: roleName, PolicyDocument: JSON.stringify(next) }));
    changed.push(roleName);
  }
  return { action: request.action, changed, unchanged };
}
