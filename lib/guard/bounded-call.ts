/**
 * A time bound on one adapter call (kill-switch read, rate-limit update). The guard answers
 * every request within the transport's deadline only if nothing it awaits can hang: a stalled
 * DynamoDB call would otherwise hold the request until API Gateway gives up (a 504 that no
 * audit event records). On timeout the caller decides how to fail (closed, for both adapters).
 */

/**
 * Bound of one adapter call. DynamoDB answers a GetItem or UpdateItem in single-digit
 * milliseconds; a second is hundreds of times that, and far inside API Gateway's 29 s.
 */
export const ADAPTER_TIMEOUT_MS = 1_000;

export class AdapterTimeout extends Error {
  constructor(public readonly timeoutMs: number) {
    super(`timed out after ${timeoutMs} ms`);
    this.name = 'AdapterTimeout';
  }
}

/**
 * `work`, or an AdapterTimeout rejection after `timeoutMs` (the work itself is left to settle).
 * The timer is armed two microtask turns after the work started, and only if it has not
 * settled by then: an in-memory store (the dev server's rate limiter, a cached status) answers
 * at once and needs none, and creating and clearing a timer per call was a measurable part of
 * a small call. Anything that waits for I/O is still pending then and gets its full bound.
 */
export function bounded<T>(work: () => Promise<T>, timeoutMs: number): Promise<T> {
  let running: Promise<T>;
  try {
    running = Promise.resolve(work());
  } catch (err) {
    running = Promise.reject(err);
  }
  let settled = false;
  const mark = () => {
    settled = true;
  };
  running.then(mark, mark); // also: a late rejection after the timeout is not unhandled
  return new Promise<T>((resolve, reject) => {
    running.then(resolve, reject);
    void Promise.resolve()
      .then(() => undefined)
      .then(() => {
        if (settled) return;
        const timer = setTimeout(() => reject(new AdapterTimeout(timeoutMs)), timeoutMs);
        const clear = () => clearTimeout(timer);
        running.then(clear, clear);
      });
  });
}

/** How an adapter failure reads in an audit reason: "timed out after 1000 ms", "ThrottlingException". */
export function failureText(err: unknown): string {
  if (err instanceof AdapterTimeout) return err.message;
  return err instanceof Error ? err.name.slice(0, 64) : typeof err;
}
