/**
 * A limit that holds across calls: at most `max` (units the tool chooses: a fraction of a price,
 * stock units, refunds) per window of `windowMs`. A per-call check alone lets an agent reach any
 * value in steps (15 calls of −50 % took a price from 226.41 to 0.01); this adds up the steps.
 *
 * Pure: the window is a small JSON value the tool stores with the data it protects (on the item,
 * written with `ifMatch`), so every Lambda instance sees the same window and a lost race is a
 * DatasetConflictError, not a second allowance. Fixed windows: a window starts with its first
 * call and lasts `windowMs`; the next call after that opens a new one.
 */

/** What the tool stores between calls (e.g. as an item attribute). */
export interface LimitWindow {
  /** Epoch ms of the window's first call. */
  readonly startedAt: number;
  /** Amount taken in this window so far. */
  readonly used: number;
}

export interface WindowedLimitOptions {
  /** Most that may be taken within one window. */
  readonly max: number;
  /** Length of a window in ms. */
  readonly windowMs: number;
}

export type WindowedDecision =
  | { readonly allowed: true; readonly window: LimitWindow; readonly remaining: number }
  /** `window` is unchanged: a refused call takes nothing. */
  | { readonly allowed: false; readonly window: LimitWindow; readonly remaining: number; readonly retryAfterSeconds: number };

export interface WindowedLimit {
  readonly max: number;
  readonly windowMs: number;
  /**
   * Whether `amount` fits in the window `stored` (as read back from the data; undefined: none yet) at `nowMs`, and the
   * window to store when it does. A malformed stored window counts as full, never as fresh:
   * an item edited by hand or by an attacker must not reset the limit (it refuses until a human
   * repairs the stored value).
   */
  take(stored: unknown, amount: number, nowMs: number): WindowedDecision;
}

const isWindow = (value: unknown): value is LimitWindow =>
  typeof value === 'object' &&
  value !== null &&
  Number.isFinite((value as LimitWindow).startedAt) &&
  Number.isFinite((value as LimitWindow).used) &&
  (value as LimitWindow).used >= 0;

export function windowedLimit(options: WindowedLimitOptions): WindowedLimit {
  const { max, windowMs } = options;
  if (!(Number.isFinite(max) && max > 0)) throw new Error(`windowedLimit: max must be a positive number (got ${max})`);
  if (!(Number.isFinite(windowMs) && windowMs > 0)) throw new Error(`windowedLimit: windowMs must be a positive number of milliseconds (got ${windowMs})`);

  const take = (stored: unknown, amount: number, nowMs: number): WindowedDecision => {
    if (!(Number.isFinite(amount) && amount >= 0)) throw new Error(`windowedLimit: the amount taken must be a finite number of at least 0 (got ${amount})`);
    const malformed = stored !== undefined && !isWindow(stored);
    const current: LimitWindow = malformed ? { startedAt: nowMs, used: max } : ((stored as LimitWindow | undefined) ?? { startedAt: nowMs, used: 0 });
    // a window that started in the future (clock skew, tampering) is treated as the current one
    const live: LimitWindow = !malformed && nowMs - current.startedAt >= windowMs ? { startedAt: nowMs, used: 0 } : current;
    const used = live.used + amount;
    // a tolerance for the float sums of fractions (0.1 + 0.2 …), far below any business meaning
    if (used <= max + 1e-9) return { allowed: true, window: { startedAt: live.startedAt, used }, remaining: Math.max(0, max - used) };
    const resetsAt = live.startedAt + windowMs;
    return { allowed: false, window: live, remaining: Math.max(0, max - live.used), retryAfterSeconds: Math.max(1, Math.ceil((resetsAt - nowMs) / 1000)) };
  };
  return { max, windowMs, take };
}
