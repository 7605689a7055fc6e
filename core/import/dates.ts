const pad = (n: number) => String(n).padStart(2, '0');

function valid(y: number, m: number, d: number): string | undefined {
  if (y < 1900 || y > 2200 || m < 1 || m > 12 || d < 1 || d > 31) return undefined;
  const dt = new Date(Date.UTC(y, m - 1, d));
  if (dt.getUTCMonth() !== m - 1 || dt.getUTCDate() !== d) return undefined;
  return `${y}-${pad(m)}-${pad(d)}`;
}

/**
 * A spreadsheet date → 'YYYY-MM-DD'. Accepts Excel serial numbers (1900 system, e.g. 46027 = 2026-01-05),
 * Date cells (exceljs gives UTC midnight of the calendar date), and the text forms 2026/1/5, 2026-01-05,
 * 2026.1.5, 20260105 and 2026年1月5日. Undefined for anything else (including 2026-02-30).
 */
export function parseSheetDate(v: unknown): string | undefined {
  if (v instanceof Date) {
    if (Number.isNaN(v.getTime())) return undefined;
    return valid(v.getUTCFullYear(), v.getUTCMonth() + 1, v.getUTCDate());
  }
  if (typeof v === 'number') return fromSerial(v);
  if (typeof v !== 'string') return undefined;
  const s = v.trim();
  if (/^\d{5}(\.\d+)?$/.test(s)) return fromSerial(Number(s));
  let m = /^(\d{4})[/\-.](\d{1,2})[/\-.](\d{1,2})$/.exec(s) ?? /^(\d{4})年(\d{1,2})月(\d{1,2})日?$/.exec(s);
  if (!m) m = /^(\d{4})(\d{2})(\d{2})$/.exec(s);
  if (!m) return undefined;
  return valid(Number(m[1]), Number(m[2]), Number(m[3]));
}

function fromSerial(n: number): string | undefined {
  // Serials between 1 (1900-01-01) and ~2200; 60 is Excel's fictitious 1900-02-29.
  if (!Number.isFinite(n) || n < 61 || n > 110_000) return undefined;
  const ms = Date.UTC(1899, 11, 30) + Math.floor(n) * 86_400_000;
  const d = new Date(ms);
  return valid(d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate());
}
