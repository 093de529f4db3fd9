/**
 * How often a snapshot is due, from the manifest's `backups.schedule`, and the window the
 * "missed" alarm watches. CloudWatch evaluates at most 7 days of data for an alarm
 * (Period × EvaluationPeriods ≤ 604,800 s, "PutMetricAlarm"), which bounds the schedule.
 */
import { Duration } from 'aws-cdk-lib';

const RATE = /^rate\((\d+) (minute|minutes|hour|hours|day|days)\)$/;
const UNIT_SECONDS = { minute: 60, hour: 3600, day: 86400 } as const;
export const MAX_ALARM_WINDOW_SECONDS = 7 * 86400;

/** Seconds between two runs: exact for `rate(...)`; a `cron(...)` is taken as at most daily. */
export function scheduleInterval(schedule: string): Duration {
  const m = RATE.exec(schedule);
  if (!m) return Duration.days(1);
  const unit = m[2]!.replace(/s$/, '') as keyof typeof UNIT_SECONDS;
  return Duration.seconds(Number(m[1]) * UNIT_SECONDS[unit]);
}

/**
 * The alarm window, in one-hour periods: the interval plus an hour of slack (a run takes minutes
 * and the scheduler may start late). The alarm fires when every period of the window lacks a
 * snapshot, i.e. none was written for a whole interval and an hour.
 */
export function missedBackupWindow(schedule: string): { readonly period: Duration; readonly evaluationPeriods: number } {
  const window = scheduleInterval(schedule).toSeconds() + 3600;
  const evaluationPeriods = Math.ceil(window / 3600);
  if (evaluationPeriods * 3600 > MAX_ALARM_WINDOW_SECONDS) {
    throw new Error(
      `backups.schedule "${schedule}" runs less often than every 6 days 23 hours; CloudWatch alarms look back at most 7 days, so a missed backup could not raise an alarm. Use rate(6 days) or more often.`,
    );
  }
  return { period: Duration.hours(1), evaluationPeriods };
}
