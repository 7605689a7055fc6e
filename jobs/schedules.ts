import { CronExpressionParser } from 'cron-parser';
import type { Config } from '#config/config';

/** Every recurring schedule is in this zone (product.md: business dates are Asia/Shanghai). */
export const SCHEDULE_TIMEZONE = 'Asia/Shanghai';

export interface Schedule {
  job: string;
  /** Five-field cron, read in Asia/Shanghai. */
  cron: string;
  why: string;
}

/**
 * All recurring schedules, in one place. Times are Asia/Shanghai. Scans run before the working day
 * so reminders are ready at 08:00-09:00 (quiet hours end at 08:00 by default; earlier output waits).
 */
export function schedules(_config: Pick<Config, 'notifications'>): Schedule[] {
  return [
    { job: 'notifications.dispatch', cron: '* * * * *', why: 'send due notifications every minute' },
    { job: 'notifications.sweep', cron: '*/5 * * * *', why: 'return leases of workers that died mid-send' },
  ];
}

/** The next `count` run times of a schedule after `from`. */
export function nextRuns(cron: string, from: Date, count = 1): Date[] {
  const it = CronExpressionParser.parse(cron, { currentDate: from, tz: SCHEDULE_TIMEZONE });
  return Array.from({ length: count }, () => it.next().toDate());
}
