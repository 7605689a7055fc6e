import * as chrono from 'chrono-node';
import { addDays } from '#core/customer/business-date';

// Dates in agents' sentences (明天, 下周二, 3天后, 12月5日, 月底, 下午三点), resolved as Asia/Shanghai calendar
// days. chrono-node (zh) reads most forms; the week words are ours because chrono starts weeks on Sunday
// and Qibao's start on Monday (下周二 said on a Sunday is two days later), and 月底 / 下个月5号 it lacks.

const SHANGHAI_OFFSET_MS = 8 * 3_600_000;

/** The Shanghai wall clock at `at` (Shanghai has no DST). */
export function shanghaiWallClock(at: Date) {
  const d = new Date(at.getTime() + SHANGHAI_OFFSET_MS);
  return {
    date: d.toISOString().slice(0, 10),
    year: d.getUTCFullYear(),
    month: d.getUTCMonth() + 1,
    day: d.getUTCDate(),
    hour: d.getUTCHours(),
    minute: d.getUTCMinutes(),
    /** 1 = Monday … 7 = Sunday. */
    isoWeekday: ((d.getUTCDay() + 6) % 7) + 1,
  };
}

export interface ParsedDate {
  /** YYYY-MM-DD in Asia/Shanghai. */
  date: string;
  /** HH:mm when the sentence named a time of day. */
  time: string | undefined;
  /** The words that named it, as written. */
  text: string;
  index: number;
}

const CN_DIGITS: Record<string, number> = {
  零: 0,
  〇: 0,
  一: 1,
  二: 2,
  两: 2,
  三: 3,
  四: 4,
  五: 5,
  六: 6,
  七: 7,
  八: 8,
  九: 9,
};

/** 1–99 written as digits or as Chinese numerals (五, 十二, 二十一). */
export function chineseNumber(s: string): number | undefined {
  if (/^\d{1,2}$/.test(s)) return Number(s);
  if (s === '十') return 10;
  const m = /^([一二两三四五六七八九])?十([一二三四五六七八九])?$/.exec(s);
  if (m) return (m[1] ? (CN_DIGITS[m[1]] ?? 0) : 1) * 10 + (m[2] ? (CN_DIGITS[m[2]] ?? 0) : 0);
  if (s.length === 1 && CN_DIGITS[s] !== undefined) return CN_DIGITS[s];
  return undefined;
}

const WEEKDAY: Record<string, number> = {
  一: 1,
  二: 2,
  三: 3,
  四: 4,
  五: 5,
  六: 6,
  日: 7,
  天: 7,
  '1': 1,
  '2': 2,
  '3': 3,
  '4': 4,
  '5': 5,
  '6': 6,
  '7': 7,
};
const WEEK_RE = /(下下|下个?|本|这个?|上个?)?(?:周|星期|礼拜)([一二三四五六日天1-7])/u;
const RELATIVE_DAYS: Record<string, number> = { 今天: 0, 今日: 0, 明天: 1, 明日: 1, 后天: 2, 大后天: 3 };
const RELATIVE_DAY_RE = /(大后天|后天|明天|明日|今天|今日)/u;
const MONTH_END_RE = /(下个?|本|这个?)?月[底末]/u;
const MONTH_DAY_RE = /(下个?月|本月|这个?月)(\d{1,2}|[一二三四五六七八九十]{1,3})[号日]/u;
const BARE_DAY_RE = /(?<![月\d])(\d{1,2}|[一二三四五六七八九十]{1,3})号/u;

function lastDayOfMonth(year: number, month: number): string {
  return new Date(Date.UTC(year, month, 0)).toISOString().slice(0, 10);
}
function ymd(year: number, month: number, day: number): string | undefined {
  const d = new Date(Date.UTC(year, month - 1, day));
  if (d.getUTCMonth() !== month - 1) return undefined;
  return d.toISOString().slice(0, 10);
}
function pad(n: number) {
  return String(n).padStart(2, '0');
}

/** Our own rules (weeks from Monday, month ends); undefined when none applies. */
function ruleDate(text: string, now: Date): ParsedDate | undefined {
  const w = shanghaiWallClock(now);
  // chrono reads 明天 said at 00:30 as the same day ("late night"); a business day is a calendar day.
  const rel = RELATIVE_DAY_RE.exec(text);
  if (rel?.[1]) {
    return {
      date: addDays(w.date, RELATIVE_DAYS[rel[1]] ?? 0),
      time: undefined,
      text: rel[1],
      index: rel.index,
    };
  }
  const week = WEEK_RE.exec(text);
  if (week) {
    const target = WEEKDAY[week[2] ?? ''] ?? 1;
    const monday = addDays(w.date, 1 - w.isoWeekday);
    const prefix = week[1] ?? '';
    let date: string;
    if (prefix.startsWith('下下')) date = addDays(monday, 14 + target - 1);
    else if (prefix.startsWith('下')) date = addDays(monday, 7 + target - 1);
    else if (prefix.startsWith('上')) date = addDays(monday, -7 + target - 1);
    else if (prefix) date = addDays(monday, target - 1);
    // A bare 周五 means the coming one: this week's unless it has passed.
    else date = target >= w.isoWeekday ? addDays(monday, target - 1) : addDays(monday, 7 + target - 1);
    return { date, time: undefined, text: week[0], index: week.index };
  }
  const md = MONTH_DAY_RE.exec(text);
  if (md) {
    const next = (md[1] ?? '').startsWith('下');
    const day = chineseNumber(md[2] ?? '');
    const year = next && w.month === 12 ? w.year + 1 : w.year;
    const month = next ? (w.month % 12) + 1 : w.month;
    const date = day ? ymd(year, month, day) : undefined;
    if (date) return { date, time: undefined, text: md[0], index: md.index };
  }
  const end = MONTH_END_RE.exec(text);
  if (end) {
    const next = (end[1] ?? '').startsWith('下');
    const year = next && w.month === 12 ? w.year + 1 : w.year;
    const month = next ? (w.month % 12) + 1 : w.month;
    return { date: lastDayOfMonth(year, month), time: undefined, text: end[0], index: end.index };
  }
  const bare = BARE_DAY_RE.exec(text);
  if (bare) {
    const day = chineseNumber(bare[1] ?? '');
    if (day && day >= 1 && day <= 31) {
      // 5号 is this month's 5th, or next month's once it has passed.
      let date = ymd(w.year, w.month, day);
      if (!date || date < w.date) {
        const year = w.month === 12 ? w.year + 1 : w.year;
        date = ymd(year, (w.month % 12) + 1, day);
      }
      if (date) return { date, time: undefined, text: bare[0], index: bare.index };
    }
  }
  return undefined;
}

