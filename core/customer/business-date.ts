// Business dates (expiry, birthday, due dates) are calendar days in Asia/Shanghai, stored as
// 'YYYY-MM-DD' strings: they compare lexicographically, index well and never shift with a server's zone.

const SHANGHAI = 'Asia/Shanghai';
const formatter = new Intl.DateTimeFormat('en-CA', {
  timeZone: SHANGHAI,
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
});

/** A calendar date in 'YYYY-MM-DD' form. */
export type BusinessDate = string;

/** The calendar date in Asia/Shanghai at instant `at` (en-CA formats as YYYY-MM-DD). */
export function shanghaiDate(at: Date): BusinessDate {
  return formatter.format(at);
}

const dayNumber = (d: BusinessDate): number => {
  const [y, m, day] = d.split('-').map(Number);
  return Date.UTC(y ?? 1970, (m ?? 1) - 1, day ?? 1) / 86_400_000;
};

/** Whole calendar days from `from` to `to` (negative when `to` is earlier). */
export function daysBetween(from: BusinessDate, to: BusinessDate): number {
  return Math.round(dayNumber(to) - dayNumber(from));
}

/** `date` plus `days` calendar days. */
export function addDays(date: BusinessDate, days: number): BusinessDate {
  return new Date((dayNumber(date) + days) * 86_400_000).toISOString().slice(0, 10);
}

/** The instant a Shanghai calendar day starts (Shanghai has had no DST since 1991: UTC+8). */
export function startOfShanghaiDay(date: BusinessDate): Date {
  return new Date(`${date}T00:00:00+08:00`);
}

/** True when `s` is a real calendar date in 'YYYY-MM-DD' form (rejects 2026-02-30). */
export function isBusinessDate(s: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(s)) return false;
  const d = new Date(`${s}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s;
}
