/**
 * The guard's approval step (after authorize, validate and screen; before the tool runs): a call
 * whose tool needs approval is held, recorded and its approvers notified; a retry that brings
 * the approval's id runs the call once, only for the same agent, server, tool and arguments,
 * only before expiry and only when approved. Every other retry is refused. The guard audits
 * each answer with the approval id.
 */
import type { Manifest } from '../config/schema';
import type { ApprovalSpec } from '../config/approval-schema';
import { evaluateCondition } from './approval-condition';
import { newApprovalId } from './approval-id';
import { approvalNotice, type ApprovalNotifier } from './approval-notice';
import { redactionPolicy, redactJson } from '../guard/redact';
import { APPROVAL_ID, approvalStatus, ARGS_PREVIEW_MAX, type ApprovalRequest } from './approval-record';
import { approvalTimeoutMs } from './approval-timeout';
import type { ApprovalsStore } from './approvals-store';

/** `_meta` key of a held call's result, and of the retry's reference (2025-11-25 clients send it back). */
export const APPROVAL_META = 'mcp-warden/approval';
/** How soon a held call's result suggests retrying. */
export const APPROVAL_RETRY_AFTER_SECONDS = 30;

export interface ApprovalCheck {
  readonly agent: string;
  readonly principal?: string;
  readonly server: string;
  readonly tool: string;
  /** The validated arguments (the condition reads them). */
  readonly args: unknown;
  /** SHA-256 of the canonical arguments as sent (what the approval binds). */
  readonly argsSha256: string | undefined;
  readonly requestId: string;
  /** The approval id a retry brings back (requestState or `_meta`). */
  readonly reference?: string;
}

/** What a held call's result says, in `_meta[APPROVAL_META]` and `structuredContent.approval`. */
export interface HeldApproval {
  readonly id: string;
  readonly status: 'pending';
  readonly expiresAt: string;
  readonly retryAfterSeconds: number;
}

export type ApprovalAnswer =
  | { readonly kind: 'not_required' }
  /** Not run: recorded (or still pending); `held` goes back to the agent. */
  | { readonly kind: 'held'; readonly approvalId: string; readonly held: HeldApproval; readonly text: string; readonly reason: string }
  /** Not run, and this retry never will: the reason is audited, the message sent. */
  | { readonly kind: 'refused'; readonly approvalId?: string; readonly reason: string; readonly message: string }
  /** Approved, and this request is the one execution. */
  | { readonly kind: 'released'; readonly approvalId: string; readonly reason: string };

export interface ApprovalGate {
  check(call: ApprovalCheck): Promise<ApprovalAnswer>;
}

export interface ApprovalGateOptions {
  readonly manifest: Manifest;
  readonly store: ApprovalsStore;
  readonly notifier: ApprovalNotifier;
  /** What the CLI needs to reach this store, appended to the decide commands (dev: `--dev URL --token …` of an approver of `request`). @default '' */
  readonly cliTarget?: string | ((request: ApprovalRequest) => string);
  /** @default Date.now */
  readonly now?: () => number;
  /** Notification failures (the call stays held and listed). @default - ignored */
  readonly onNotifyError?: (err: unknown, approvalId: string) => void;
}

/** The approval settings of `server/tool`, if it has any. */
export function approvalOf(manifest: Manifest, server: string, tool: string): ApprovalSpec | undefined {
  return manifest.servers.find((s) => s.name === server)?.tools.find((t) => t.name === tool)?.approval;
}

