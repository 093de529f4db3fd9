/**
 * The manifest's `backups.schedule` as AWS Backup accepts it. The manifest takes EventBridge
 * expressions (`rate(1 day)`, `cron(...)`), but a Backup plan rule takes only `cron(...)`, and
 * runs at most hourly ("AWS Backup quotas": minimum backup frequency 1 hour). Rates are turned
 * into the cron that starts at the same cadence, at 05:00 UTC for daily and longer cadences.
 */

/** A cron expression AWS Backup accepts for `schedule`, or an Error saying what to write instead. */
export function backupPlanCron(schedule: string): string {
  if (/^cron\(.+\)$/.test(schedule)) return schedule;
  const rate = /^rate\((\d+) (minute|minutes|hour|hours|day|days)\)$/.exec(schedule);
  if (!rate) throw new Error(`backups.schedule: "${schedule}" is neither rate(...) nor cron(...); write e.g. rate(1 day) or cron(0 5 * * ? *)`);
  const value = Number(rate[1]);
  const unit = rate[2]!.replace(/s$/, '');
  const hours = unit === 'day' ? value * 24 : unit === 'hour' ? value : value / 60;
  if (!Number.isInteger(hours) || hours < 1) {
    throw new Error(`backups.schedule: AWS Backup runs at most once an hour, so "${schedule}" cannot be honoured; use rate(1 hour) or longer`);
  }
  if (hours % 24 === 0) {
    const days = hours / 24;
    if (days === 1) return 'cron(0 5 * * ? *)';
    if (days <= 31) return `cron(0 5 1/${days} * ? *)`;
    throw new Error(`backups.schedule: "${schedule}" is longer than a month; write a cron(...) expression for it`);
  }
  if (hours < 24) return hours === 1 ? 'cron(0 * * * ? *)' : `cron(0 0/${hours} * * ? *)`;
  throw new Error(`backups.schedule: "${schedule}" is not a whole number of days; use rate(N hours) under 24 or rate(N days)`);
}
