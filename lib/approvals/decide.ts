/**
 * Deciding an approval (the CLI against DynamoDB, or the dev server in memory): checks that the
 * approval can still be decided and that the decider may decide it, writes the one decision
 * and audits it, linked to the held call by the approval id.
 */
import { randomUUID } from 'node:crypto';
import type { Manifest } from '../config/schema';
import type { AuditSink } from '../guard/contract';
import { ensureTraceparent, ocsfApiActivity } from '../guard/audit-event';
import { APPROVAL_ID, approvalStatus, type ApprovalState, type ApprovalVerdict } from './approval-record';
import type { ApprovalsStore } from './approvals-store';
import { deciderRefusal } from './approver-check';

export class ApprovalDecisionError extends Error {}

export interface DecideOptions {
  readonly manifest: Manifest;
  readonly store: ApprovalsStore;
  /** Where the decision's audit event goes. */
  readonly audit: AuditSink;
  /** Require the decider to be one of the tool's approvers (AWS); the dev server has no IAM to say so. @default true */
  readonly requireApprover?: boolean;
  /** @default Date.now */
  readonly now?: () => number;
}

export interface DecideRequest {
  readonly id: string;
  readonly verdict: ApprovalVerdict;
  /** The approver's own principal ARN (dev: a name). */
  readonly decidedBy: string;
  readonly reason?: string;
}

/** Decides; throws ApprovalDecisionError (audited) when the decision is refused. */
export async function decideApproval(options: DecideOptions, decision: DecideRequest): Promise<ApprovalState> {
  const now = options.now ?? Date.now;
  const at = now();
  const requestId = randomUUID();
  const audit = (state: ApprovalState | undefined, allowed: boolean, reason: string) =>
    options.audit.emit(
      ocsfApiActivity({
        time: at,
        requestId,
        method: `approvals/${decision.verdict === 'approved' ? 'approve' : 'deny'}`,
        traceparent: ensureTraceparent(undefined),
        ...(state ? { agent: state.request.agent, server: state.request.server, tool: state.request.tool, argsSha256: state.request.argsSha256 } : {}),
        principalArn: decision.decidedBy,
        decision: allowed ? 'allowed' : 'refused',
        outcome: allowed ? 'approval_decided' : 'approval_refused',
        reason,
        latencyMs: 0,
        approvalId: decision.id,
      }),
    );
  const refuse = (state: ApprovalState | undefined, why: string): never => {
    audit(state, false, `decision refused: ${why}`);
    throw new ApprovalDecisionError(why);
  };
  if (!APPROVAL_ID.test(decision.id)) refuse(undefined, `"${decision.id.slice(0, 64)}" is not an approval id (apr-…)`);
  const state = await options.store.get(decision.id);
  if (!state) return refuse(undefined, `no approval ${decision.id}`);
  const who = deciderRefusal(options.manifest, state.request, decision.decidedBy, { requireApprover: options.requireApprover ?? true });
  if (who) refuse(state, who);
  const status = approvalStatus(state, at);
  if (status !== 'pending') refuse(state, `approval ${decision.id} is ${status}${state.decision ? ` (by ${state.decision.decidedBy})` : ''}; only a pending approval can be decided`);
  const reason = decision.reason?.slice(0, 512);
  const written = await options.store.putDecision({ id: decision.id, verdict: decision.verdict, decidedBy: decision.decidedBy, decidedAt: at, ...(reason ? { reason } : {}) });
  if (!written) refuse(state, `approval ${decision.id} was decided meanwhile by someone else`);
  audit(state, true, `${decision.verdict} by ${decision.decidedBy}${reason ? `: ${reason}` : ''}`);
  return (await options.store.get(decision.id))!;
}
