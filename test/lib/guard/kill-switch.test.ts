import type { AgentStatus, AgentStatusStore } from '../../../lib/guard/contract';
import { KillSwitch, STATUS_CACHE_MAX_AGENTS, STATUS_CACHE_MS } from '../../../lib/guard/kill-switch';

describe('KillSwitch', () => {
  it('counts the 5 s from when the read started, so a slow read does not stretch it', async () => {
    const clock = { now: 0 };
    let status: AgentStatus = 'active';
    // the store answers "active" but takes 3 s to do so
    const slow: AgentStatusStore = {
      getStatus: async () => {
        const answer = status;
        clock.now += 3_000;
        return answer;
      },
    };
    const ks = new KillSwitch(slow, () => clock.now);
    expect(await ks.status('a')).toBe('active');
    status = 'contained';
    clock.now = STATUS_CACHE_MS; // 5 s after the read began, 2 s after it finished
    expect(await ks.status('a')).toBe('contained');
  });

  it('shares one read among concurrent calls for the same agent', async () => {
    let reads = 0;
    const store: AgentStatusStore = { getStatus: async () => (reads++, 'active') };
    const ks = new KillSwitch(store, () => 0);
    await Promise.all(Array.from({ length: 20 }, () => ks.status('a')));
    expect(reads).toBe(1);
  });

  it('treats an unexpected status value as contained', async () => {
    const store: AgentStatusStore = { getStatus: async () => 'ACTIVE' as AgentStatus };
    expect(await new KillSwitch(store, () => 0).status('a')).toBe('contained');
  });

  it('stays fail-closed when the error reporter itself throws', async () => {
    const store: AgentStatusStore = { getStatus: async () => Promise.reject(new Error('down')) };
    const ks = new KillSwitch(store, () => 0, () => {
      throw new Error('logger broken');
    });
    expect(await ks.status('a')).toBe('contained');
  });

  it(`keeps at most ${STATUS_CACHE_MAX_AGENTS} agents cached`, async () => {
    const store: AgentStatusStore = { getStatus: async () => 'active' };
    const ks = new KillSwitch(store, () => 0);
    for (let i = 0; i < STATUS_CACHE_MAX_AGENTS + 500; i++) await ks.status(`agent-${i}`);
    expect(ks.size).toBe(STATUS_CACHE_MAX_AGENTS);
  });
});
