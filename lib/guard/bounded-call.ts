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

/** `work`, or an AdapterTimeout rejection after `timeoutMs` (the work itself is left to settle). */
export function bounded<T>(work: () => Promise<T>, timeoutMs: number): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new AdapterTimeout(timeoutMs)), timeoutMs);
  });
  let running: Promise<T>;
  try {
    running = Promise.resolve(work());
  } catch (err) {
    running = Promise.reject(err);
  }
  running.catch(() => undefined); // a late rejection after the timeout is not unhandled
  return Promise.race([running, timeout]).finally(() => clearTimeout(timer));
}

/** How an adapter failure reads in an audit reason: "timed out after 1000 ms", "ThrottlingException". */
export function failureText(err: unknown): string {
  if (err instanceof AdapterTimeout) return err.message;
  return err instanceof Error ? err.name.slice(0, 64) : typeof err;
}
