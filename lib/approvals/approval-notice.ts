/**
 * What approvers are told when a call is held: who asks for what, why it needs approval, until
 * when, and the exact commands that decide it. The arguments are not in it (they may carry data
 * the approvers' mailbox should not hold); their SHA-256 is, and `warden approvals list` shows
 * the request.
 */
import type { ApprovalRequest } from './approval-record';

export interface ApprovalNotice {
  readonly approvalId: string;
  /** At most 100 characters (SNS e-mail subjects). */
  readonly subject: string;
  readonly message: string;
}

/** Sends a notice to the approvers: SNS in AWS, the dev server's log locally. */
export interface ApprovalNotifier {
  notify(notice: ApprovalNotice): Promise<void>;
}

/** The commands that decide `id`; `target` adds what the CLI needs to reach the store (e.g. `--dev URL`). */
export function decideCommands(id: string, target = ''): { approve: string; deny: string } {
  const suffix = target ? ` ${target}` : '';
  return { approve: `npx warden approve ${id} --reason "…"${suffix}`, deny: `npx warden deny ${id} --reason "…"${suffix}` };
}

export function approvalNotice(request: ApprovalRequest, deployment: string, target = ''): ApprovalNotice {
  const commands = decideCommands(request.id, target);
  const subject = `[${deployment}] approval needed: ${request.agent} → ${request.server}/${request.tool}`.slice(0, 100);
  const message = [
    `Agent ${request.agent} asks to run ${request.server}/${request.tool} (${deployment}).`,
    `Why approval is needed: ${request.reason}`,
    `Approval id: ${request.id}`,
    `Request id: ${request.requestId}`,
    ...(request.argsPreview ? [`Arguments (personal and secret values masked): ${request.argsPreview}`] : []),
    `Arguments SHA-256: ${request.argsSha256}`,
    `Expires: ${new Date(request.expiresAt).toISOString()}`,
    `Approvers: ${request.approvers.join(', ')}`,
    '',
    `See the request: npx warden approvals list${target ? ` ${target}` : ''}`,
    `Approve: ${commands.approve}`,
    `Deny:    ${commands.deny}`,
    '',
    'Deciding needs the MFA-gated deciding role; the agent itself can never approve its own call.',
  ].join('\n');
  return { approvalId: request.id, subject, message };
}
