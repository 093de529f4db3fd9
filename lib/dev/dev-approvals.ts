/**
 * Human approval in the dev server: the same gate as in AWS over an in-memory store, the
 * notices in the dev log, and a small decision API for `warden approve|deny ID --dev URL` and
 * `warden approvals list --dev URL` (or in-process through `DevServer.approvals`).
 *
 *   GET  /warden/approvals                 pending and recent approvals
 *   POST /warden/approvals/<id>/approve    body {"reason": "..."} (optional)
 *   POST /warden/approvals/<id>/deny
 *
 * Deciding takes the approver token printed at start (the dev stand-in for the MFA-gated
 * deciding role). An agent's token is refused, and audited: an agent never approves its own call.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { Request as ExpressRequest, Response as ExpressResponse, Router } from 'express';
import express from 'express';
import { approvalStatus, createApprovalGate, decideApproval, ApprovalDecisionError, InMemoryApprovalsStore, type ApprovalGate, type ApprovalNotice, type ApprovalState, type ApprovalVerdict } from '../approvals';
import type { Manifest } from '../config/schema';
import type { AuditSink } from '../guard/contract';
import { readBearer, type DevTokens } from './dev-tokens';
import { readBody } from './request-body';

/** The dev decider's name in decisions and audit events. */
export const DEV_APPROVER = 'dev-approver';

export interface DevApprovals {
  readonly store: InMemoryApprovalsStore;
  readonly gate: ApprovalGate;
  /** Bearer token of the decision API, valid for this run only. */
  readonly approverToken: string;
  /** Notices sent this run (most recent last). */
  readonly notices: readonly ApprovalNotice[];
  list(): Promise<ApprovalListing[]>;
  /** Decides in process, as the approver (`by` names a dev principal; `dev:<agent>` is refused). */
  decide(id: string, verdict: ApprovalVerdict, options?: { readonly reason?: string; readonly by?: string }): Promise<ApprovalState>;
}

/** One line of `approvals list`. */
export interface ApprovalListing {
  readonly id: string;
  readonly status: string;
  readonly agent: string;
  readonly tool: string;
  readonly requestId: string;
  readonly argsSha256: string;
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

export function createDevApprovals(options: { readonly manifest: Manifest; readonly audit: AuditSink; readonly log: (line: string) => void; readonly url: () => string; readonly now?: () => number }): DevApprovals {
  const now = options.now ?? Date.now;
  const store = new InMemoryApprovalsStore();
  const approverToken = `wapr_${randomBytes(24).toString('base64url')}`;
  const notices: ApprovalNotice[] = [];
  const gate = createApprovalGate({
    manifest: options.manifest,
    store,
    now,
    cliTarget: () => `--dev ${options.url()} --token ${approverToken}`,
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
    approverToken,
    notices,
    list: async () => (await store.list(now() - LIST_WINDOW_MS)).map((s) => listing(s, now())),
    decide: (id, verdict, o = {}) => decideApproval({ manifest: options.manifest, store, audit: options.audit, requireApprover: false, now }, { id, verdict, decidedBy: o.by ?? DEV_APPROVER, ...(o.reason ? { reason: o.reason } : {}) }),
  };
}

const sameToken = (a: string, b: string) => a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));

/** The decision API's routes. */
export function devApprovalRoutes(approvals: DevApprovals, tokens: DevTokens): Router {
  const router = express.Router({ caseSensitive: true, strict: true });
  /** Who is calling: the approver, an agent (refused when it decides), or nobody. */
  const caller = (req: ExpressRequest): { kind: 'approver' } | { kind: 'agent'; agent: string } | { kind: 'none' } => {
    const header = req.headers.authorization ?? '';
    const token = /^Bearer (\S{1,256})$/i.exec(header.trim())?.[1];
    if (token && sameToken(token, approvals.approverToken)) return { kind: 'approver' };
    const bearer = readBearer(req.headers.authorization, tokens);
    return bearer.kind === 'valid' ? { kind: 'agent', agent: bearer.agent } : { kind: 'none' };
  };
  const unauthorized = (res: ExpressResponse) => res.status(401).json({ error: 'send the approver token printed when the dev server started: Authorization: Bearer wapr_…' });

  router.get('/warden/approvals', async (req, res) => {
    if (caller(req).kind !== 'approver') return void unauthorized(res);
    res.json({ approvals: await approvals.list() });
  });
  router.post('/warden/approvals/:id/:verdict', async (req, res) => {
    const verdict = req.params.verdict === 'approve' ? 'approved' : req.params.verdict === 'deny' ? 'denied' : undefined;
    if (!verdict) return void res.status(404).json({ error: 'POST /warden/approvals/<id>/approve or /deny' });
    const who = caller(req);
    if (who.kind === 'none') return void unauthorized(res);
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
      const state = await approvals.decide(String(req.params.id), verdict, { ...(reason ? { reason } : {}), by: who.kind === 'agent' ? `dev:${who.agent}` : DEV_APPROVER });
      res.json({ approval: listing(state, Date.now()) });
    } catch (err) {
      if (err instanceof ApprovalDecisionError) return void res.status(403).json({ error: err.message });
      res.status(500).json({ error: 'the decision could not be recorded' });
    }
  });
  return router;
}