const TIME_RE =
  /(上午|早上|中午|下午|晚上|傍晚)?(\d{1,2}|[一二两三四五六七八九十]{1,3})(?:点|:|：)(半|(\d{1,2})分?|[一二三四五六七八九十]{1,3}分)?/u;

/** A time of day such as 下午三点, 15:30, 上午十点半. */
function ruleTime(text: string): { time: string; text: string; index: number } | undefined {
  const m = TIME_RE.exec(text);
  if (!m) return undefined;
  let hour = chineseNumber(m[2] ?? '');
  if (hour === undefined || hour > 24) return undefined;
  const period = m[1] ?? '';
  if ((period === '下午' || period === '晚上' || period === '傍晚') && hour < 12) hour += 12;
  if (period === '中午' && hour < 6) hour += 12;
  let minute = 0;
  const rest = m[3] ?? '';
  if (rest === '半') minute = 30;
  else if (m[4]) minute = Number(m[4]);
  else if (rest) minute = chineseNumber(rest.replace('分', '')) ?? 0;
  // A bare number followed by ':' must be a clock (15:30), not a list ("1: …").
  if (!period && !text.slice(m.index).match(/^\S*点/u) && !m[4]) return undefined;
  if (minute > 59 || hour > 23) return undefined;
  return { time: `${pad(hour)}:${pad(minute)}`, text: m[0], index: m.index };
}

/**
 * The first date (and time of day) named in `text`, resolved against `now` in Asia/Shanghai. A time
 * alone means today, or tomorrow once it has passed.
 */
export function parseDate(text: string, now: Date): ParsedDate | undefined {
  const clock = ruleTime(text);
  const own = ruleDate(text, now);
  if (own) return { ...own, time: clock?.time };
  const w = shanghaiWallClock(now);
  // chrono computes in the process's zone: give it the Shanghai wall clock as a local time and read back
  // the calendar components, so the result does not depend on the server's TZ.
  const ref = new Date(w.year, w.month - 1, w.day, w.hour, w.minute);
  let results: chrono.ParsedResult[];
  try {
    results = chrono.zh.hans.parse(text, ref, { forwardDate: true });
  } catch {
    results = [];
  }
  const r = results[0];
  if (r) {
    const y = r.start.get('year');
    const mo = r.start.get('month');
    const d = r.start.get('day');
    const date = y && mo && d ? ymd(y, mo, d) : undefined;
    if (date) {
      const hasDay = r.start.isCertain('day') || r.start.isCertain('weekday');
      if (!hasDay && clock) {
        // Only a time of day: today if it is still ahead, else tomorrow.
        const [hh, mm] = clock.time.split(':').map(Number);
        const ahead = (hh ?? 0) * 60 + (mm ?? 0) > w.hour * 60 + w.minute;
        return {
          date: ahead ? w.date : addDays(w.date, 1),
          time: clock.time,
          text: clock.text,
          index: clock.index,
        };
      }
      const time =
        clock?.time ??
        (r.start.isCertain('hour')
          ? `${pad(r.start.get('hour') ?? 0)}:${pad(r.start.get('minute') ?? 0)}`
          : undefined);
      return { date, time, text: r.text, index: r.index };
    }
  }
  if (clock) {
    const [hh, mm] = clock.time.split(':').map(Number);
    const ahead = (hh ?? 0) * 60 + (mm ?? 0) > w.hour * 60 + w.minute;
    return {
      date: ahead ? w.date : addDays(w.date, 1),
      time: clock.time,
      text: clock.text,
      index: clock.index,
    };
  }
  return undefined;
}

/** 11月24日（周二）: how the bot repeats a date back to the agent. */
export function describeDate(date: string): string {
  const [y, m, d] = date.split('-').map(Number);
  const wd = new Date(Date.UTC(y ?? 1970, (m ?? 1) - 1, d ?? 1)).getUTCDay();
  return `${m}月${d}日（周${'日一二三四五六'[wd]}）`;
}