export function createApprovalGate(options: ApprovalGateOptions): ApprovalGate {
  const now = options.now ?? Date.now;
  const { manifest, store } = options;
  const deployment = `${manifest.project}-${manifest.environment}`;
  const policy = redactionPolicy(manifest);
  // approvers read the arguments in e-mail and in `approvals list`: masked as for the least sensitive class
  const publicClass = manifest.dataClasses[0]!;
  const previewOf = (args: unknown): string => {
    const text = JSON.stringify(redactJson(args ?? {}, publicClass, policy).value) ?? '{}';
    return text.length <= ARGS_PREVIEW_MAX ? text : `${text.slice(0, ARGS_PREVIEW_MAX - 1)}…`;
  };

  const heldAnswer = (request: ApprovalRequest, reason: string): ApprovalAnswer => {
    const expiresAt = new Date(request.expiresAt).toISOString();
    const held: HeldApproval = { id: request.id, status: 'pending', expiresAt, retryAfterSeconds: APPROVAL_RETRY_AFTER_SECONDS };
    const text =
      `Approval required: this call of ${request.server}/${request.tool} was not run. Pending approval ID ${request.id} (${request.reason}). ` +
      `Retry after ${APPROVAL_RETRY_AFTER_SECONDS} s, once an approver has decided, with the same arguments and _meta {"${APPROVAL_META}": "${request.id}"}; it expires at ${expiresAt}.`;
    return { kind: 'held', approvalId: request.id, held, text, reason };
  };
  const refused = (reason: string, message: string, approvalId?: string): ApprovalAnswer => ({ kind: 'refused', reason, message, ...(approvalId ? { approvalId } : {}) });

  async function retry(call: ApprovalCheck, id: string): Promise<ApprovalAnswer> {
    if (!APPROVAL_ID.test(id)) return refused('approval reference is not an approval id', 'the approval reference is not valid; call again without it to ask for a new approval');
    const state = await store.get(id);
    if (!state) return refused(`unknown approval ${id}`, `approval ${id} does not exist; call again without it to ask for a new approval`, id);
    const r = state.request;
    // bound to who asked for what: another agent, tool or argument list is a new request
    if (r.agent !== call.agent) return refused(`approval ${id} belongs to agent ${r.agent}, not ${call.agent}`, `approval ${id} is not for this agent`, id);
    if (r.server !== call.server || r.tool !== call.tool) return refused(`approval ${id} is for ${r.server}/${r.tool}, not ${call.server}/${call.tool}`, `approval ${id} is for another tool`, id);
    if (r.argsSha256 !== call.argsSha256) return refused(`approval ${id} was asked for other arguments (SHA-256 ${r.argsSha256}, retry ${call.argsSha256 ?? 'none'})`, `approval ${id} was given for other arguments; call again without it to ask for a new approval`, id);
    const at = now();
    const status = approvalStatus(state, at);
    switch (status) {
      case 'executed':
        return refused(`approval ${id} was already used by request ${state.execution!.requestId}`, `approval ${id} was already used: an approval runs its call once`, id);
      case 'denied':
        return refused(`approval ${id} was denied by ${state.decision!.decidedBy}${state.decision!.reason ? `: ${state.decision!.reason}` : ''}`, `approval ${id} was denied${state.decision!.reason ? `: ${state.decision!.reason}` : ''}`, id);
      case 'expired':
        return refused(`approval ${id} expired at ${new Date(r.expiresAt).toISOString()}${state.decision ? ' (approved, not run in time)' : ' (never decided)'}`, `approval ${id} has expired; call again without it to ask for a new approval`, id);
      case 'pending':
        return heldAnswer(r, `approval ${id} still pending`);
      case 'approved': {
        // the one execution: a create-only write, so two concurrent retries cannot both run
        const first = await store.putExecution({ id, requestId: call.requestId, executedAt: at });
        if (!first) return refused(`approval ${id} was already used (concurrent retry)`, `approval ${id} was already used: an approval runs its call once`, id);
        return { kind: 'released', approvalId: id, reason: `approved by ${state.decision!.decidedBy}${state.decision!.reason ? ` (${state.decision!.reason})` : ''}; runs once` };
      }
    }
  }

  async function check(call: ApprovalCheck): Promise<ApprovalAnswer> {
    const spec = approvalOf(manifest, call.server, call.tool);
    if (!spec) return { kind: 'not_required' };
    try {
      if (call.reference !== undefined) return await retry(call, call.reference);
      let conditionNote = '';
      if (spec.when !== undefined) {
        const verdict = evaluateCondition(spec.when, call.args);
        if (!verdict.holds) return { kind: 'not_required' };
        conditionNote = ` (${verdict.why})`;
      }
      if (call.argsSha256 === undefined) return refused('arguments could not be hashed for an approval', 'the arguments cannot be bound to an approval');
      const createdAt = now();
      const request: ApprovalRequest = {
        id: newApprovalId(),
        agent: call.agent,
        ...(call.principal ? { principal: call.principal } : {}),
        server: call.server,
        tool: call.tool,
        argsSha256: call.argsSha256,
        argsPreview: previewOf(call.args),
        requestId: call.requestId,
        createdAt,
        expiresAt: createdAt + approvalTimeoutMs(spec.timeout)!,
        approvers: spec.approvers,
        reason: spec.reason,
      };
      await store.createRequest(request);
      let notified = 'approvers notified';
      try {
        const target = typeof options.cliTarget === 'function' ? options.cliTarget(request) : options.cliTarget;
        await options.notifier.notify(approvalNotice(request, deployment, target));
      } catch (err) {
        notified = 'approvers could NOT be notified (the request is listed by `warden approvals list`)';
        options.onNotifyError?.(err, request.id);
      }
      return heldAnswer(request, `approval ${request.id} requested${conditionNote}; ${notified}`);
    } catch (err) {
      // no store, no call: an approval that cannot be recorded or checked is not given
      return refused(`approvals store unavailable (${err instanceof Error ? err.name : typeof err}): refused (fail closed)`, 'approvals are unavailable; retry shortly');
    }
  }

  return { check };
}
