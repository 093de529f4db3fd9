/**
 * A tool's `approval:` (human approval before it runs) and the manifest's `approvals:` (where
 * approvers are notified, who decides). Docs: docs/approvals.md.
 */
import { z } from 'zod';
import { conditionProblem } from '../approvals/approval-condition';
import { timeoutProblem } from '../approvals/approval-timeout';

/**
 * An approver: an IAM role or user ARN (a person), or a role ARN pattern with `*` (a group: the
 * role a team assumes, e.g. an IAM Identity Center permission set's `AWSReservedSSO_Risk_*`).
 */
const APPROVER = /^arn:aws[a-z-]*:iam::\d{12}:(role|user)\/[\w+=,.@/*-]{1,512}$/;

export const approvalSchema = z
  .strictObject({
    approvers: z
      .array(z.string().regex(APPROVER, 'approvers entries must be IAM role or user ARNs (arn:aws:iam::ACCOUNT:role/NAME), with * for a group of roles (arn:aws:iam::ACCOUNT:role/AWSReservedSSO_Risk_*)'))
      .min(1, 'name at least one approver (an IAM role or user ARN)'),
    /** How long the held call waits for a decision and a retry (ISO-8601, PT1M to P7D). */
    timeout: z.string(),
    /** What the approvers are told this approval is for. */
    reason: z.string().min(1, 'say why this tool needs approval (approvers read it)').max(512),
    /** A Cedar condition on `context.args`; approval is needed only when it holds. @default - every call */
    when: z.string().min(1).max(2048).optional(),
  })
  .superRefine((a, ctx) => {
    const t = timeoutProblem(a.timeout);
    if (t) ctx.addIssue({ code: 'custom', path: ['timeout'], message: t });
    if (a.when !== undefined) {
      const p = conditionProblem(a.when);
      if (p) ctx.addIssue({ code: 'custom', path: ['when'], message: `when must be a Cedar condition on context.args, e.g. "context.args.amount > 500": ${p}` });
    }
  });

const ROLE_ARN = /^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]{1,512}$/;

export const approvalsSchema = z.strictObject({
  /** The SNS topic approvers are notified on. @default - the deployment's alert topic */
  topicArn: z.string().regex(/^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[\w-]{1,256}$/, 'approvals.topicArn must be an SNS topic ARN: arn:aws:sns:REGION:ACCOUNT:NAME').optional(),
  /** The role approvers assume to decide (it alone may write decisions). @default - the MFA-gated warden admin role */
  deciderRoleArn: z.string().regex(ROLE_ARN, 'approvals.deciderRoleArn must be an IAM role ARN: arn:aws:iam::ACCOUNT:role/NAME').optional(),
});

export type ApprovalSpec = z.output<typeof approvalSchema>;
export type ApprovalsSpec = z.output<typeof approvalsSchema>;
