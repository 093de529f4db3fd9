/**
 * Issue 7, point 5: every request produces exactly one audit event, even when a backend stalls.
 * Before the fix a hanging kill-switch read had no time bound at all and a hanging rate-limit
 * store held the call until the transport gave up (a 504 with no audit line).
 */
import type { AgentStatusStore, RateLimiter } from '../../../lib/guard/contract';
import { memoryAuditSink } from '../../../lib/guard/audit-sinks';
import { createGuard } from '../../../lib/guard/guard';
import { ADAPTER_TIMEOUT_MS } from '../../../lib/guard/bounded-call';
import { InMemoryRateLimiter } from '../../../lib/guard/rate-limit';
import { InMemoryAgentStatusStore } from '../../../lib/guard/status-store';
import { defaultManifest } from '../policy/default-manifest';
import { guardHarness } from './guard-harness';

const never = <T>(): Promise<T> => new Promise<T>(() => undefined);
const unmapped = (e: Record<string, unknown>) => e.unmapped as Record<string, unknown>;
const hangingStatus: AgentStatusStore = { getStatus: () => never() };
const hangingLimiter: RateLimiter = { take: () => never() };

function guardWith(adapters: { status?: AgentStatusStore; rateLimiter?: RateLimiter }, onContained?: (agent: string) => void) {
  const audit = memoryAuditSink();
  const guard = createGuard({
    manifest: defaultManifest(),
    adapterTimeoutMs: 20,
    onContained,
    adapters: { status: adapters.status ?? new InMemoryAgentStatusStore(), rateLimiter: adapters.rateLimiter ?? new InMemoryRateLimiter(), audit, metrics: { put: () => undefined } },
  });
  return { guard, audit };
}

describe('createGuard: every adapter call is bounded', () => {
  it('states the bound: one second per kill-switch read or rate-limit update', () => {
    expect(ADAPTER_TIMEOUT_MS).toBe(1_000);
  });

  it('fails closed when the kill-switch read hangs, and audits the timeout once', async () => {
    const { guard, audit } = guardWith({ status: hangingStatus });
    const h = guardHarness();
    const result = await guard.callTool(h.call('support-agent', 'commerce', 'get_order'));
    expect(result.isError).toBe(true);
    expect(audit.events).toHaveLength(1);
    expect(unmapped(audit.events[0]!)).toMatchObject({ decision: 'refused', outcome: 'status_unavailable' });
    expect((audit.events[0]!.api as { response: { error_message: string } }).response.error_message).toMatch(/kill switch unreadable \(timed out after 20 ms\)/);
  });

  it('answers isContained within the bound when the read hangs (contained: fail closed)', async () => {
    const { guard } = guardWith({ status: hangingStatus });
    expect(await guard.isContained('support-agent')).toBe(true);
  });

  it('refuses, within the bound, when the rate-limit store hangs, and audits it once', async () => {
    const { guard, audit } = guardWith({ rateLimiter: hangingLimiter });
    const h = guardHarness();
    const run = jest.fn(h.call('support-agent', 'commerce', 'get_order').run);
    const result = await guard.callTool(h.call('support-agent', 'commerce', 'get_order', {}, { run }));
    expect(result.isError).toBe(true);
    expect(run).not.toHaveBeenCalled();
    expect(audit.events).toHaveLength(1);
    expect(unmapped(audit.events[0]!)).toMatchObject({ decision: 'refused', outcome: 'rate_limiter_unavailable' });
    expect((audit.events[0]!.api as { response: { error_message: string } }).response.error_message).toMatch(/timed out after 20 ms/);
  });

  it('audits an abandoned request once, and not again when the guard finishes it later', async () => {
    let release!: () => void;
    const slowLimiter: RateLimiter = { take: () => new Promise((done) => (release = () => done({ allowed: true, remaining: 1, retryAfterSeconds: 0 }))) };
    const audit = memoryAuditSink();
    const guard = createGuard({ manifest: defaultManifest(), adapterTimeoutMs: 60_000, adapters: { status: new InMemoryAgentStatusStore(), rateLimiter: slowLimiter, audit, metrics: { put: () => undefined } } });
    const h = guardHarness();
    const call = h.call('support-agent', 'commerce', 'get_order');
    const pending = guard.callTool(call);
    await new Promise((r) => setTimeout(r, 5));
    guard.auditAbandoned(call.request, 'support-agent', 'request deadline passed');
    expect(audit.events).toHaveLength(1);
    expect(unmapped(audit.events[0]!)).toMatchObject({ decision: 'error', outcome: 'tool_failed' });
    release();
    await pending;
    expect(audit.events).toHaveLength(1);
  });
});

describe('createGuard: a contained agent loses its cached data-role sessions', () => {
  it('tells the runtime (onContained) when the kill switch says contained', async () => {
    const status = new InMemoryAgentStatusStore();
    status.contain('fraud-agent');
    const contained: string[] = [];
    const { guard } = guardWith({ status }, (agent) => contained.push(agent));
    const h = guardHarness();
    await guard.callTool(h.call('fraud-agent', 'payments', 'get_payment'));
    expect(contained).toEqual(['fraud-agent']);
  });
});
