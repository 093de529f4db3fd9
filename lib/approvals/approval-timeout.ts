/**
 * An approval's `timeout` (ISO-8601) in milliseconds. Only days, hours, minutes and seconds: a
 * month or a year has no fixed length, and an approval that waits that long is a process, not a
 * held call.
 */
const DURATION = /^P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?$/;

/** Shortest and longest hold: a human needs a minute; DynamoDB TTL and the audit need an end. */
export const MIN_APPROVAL_TIMEOUT_MS = 60_000;
export const MAX_APPROVAL_TIMEOUT_MS = 7 * 24 * 3_600_000;

/** Milliseconds, or undefined when `iso` is not a D/H/M/S duration. */
export function approvalTimeoutMs(iso: string): number | undefined {
  const m = DURATION.exec(iso);
  if (!m || iso === 'P' || iso.endsWith('T')) return undefined;
  const [d, h, min, s] = m.slice(1).map((x) => Number(x ?? 0)) as [number, number, number, number];
  return (((d * 24 + h) * 60 + min) * 60 + s) * 1000;
}

/** Why `iso` is not a usable approval timeout, or undefined. */
export function timeoutProblem(iso: string): string | undefined {
  const ms = approvalTimeoutMs(iso);
  if (ms === undefined) return `timeout "${iso}" must be an ISO-8601 duration in days, hours, minutes or seconds, e.g. PT1H or P1D`;
  if (ms < MIN_APPROVAL_TIMEOUT_MS || ms > MAX_APPROVAL_TIMEOUT_MS) return `timeout "${iso}" must be between PT1M and P7D`;
  return undefined;
}
