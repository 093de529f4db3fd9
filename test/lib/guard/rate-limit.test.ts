import { InMemoryRateLimiter, retryAfter, windowKey } from '../../../lib/guard/rate-limit';

const T0 = Date.UTC(2026, 10, 25, 12, 0, 0);

describe('fixed-window math', () => {
  it('keys a window by agent and minute', () => {
    expect(windowKey('a', T0)).toBe(windowKey('a', T0 + 59_999));
    expect(windowKey('a', T0)).not.toBe(windowKey('a', T0 + 60_000));
    expect(windowKey('a', T0)).not.toBe(windowKey('b', T0));
  });

  it('says how many whole seconds remain in the window, at least one', () => {
    expect(retryAfter(T0)).toBe(60);
    expect(retryAfter(T0 + 15_000)).toBe(45);
    expect(retryAfter(T0 + 59_999)).toBe(1);
  });
});

describe('InMemoryRateLimiter', () => {
  it('allows N calls per window, refuses the N+1th with retry-after and resets in the next window', async () => {
    const limiter = new InMemoryRateLimiter();
    for (let i = 0; i < 3; i++) expect((await limiter.take('a', 3, T0 + 10_000)).allowed).toBe(true);
    expect(await limiter.take('a', 3, T0 + 10_000)).toEqual({ allowed: false, retryAfterSeconds: 50, remaining: 0 });
    expect((await limiter.take('a', 3, T0 + 60_000)).allowed).toBe(true);
  });

  it('counts agents separately', async () => {
    const limiter = new InMemoryRateLimiter();
    await limiter.take('a', 1, T0);
    expect((await limiter.take('b', 1, T0)).allowed).toBe(true);
  });

  it('keeps only the current window in memory', async () => {
    const limiter = new InMemoryRateLimiter();
    for (let i = 0; i < 100; i++) await limiter.take(`agent-${i}`, 10, T0);
    await limiter.take('agent-0', 10, T0 + 60_000);
    expect(limiter.size).toBe(1);
  });
});
