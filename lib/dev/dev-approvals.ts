/**
 * Human approval in the dev server: the same gate as in AWS over an in-memory store, the
 * notices in the dev log, and a small decision API for `warden approve|deny ID --dev URL` and
 * `warden approvals list --dev URL` (or in-process through `DevServer.approvals`).
 *
 *   GET  /warden/approvals                 pending and recent approvals
 *   POST /warden/approvals/<id>/approve    body {"reason": "..."} (optional)
 *   POST /warden/approvals/<id>/deny
 *
 * There is no IAM locally, so each approver token stands for an IAM identity the manifest's
 * `approvers` can name: one per approvers entry (a group's `*` becomes `dev`, e.g.
 * `arn:aws:sts::A:assumed-role/AWSReservedSSO_ShopRisk_dev/warden-dev`), plus any the developer
 * adds. A decision is checked as in AWS: the token's identity must be an approver of that tool
 * and never the agent. Every refused attempt is audited: an agent's token, an identity that is
 * not an approver of the tool, an unknown token, no token.
 */
import { randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import type { Request as ExpressRequest, Response as ExpressResponse, Router } from 'express';
import express from 'express';
import {
  APPROVAL_ID,
  approvalStatus,
  createApprovalGate,
  decideApproval,
  ApprovalDecisionError,
  InMemoryApprovalsStore,
  isApprover,
  principalOf,
  type ApprovalGate,
  type ApprovalNotice,
  type ApprovalRequest,
  type ApprovalState,
  type ApprovalVerdict,
} from '../approvals';
import type { Manifest } from '../config/schema';
import type { AuditSink } from '../guard/contract';
import { ensureTraceparent, ocsfApiActivity } from '../guard/audit-event';
import { readBearer, type DevTokens } from './dev-tokens';
import { readBody } from './request-body';

/** The session name of every dev approver identity (the stand-in for a person's SSO session). */
export const DEV_APPROVER_SESSION = 'warden-dev';

/** An approver token of this run and the identity it stands for. */
export interface DevApprover {
  /** An IAM principal ARN, as `sts:GetCallerIdentity` would name the approver in AWS. */
  readonly identity: string;
  /** Bearer token of the decision API, valid for this run only. */
  readonly token: string;
  /** The tools (`server/tool`) this identity is an approver of; empty for an added identity no tool names. */
  readonly decides: readonly string[];
}

/**
 * A principal that `approver` (a manifest approvers entry) names: a role becomes a session of it
 * (`assumed-role/NAME/warden-dev`, a group's `*` becoming `dev`), a user is itself.
 */
export function devIdentityOf(approver: string): string | undefined {
  const m = /^arn:(aws[a-z-]*):iam::(\d{12}):(role|user)\/(.+)$/.exec(approver);
  if (!m) return undefined;
  const [, partition, account, kind, path] = m as unknown as [string, string, string, 'role' | 'user', string];
  const named = path.replace(/\*/g, 'dev');
  const identity = kind === 'role' ? `arn:${partition}:sts::${account}:assumed-role/${named.split('/').at(-1)}/${DEV_APPROVER_SESSION}` : `arn:${partition}:iam::${account}:user/${named}`;
  return isApprover(identity, [approver]) ? identity : undefined;
}

export interface DevApprovals {
  readonly store: InMemoryApprovalsStore;
  readonly gate: ApprovalGate;
  /** The approver tokens of this run, one per identity. */
  readonly approvers: readonly DevApprover[];
  /** Notices sent this run (most recent last). */
  readonly notices: readonly ApprovalNotice[];
  list(): Promise<ApprovalListing[]>;
  /**
   * Decides in process, as `by` (a principal ARN; `dev:<agent>` stands for an agent and is refused),
   * by default as the first dev approver identity the approval's approvers name.
   */
  decide(id: string, verdict: ApprovalVerdict, options?: { readonly reason?: string; readonly by?: string }): Promise<ApprovalState>;
  /** The approver of `token`, if it is one of this run's. */
  approverOf(token: string): DevApprover | undefined;
  /** Audits a decision attempt refused before it reached the store (unknown or missing token). */
  auditRefusedAttempt(id: string, verdict: ApprovalVerdict, who: string, why: string): void;
}

/** One line of `approvals list`. */
export interface ApprovalListing {
  readonly id: string;
  readonly status: string;
  readonly agent: string;
  readonly tool: string;
  readonly requestId: string;
  readonly argsSha256: string;
  /** The arguments, personal and secret values masked (ApprovalRequest.argsPreview). */
  readonly args?: string;
  readonly reason: string;
  readonly createdAt: string;
  readonly expiresAt: string;
  readonly decidedBy?: string;
  readonly decisionReason?: string;
  readonly executedBy?: string;
}

export function listing(state: ApprovalState, now: number): ApprovalListing {
  const r = state.request;
  return {
    id: r.id,
    status: approvalStatus(state, now),
    agent: r.agent,
    tool: `${r.server}/${r.tool}`,
    requestId: r.requestId,
    argsSha256: r.argsSha256,
    ...(r.argsPreview ? { args: r.argsPreview } : {}),
    reason: r.reason,
    createdAt: new Date(r.createdAt).toISOString(),
    expiresAt: new Date(r.expiresAt).toISOString(),
    ...(state.decision ? { decidedBy: state.decision.decidedBy, ...(state.decision.reason ? { decisionReason: state.decision.reason } : {}) } : {}),
    ...(state.execution ? { executedBy: state.execution.requestId } : {}),
  };
}

/** How long `list` looks back. */
const LIST_WINDOW_MS = 7 * 24 * 3_600_000;
const MAX_NOTICES = 200;

export interface DevApprovalsOptions {
  readonly manifest: Manifest;
  readonly audit: AuditSink;
  readonly log: (line: string) => void;
  readonly url: () => string;
  /** Identities (principal ARNs) to mint approver tokens for besides those the manifest's approvers name. @default - none */
  readonly approvers?: readonly string[];
  readonly now?: () => number;
}

/** The approver identities of a manifest: one per distinct approvers entry, with the tools it approves. */
function approverIdentities(manifest: Manifest, extra: readonly string[]): Array<Omit<DevApprover, 'token'>> {
  const tools = manifest.servers.flatMap((s) => s.tools.flatMap((t) => (t.approval ? [{ name: `${s.name}/${t.name}`, approvers: t.approval.approvers }] : [])));
  const identities = [...new Set([...tools.flatMap((t) => t.approvers.map(devIdentityOf).filter((i): i is string => i !== undefined)), ...extra])];
  return identities.map((identity) => ({ identity, decides: tools.filter((t) => isApprover(identity, t.approvers)).map((t) => t.name) }));
}

export function createDevApprovals(options: DevApprovalsOptions): DevApprovals {
  const now = options.now ?? Date.now;
  const store = new InMemoryApprovalsStore();
  for (const extra of options.approvers ?? []) if (!principalOf(extra)) throw new Error(`dev approver "${extra}" must be an IAM principal ARN (arn:aws:sts::ACCOUNT:assumed-role/ROLE/SESSION or arn:aws:iam::ACCOUNT:user/NAME)`);
  const approvers: DevApprover[] = approverIdentities(options.manifest, options.approvers ?? []).map((a) => ({ ...a, token: `wapr_${randomBytes(24).toString('base64url')}` }));
  /** The first dev approver `request`'s approvers name. */
  const approverFor = (request: ApprovalRequest | undefined) => (request ? approvers.find((a) => isApprover(a.identity, request.approvers)) : undefined);
  const notices: ApprovalNotice[] = [];
  const gate = createApprovalGate({
    manifest: options.manifest,
    store,
    now,
    cliTarget: (request) => `--dev ${options.url()} --token ${approverFor(request)?.token ?? 'wapr_…'}`,
    notifier: {
      notify: async (notice) => {
        notices.push(notice);
        if (notices.length > MAX_NOTICES) notices.shift();
        options.log(`${notice.subject}\n${notice.message}\n`);
      },
    },
  });
  return {
    store,
    gate,
    approvers,
    notices,
    list: async () => (await store.list(now() - LIST_WINDOW_MS)).map((s) => listing(s, now())),
    decide: async (id, verdict, o = {}) => {
      const by = o.by ?? approverFor((await store.get(id))?.request)?.identity ?? approvers[0]?.identity ?? 'no dev approver';
      return decideApproval({ manifest: options.manifest, store, audit: options.audit, now }, { id, verdict, decidedBy: by, ...(o.reason ? { reason: o.reason } : {}) });
    },
    approverOf: (token) => approvers.find((a) => sameToken(token, a.token)),
    auditRefusedAttempt: (id, verdict, who, why) =>
      options.audit.emit(
        ocsfApiActivity({
          time: now(),
          requestId: randomUUID(),
          method: `approvals/${verdict === 'approved' ? 'approve' : 'deny'}`,
          traceparent: ensureTraceparent(undefined),
          principalArn: who,
          decision: 'refused',
          outcome: 'approval_refused',
          reason: `decision refused: ${why}`,
          latencyMs: 0,
          ...(APPROVAL_ID.test(id) ? { approvalId: id } : {}),
        }),
      ),
  };
}

const sameToken = (a: string, b: string) => a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));

