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
export function schedules(
  config: Pick<Config, 'notifications'>,
  opts: { leads: boolean; chatArchive?: boolean; interceptSync?: boolean },
): Schedule[] {
  const digest = config.notifications.digestMinute;
  const list: Schedule[] = [
    // Six-field cron (seconds first): claim updates are promised within a minute.
    { job: 'notifications.dispatch', cron: '*/20 * * * * *', why: 'send due notifications' },
    { job: 'claims.events', cron: '*/20 * * * * *', why: 'claim status changes → customer and agent' },
    { job: 'notifications.sweep', cron: '*/5 * * * *', why: 'return leases of workers that died mid-send' },
    {
      job: 'notifications.groupmsg-followup',
      cron: '*/15 * * * *',
      why: 'WeCom customer messages awaiting the agent → result, nudge, final status',
    },
    { job: 'tickets.sla', cron: '*/15 * * * *', why: 'escalate tickets past their SLA' },
    // Before the working day and the digest, while the book is quiet; time alone moves recency and dormancy.
    { job: 'segmentation.nightly', cron: '30 3 * * *', why: 'tier/RFM, book, lifecycle, property risk' },
    { job: 'customers.dormant', cron: '0 7 * * *', why: 'wake-up tasks for dormant customers' },
    { job: 'care.daily', cron: '30 7 * * *', why: 'birthday, anniversary, festival, policy-review tasks' },
    // At the end of the default quiet hours, so reminders go out as the working day starts.
    { job: 'renewals.scan', cron: '0 8 * * *', why: 'renewal reminders at the configured offsets' },
    {
      job: 'digest.daily',
      cron: `${digest % 60} ${Math.floor(digest / 60)} * * *`,
      why: 'daily digest to team leads and branch managers',
    },
    { job: 'renewals.escalate', cron: '0 10 * * *', why: 'renewals without agent action → team lead' },
  ];
  if (opts.leads) list.push({ job: 'leads.sla', cron: '0 * * * *', why: 'lead SLAs and stage limits' });
  // Compliance (issue 9). Alerts exist without the archive (blocked outgoing messages, logged text).
  list.push({ job: 'compliance.alerts.deliver', cron: '*/5 * * * *', why: 'compliance alerts → admins' });
  if (opts.interceptSync) {
    list.push({ job: 'compliance.intercept.sync', cron: '*/15 * * * *', why: 'lexicon → WeCom rules' });
  }
  if (opts.chatArchive) {
    // msgaudit_notify is the fast path; this catches missed callbacks (WeCom keeps data 5 days).
    list.push({ job: 'compliance.archive.pull', cron: '*/10 * * * *', why: 'chat-archive pull' });
    list.push({ job: 'compliance.archive.staleness', cron: '17 * * * *', why: 'stalled chat-archive alert' });
    list.push({ job: 'compliance.archive.retry', cron: '47 * * * *', why: 'retry undecryptable records' });
  }
  return list;
}

/** The next `count` run times of a schedule after `from`. */
export function nextRuns(cron: string, from: Date, count = 1): Date[] {
  const it = CronExpressionParser.parse(cron, { currentDate: from, tz: SCHEDULE_TIMEZONE });
  return Array.from({ length: count }, () => it.next().toDate());
}
