/**
 * What the approvals store holds for one held tool call. Three items per approval, each written
 * once (a conditional create), by one kind of principal only:
 *
 * - the request (the MCP server, when it holds a call): who asked for what, bound to the agent,
 *   the tool and the SHA-256 of the canonical arguments, with its expiry;
 * - the decision (the approver, through the deciding role): approved or denied, by whom, why;
 * - the execution (the MCP server, when a retry runs the call): which request ran it.
 *
 * So a decision is never overwritten, and "runs once" is one conditional write: a second retry
 * finds the execution item already there. In DynamoDB the table's resource policy keeps the
 * server roles off decision items and the deciding role off the other two.
 */

/** Id of an approval: `apr-` and 26 base-32 characters (128 random bits). */
export const APPROVAL_ID = /^apr-[a-z2-7]{26}$/;

/** Longest `argsPreview` (an SNS message and a list line stay readable). */
export const ARGS_PREVIEW_MAX = 1024;

export interface ApprovalRequest {
  readonly id: string;
  readonly agent: string;
  /** The IAM principal (or dev agent) the server authenticated. */
  readonly principal?: string;
  readonly server: string;
  readonly tool: string;
  /** SHA-256 of the canonical JSON of the arguments: the retry must carry exactly these. */
  readonly argsSha256: string;
  /**
   * What is asked, for the approvers: the validated arguments as JSON, redacted as for the least
   * sensitive data class (every personal, payment and secret value masked), at most
   * ARGS_PREVIEW_MAX characters. Absent on requests recorded before it existed.
   */
  readonly argsPreview?: string;
  /** Request id of the held call (links the audit events). */
  readonly requestId: string;
  /** Epoch ms. */
  readonly createdAt: number;
  /** Epoch ms; neither a decision nor an execution is accepted after it. */
  readonly expiresAt: number;
  /** The manifest's approvers and reason, as they were when the call was held. */
  readonly approvers: readonly string[];
  readonly reason: string;
}

export type ApprovalVerdict = 'approved' | 'denied';

export interface ApprovalDecision {
  readonly id: string;
  readonly verdict: ApprovalVerdict;
  /** The approver's principal (the caller before it assumed the deciding role) or dev name. */
  readonly decidedBy: string;
  readonly decidedAt: number;
  readonly reason?: string;
}

export interface ApprovalExecution {
  readonly id: string;
  /** The retried request that ran the call. */
  readonly requestId: string;
  readonly executedAt: number;
}

/** All there is about one approval. */
export interface ApprovalState {
  readonly request: ApprovalRequest;
  readonly decision?: ApprovalDecision;
  readonly execution?: ApprovalExecution;
}

export type ApprovalStatus = 'pending' | 'approved' | 'denied' | 'executed' | 'expired';

/** Where an approval stands at `now`. */
export function approvalStatus(state: ApprovalState, now: number): ApprovalStatus {
  if (state.execution) return 'executed';
  if (state.decision?.verdict === 'denied') return 'denied';
  if (now >= state.request.expiresAt) return 'expired';
  return state.decision ? 'approved' : 'pending';
}
