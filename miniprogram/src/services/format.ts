// Dates are business dates in Asia/Shanghai (UTC+8, no daylight saving), whatever the phone's zone is.
const SHANGHAI_OFFSET_MS = 8 * 3600 * 1000;

function shanghaiParts(d: Date) {
  const s = new Date(d.getTime() + SHANGHAI_OFFSET_MS);
  return {
    y: s.getUTCFullYear(),
    m: s.getUTCMonth() + 1,
    d: s.getUTCDate(),
    hh: s.getUTCHours(),
    mm: s.getUTCMinutes(),
  };
}

const pad = (n: number) => String(n).padStart(2, '0');

/** 'YYYY-MM-DD' of `d` in Asia/Shanghai. */
export function businessDate(d: Date = new Date()): string {
  const p = shanghaiParts(d);
  return `${p.y}-${pad(p.m)}-${pad(p.d)}`;
}

/** '2026-11-22 09:30' for an ISO timestamp; '' for nothing. */
export function dateTime(iso: string | null | undefined): string {
  if (!iso) return '';
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return iso;
  const p = shanghaiParts(new Date(t));
  return `${p.y}-${pad(p.m)}-${pad(p.d)} ${pad(p.hh)}:${pad(p.mm)}`;
}

/** The date part of an ISO timestamp or business date, in Asia/Shanghai. */
export function dateOnly(iso: string | null | undefined): string {
  if (!iso) return '';
  if (/^\d{4}-\d{2}-\d{2}$/.test(iso)) return iso;
  const t = Date.parse(iso);
  return Number.isNaN(t) ? iso : businessDate(new Date(t));
}

/** Adds whole days to a business date ('YYYY-MM-DD'). */
export function addDays(date: string, days: number): string {
  const t = Date.parse(`${date}T00:00:00Z`) + days * 86_400_000;
  return new Date(t).toISOString().slice(0, 10);
}

/** An ISO instant for a business date and 'HH:mm' in Asia/Shanghai. */
export function shanghaiInstant(date: string, time = '12:00'): string {
  return new Date(Date.parse(`${date}T${time}:00+08:00`)).toISOString();
}

/** '¥62,000' (whole yuan) or '¥1,234.50'. */
export function yuan(n: number | null | undefined): string {
  if (n === null || n === undefined) return '—';
  const fixed = Number.isInteger(n) ? String(n) : n.toFixed(2);
  const [int = '0', frac] = fixed.split('.');
  const grouped = int.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `¥${grouped}${frac ? `.${frac}` : ''}`;
}

/** '还有 12 天' / '今天到期' / '已过期 3 天'. */
export function daysToExpiryText(days: number): string {
  if (days > 0) return `还有 ${days} 天到期`;
  if (days === 0) return '今天到期';
  return `已过期 ${-days} 天`;
}

/** A phone for display: '+8613800138000' → '138 0013 8000'; masked numbers are left as they are. */
export function phone(p: string | undefined): string {
  if (!p) return '';
  const local = p.replace(/^\+86/, '');
  return /^\d{11}$/.test(local) ? `${local.slice(0, 3)} ${local.slice(3, 7)} ${local.slice(7)}` : local;
}
