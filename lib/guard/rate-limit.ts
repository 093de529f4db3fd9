/**
 * Fixed-window rate limiting per agent: one counter per agent per wall-clock minute. The window
 * math is shared with the DynamoDB adapter (conditional update on `windowKey`, TTL after the
 * window) so both limit identically.
 */
import type { RateLimitDecision, RateLimiter } from './contract';

export const WINDOW_MS = 60_000;
/** Agents without `rateLimit` in the manifest: generous, but a runaway loop still stops. */
export const DEFAULT_PER_MINUTE = 600;

/** Start of the window `nowMs` falls in (epoch ms). */
export function windowStart(nowMs: number): number {
  return Math.floor(nowMs / WINDOW_MS) * WINDOW_MS;
}

/** Counter key of an agent's current window, e.g. `support-agent#29731234` (minutes since epoch). */
export function windowKey(agent: string, nowMs: number): string {
  return `${agent}#${Math.floor(nowMs / WINDOW_MS)}`;
}

/** Whole seconds until the current window ends (at least 1: "retry after 0 s" invites a hot loop). */
export function retryAfter(nowMs: number): number {
  return Math.max(1, Math.ceil((windowStart(nowMs) + WINDOW_MS - nowMs) / 1000));
}

/** The decision for the `count`-th call (1-based) in a window. */
export function decide(count: number, perMinute: number, nowMs: number): RateLimitDecision {
  return count <= perMinute
    ? { allowed: true, retryAfterSeconds: 0, remaining: perMinute - count }
    : { allowed: false, retryAfterSeconds: retryAfter(nowMs), remaining: 0 };
}

/**
 * In-memory limiter for dev and tests (one process). Memory is bounded: only current-window
 * counters are kept, older windows are evicted as soon as the clock moves on.
 */
export class InMemoryRateLimiter implements RateLimiter {
  private readonly counts = new Map<string, number>();
  private currentWindow = -1;

  public async take(agent: string, perMinute: number, nowMs: number): Promise<RateLimitDecision> {
    const window = windowStart(nowMs);
    if (window !== this.currentWindow) {
      this.counts.clear();
      this.currentWindow = window;
    }
    const key = windowKey(agent, nowMs);
    const count = (this.counts.get(key) ?? 0) + 1;
    this.counts.set(key, count);
    return decide(count, perMinute, nowMs);
  }

  /** Counters held (for tests of the memory bound). */
  public get size(): number {
    return this.counts.size;
  }
}
