/** A guard over the default manifest with the approval gate on an in-memory store and a settable clock. */
import { z } from 'zod';
import { createApprovalGate, decideApproval, InMemoryApprovalsStore, type ApprovalNotice, type ApprovalVerdict } from '../../../lib/approvals';
import { argsSha256 } from '../../../lib/guard/audit-event';
import { memoryAuditSink } from '../../../lib/guard/audit-sinks';
import type { ToolCallRequest, ToolCallResult } from '../../../lib/guard/contract';
import { createGuard } from '../../../lib/guard/guard';
import { InMemoryRateLimiter } from '../../../lib/guard/rate-limit';
import { InMemoryAgentStatusStore } from '../../../lib/guard/status-store';
import { defaultManifest } from '../policy/default-manifest';

export const RISK_ANALYST = 'arn:aws:sts::111122223333:assumed-role/AWSReservedSSO_ShopRisk_0123abcd/alice@shop.example';
export const MERCH_LEAD = 'arn:aws:sts::111122223333:assumed-role/AWSReservedSSO_ShopMerchLead_77aa/bob@shop.example';

export function approvalHarness() {
  const manifest = defaultManifest();
  const clock = { now: Date.UTC(2026, 11, 3, 12, 0, 0) };
  const audit = memoryAuditSink();
  const store = new InMemoryApprovalsStore();
  const notices: ApprovalNotice[] = [];
  const gate = createApprovalGate({ manifest, store, now: () => clock.now, notifier: { notify: async (n) => void notices.push(n) } });
  const guard = createGuard({
    manifest,
    adapters: { status: new InMemoryAgentStatusStore(), rateLimiter: new InMemoryRateLimiter(), audit, metrics: { put: () => {} }, now: () => clock.now, approvals: gate },
  });
  const runs: unknown[] = [];
  let seq = 0;
  const call = (agentName: string, server: string, tool: string, args: Record<string, unknown>, approvalReference?: string): ToolCallRequest => ({
    agent: manifest.agents.find((a) => a.name === agentName)!,
    caller: { principalArn: `arn:aws:sts::111122223333:assumed-role/shop-prod-${agentName}-caller/session-1` },
    server,
    tool,
    args,
    request: { requestId: `req-${++seq}`, method: 'tools/call' },
    validate: (a) => ({ ok: true, value: z.record(z.string(), z.unknown()).parse(a) }),
    run: async (a): Promise<ToolCallResult> => {
      runs.push(a);
      return { content: [{ type: 'text', text: `${tool} ran` }] };
    },
    ...(approvalReference !== undefined ? { approvalReference } : {}),
  });
  const decide = (id: string, verdict: ApprovalVerdict, decidedBy = RISK_ANALYST, reason?: string) => decideApproval({ manifest, store, audit, now: () => clock.now }, { id, verdict, decidedBy, ...(reason ? { reason } : {}) });
  /** The `unmapped` part of every audit event, in order. */
  const events = () => audit.events.map((e) => (e as { unmapped: Record<string, unknown> }).unmapped);
  return { manifest, clock, audit, store, notices, guard, runs, call, decide, events, hash: argsSha256 };
}

/** The approval id a held result names. */
export function heldId(result: ToolCallResult): string {
  const approval = (result.structuredContent as { approval?: { id?: string } } | undefined)?.approval;
  if (!approval?.id) throw new Error(`not a held result: ${JSON.stringify(result)}`);
  return approval.id;
}
