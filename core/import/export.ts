import { PassThrough, type Readable } from 'node:stream';

export type ExportFormat = 'xlsx' | 'csv';
export interface ExportColumn<T> {
  header: string;
  value: (row: T) => string | number | null | undefined;
}

/** A CSV cell; text starting with = + - @ is prefixed with ' so a spreadsheet never runs it as a formula. */
export function csvCell(v: string | number | null | undefined): string {
  if (v === null || v === undefined) return '';
  let s = String(v);
  if (typeof v === 'string' && /^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/**
 * A list as an xlsx or CSV stream (UTF-8 with BOM, so Excel opens Chinese text correctly). Rows come in
 * batches from an async source and are written as they arrive: memory stays flat for long lists.
 */
export function exportTable<T>(
  format: ExportFormat,
  columns: ExportColumn<T>[],
  batches: AsyncIterable<T[]>,
): Readable {
  const out = new PassThrough();
  void (async () => {
    try {
      if (format === 'csv') {
        out.write('\uFEFF' + columns.map((c) => csvCell(c.header)).join(',') + '\r\n');
        for await (const batch of batches) {
          const text = batch.map((r) => columns.map((c) => csvCell(c.value(r))).join(',')).join('\r\n');
          if (text && !out.write(text + '\r\n')) await new Promise((r) => out.once('drain', r));
        }
        out.end();
        return;
      }
      // Loaded on first use: exceljs is large and most processes never export.
      const { default: ExcelJS } = await import('exceljs');
      const wb = new ExcelJS.stream.xlsx.WorkbookWriter({
        stream: out,
        useStyles: false,
        useSharedStrings: false,
      });
      const ws = wb.addWorksheet('导出');
      ws.addRow(columns.map((c) => c.header)).commit();
      for await (const batch of batches) {
        for (const r of batch) ws.addRow(columns.map((c) => c.value(r) ?? null)).commit();
      }
      ws.commit();
      await wb.commit();
    } catch (err) {
      out.destroy(err as Error);
    }
  })();
  return out;
}
