/** A guard over the default manifest with in-memory adapters, a settable clock and recorded metrics. */
import { z } from 'zod';
import type { AgentStatusStore, GuardOptions, MetricName, MetricsSink, ToolCallRequest, ToolCallResult } from '../../../lib/guard/contract';
import { memoryAuditSink } from '../../../lib/guard/audit-sinks';
import { createGuard } from '../../../lib/guard/guard';
import { InMemoryRateLimiter } from '../../../lib/guard/rate-limit';
import { InMemoryAgentStatusStore } from '../../../lib/guard/status-store';
import type { Manifest } from '../../../lib/config/schema';
import { defaultManifest } from '../policy/default-manifest';

export interface RecordedMetric {
  agent: string;
  metrics: Partial<Record<MetricName, number>>;
  dimensions?: Record<string, string>;
}

export function guardHarness(overrides: { manifest?: Manifest; status?: AgentStatusStore; extraPolicies?: string[]; toolTimeoutMs?: number } = {}) {
  const manifest = overrides.manifest ?? defaultManifest();
  const clock = { now: Date.UTC(2026, 10, 25, 12, 0, 0) };
  const audit = memoryAuditSink();
  const recorded: RecordedMetric[] = [];
  const metrics: MetricsSink = { put: (agent, m, dimensions) => void recorded.push({ agent, metrics: m, dimensions }) };
  const status = new InMemoryAgentStatusStore();
  const options: GuardOptions = {
    manifest,
    extraPolicies: overrides.extraPolicies,
    toolTimeoutMs: overrides.toolTimeoutMs,
    adapters: { status: overrides.status ?? status, rateLimiter: new InMemoryRateLimiter(), audit, metrics, now: () => clock.now },
  };
  const guard = createGuard(options);
  let seq = 0;
  const agent = (name: string) => manifest.agents.find((a) => a.name === name)!;

  /** A tools/call with a permissive object schema; `run` echoes by default. */
  const call = (agentName: string, server: string, tool: string, args: unknown = {}, extra: Partial<ToolCallRequest> = {}): ToolCallRequest => ({
    agent: agent(agentName),
    server,
    tool,
    args,
    request: { requestId: `req-${++seq}`, method: 'tools/call', sourceIp: '10.0.1.23', userAgent: 'agent-sdk/1.0' },
    validate: (a) => {
      const parsed = z.record(z.string(), z.unknown()).safeParse(a);
      return parsed.success ? { ok: true, value: parsed.data } : { ok: false, message: 'arguments must be an object' };
    },
    run: async (): Promise<ToolCallResult> => ({ content: [{ type: 'text', text: `${tool} ok` }] }),
    ...extra,
  });

  return { guard, manifest, clock, audit, recorded, status, call, agent };
}