/** The decision API's routes. */
export function devApprovalRoutes(approvals: DevApprovals, tokens: DevTokens): Router {
  const router = express.Router({ caseSensitive: true, strict: true });
  /** Who is calling: one of the approvers, an agent (refused when it decides), an unknown token, or nobody. */
  const caller = (req: ExpressRequest): { kind: 'approver'; approver: DevApprover } | { kind: 'agent'; agent: string } | { kind: 'unknown' } | { kind: 'none' } => {
    const header = req.headers.authorization ?? '';
    const token = /^Bearer (\S{1,256})$/i.exec(header.trim())?.[1];
    const approver = token ? approvals.approverOf(token) : undefined;
    if (approver) return { kind: 'approver', approver };
    const bearer = readBearer(req.headers.authorization, tokens);
    if (bearer.kind === 'valid') return { kind: 'agent', agent: bearer.agent };
    return header ? { kind: 'unknown' } : { kind: 'none' };
  };
  const unauthorized = (res: ExpressResponse) => res.status(401).json({ error: 'send an approver token printed when the dev server started: Authorization: Bearer wapr_…' });

  router.get('/warden/approvals', async (req, res) => {
    if (caller(req).kind !== 'approver') return void unauthorized(res);
    res.json({ approvals: await approvals.list() });
  });
  router.post('/warden/approvals/:id/:verdict', async (req, res) => {
    const verdict = req.params.verdict === 'approve' ? 'approved' : req.params.verdict === 'deny' ? 'denied' : undefined;
    if (!verdict) return void res.status(404).json({ error: 'POST /warden/approvals/<id>/approve or /deny' });
    const who = caller(req);
    const id = String(req.params.id).slice(0, 64);
    if (who.kind === 'none' || who.kind === 'unknown') {
      approvals.auditRefusedAttempt(id, verdict, who.kind === 'none' ? 'anonymous' : 'unknown token', who.kind === 'none' ? 'no approver token' : 'the token is not an approver token of this dev server');
      return void unauthorized(res);
    }
    const body = await readBody(req, 4096);
    if (!body.ok) return void res.status(413).json({ error: 'the body is at most 4 KB: {"reason": "..."}' });
    let reason: string | undefined;
    if (body.body.length > 0) {
      try {
        const parsed = JSON.parse(body.body.toString('utf8')) as { reason?: unknown };
        if (typeof parsed.reason === 'string') reason = parsed.reason;
      } catch {
        return void res.status(400).json({ error: 'the body must be JSON: {"reason": "..."}' });
      }
    }
    try {
      const state = await approvals.decide(id, verdict, { ...(reason ? { reason } : {}), by: who.kind === 'agent' ? `dev:${who.agent}` : who.approver.identity });
      res.json({ approval: listing(state, Date.now()) });
    } catch (err) {
      if (err instanceof ApprovalDecisionError) return void res.status(403).json({ error: err.message });
      res.status(500).json({ error: 'the decision could not be recorded' });
    }
  });
  return router;
}
