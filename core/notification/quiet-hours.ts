import { nextShanghaiMinute, shanghaiMinuteOfDay } from './shanghai-time.js';

/** An Asia/Shanghai window [startMinute, endMinute) in minutes of day; it may cross midnight. */
export interface QuietHours {
  startMinute: number;
  endMinute: number;
}

/** True when `at` falls inside the quiet window. An empty window (start = end) is never quiet. */
export function isQuiet(q: QuietHours, at: Date): boolean {
  if (q.startMinute === q.endMinute) return false;
  const m = shanghaiMinuteOfDay(at);
  return q.startMinute < q.endMinute
    ? m >= q.startMinute && m < q.endMinute
    : m >= q.startMinute || m < q.endMinute;
}

/**
 * When a non-urgent message wanted at `at` may go out: `at` itself outside quiet hours, else the end
 * of the window (e.g. 22:40 → 08:00 the next morning, 06:10 → 08:00 the same morning).
 */
export function releaseTime(q: QuietHours, at: Date): Date {
  return isQuiet(q, at) ? nextShanghaiMinute(at, q.endMinute) : at;
}
