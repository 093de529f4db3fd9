/**
 * How a held call (lib/approvals) reaches each revision, and how its retry brings the approval
 * back. 2026-07-28: an `input_required` round whose sealed `requestState` carries the approval id
 * (so a client cannot swap in another id: a tampered state is refused before the guard runs),
 * with an elicitation telling the user what is pending when the client can show one.
 * 2025-11-25: a plain, non-error result naming the id; the retry sends it in `_meta`.
 */
import { APPROVAL_META, type HeldApproval } from '../approvals/approval-gate';
import type { ToolCallResult } from '../guard/contract';
import { INPUT_REQUIRED } from '../guard/input-request-shape';

/** The held approval a guard result carries, if it is one. */
export function heldApprovalOf(result: ToolCallResult): HeldApproval | undefined {
  const held = (result._meta as Record<string, unknown> | undefined)?.[APPROVAL_META] as HeldApproval | undefined;
  return held && typeof held.id === 'string' && held.status === 'pending' ? held : undefined;
}

/** The approval id in a verified requestState of ours. */
export function approvalFromState(state: unknown): string | undefined {
  const id = (state as Record<string, unknown> | null | undefined)?.[APPROVAL_META];
  return typeof state === 'object' && state !== null && typeof id === 'string' ? id : undefined;
}

/** The approval id a (2025-11-25 or 2026-07-28) retry names in `params._meta`. */
export function approvalFromMeta(meta: unknown): string | undefined {
  const id = (meta as Record<string, unknown> | null | undefined)?.[APPROVAL_META];
  return typeof meta === 'object' && meta !== null && typeof id === 'string' ? id.slice(0, 64) : undefined;
}

/** The 2026-07-28 round for a held call; `clientCapabilities` decides whether to ask via elicitation. */
export function approvalRound(held: HeldApproval, text: string, clientCapabilities: Readonly<Record<string, unknown>>): ToolCallResult {
  const requests =
    clientCapabilities.elicitation !== undefined
      ? {
          approval: {
            method: 'elicitation/create',
            params: { message: text, requestedSchema: { type: 'object', properties: { retry: { type: 'boolean', title: 'Retry now (an approver has decided)' } }, required: [] } },
          },
        }
      : {};
  return { content: [], resultType: INPUT_REQUIRED, inputRequests: requests, state: { [APPROVAL_META]: held.id } };
}
