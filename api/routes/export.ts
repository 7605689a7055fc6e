import type { Readable } from 'node:stream';
import type { Context } from 'koa';

/** Answers with an export stream as a file download (xlsx or UTF-8 CSV with BOM). */
export function sendExport(ctx: Context, name: string, format: 'xlsx' | 'csv', body: Readable): void {
  ctx.set('Content-Disposition', `attachment; filename="${name}.${format}"`);
  ctx.type =
    format === 'csv'
      ? 'text/csv; charset=utf-8'
      : 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
  ctx.body = body;
}
