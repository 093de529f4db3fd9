/**
 * Access reviews: each agent records the date its access was last reviewed (`reviewedOn`).
 * A review older than `compliance.reviewIntervalDays` is overdue: a warning at validate/synth
 * time and a failure in `warden compliance`. Dates are calendar days in UTC.
 */

const DAY_MS = 24 * 60 * 60 * 1000;
const DATE_SHAPE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Milliseconds since the epoch of a YYYY-MM-DD that exists on the calendar, else undefined. */
export function parseCalendarDate(text: string): number | undefined {
  const match = DATE_SHAPE.exec(text);
  if (!match) return undefined;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const time = Date.UTC(year, month - 1, day);
  const date = new Date(time);
  // Date.UTC rolls 2026-02-30 over to March 2nd; a real date survives the round trip.
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day ? time : undefined;
}

/** `now` as a YYYY-MM-DD in UTC. */
export function isoDay(now: Date): string {
  return now.toISOString().slice(0, 10);
}

export interface ReviewStatus {
  readonly reviewedOn: string;
  /** Whole days between the review and `now` (negative when in the future). */
  readonly ageDays: number;
  readonly intervalDays: number;
  readonly overdue: boolean;
  readonly inFuture: boolean;
}

/** Where an agent's access review stands on `now`; undefined when `reviewedOn` is not a calendar date. */
export function reviewStatus(reviewedOn: string, intervalDays: number, now: Date): ReviewStatus | undefined {
  const reviewed = parseCalendarDate(reviewedOn);
  if (reviewed === undefined) return undefined;
  const today = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  const ageDays = Math.round((today - reviewed) / DAY_MS);
  return { reviewedOn, ageDays, intervalDays, overdue: ageDays > intervalDays, inFuture: ageDays < 0 };
}

/** The warning for an overdue review, naming the fix. */
export function overdueReviewMessage(status: ReviewStatus): string {
  return `review overdue: last reviewed ${status.reviewedOn}, ${status.ageDays} days ago (interval ${status.intervalDays} days) — review this agent's access and update reviewedOn`;
}
