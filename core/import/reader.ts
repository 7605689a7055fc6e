import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import type ExcelJS from 'exceljs';

/** One data row: its 1-based row number in the sheet and the cell values by column index. */
export interface SheetRow {
  rowNumber: number;
  cells: unknown[];
}

export class SheetFormatError extends Error {}

/** A cell value as plain data: formulas give their cached result (or a marker), rich text its text. */
export function cellValue(v: unknown): unknown {
  if (v === null || v === undefined) return undefined;
  if (typeof v !== 'object' || v instanceof Date) return typeof v === 'string' ? v.trim() : v;
  const o = v as Record<string, unknown>;
  if ('formula' in o || 'sharedFormula' in o) {
    return o.result === undefined || o.result === null ? FORMULA_WITHOUT_RESULT : cellValue(o.result);
  }
  if (Array.isArray(o.richText))
    return (o.richText as { text?: string }[])
      .map((t) => t.text ?? '')
      .join('')
      .trim();
  if (typeof o.text === 'string') return o.text.trim();
  if ('error' in o) return FORMULA_WITHOUT_RESULT;
  return String(v);
}
export const FORMULA_WITHOUT_RESULT = Symbol('formula-without-result');

/**
 * Rows of the first worksheet of an .xlsx file, streamed (ExcelJS WorkbookReader): memory stays flat
 * however many rows there are. Throws SheetFormatError for a file that is not a readable workbook.
 */
export async function* readXlsx(path: string): AsyncGenerator<SheetRow> {
  // Loaded on first use: exceljs is large, and every process (bot, jobs) builds the services at start.
  const { default: Excel } = await import('exceljs');
  const reader = new Excel.stream.xlsx.WorkbookReader(createReadStream(path), {
    worksheets: 'emit',
    sharedStrings: 'cache',
    hyperlinks: 'ignore',
    styles: 'cache',
    entries: 'emit',
  });
  let sheets = 0;
  try {
    for await (const worksheet of reader) {
      sheets++;
      if (sheets > 1) break;
      for await (const row of worksheet as AsyncIterable<ExcelJS.Row>) {
        const values = row.values as unknown[];
        // ExcelJS rows are 1-based (index 0 is empty).
        yield { rowNumber: row.number, cells: values.slice(1).map(cellValue) };
      }
    }
  } catch (err) {
    if (err instanceof SheetFormatError) throw err;
    throw new SheetFormatError(`unreadable xlsx: ${(err as Error).message}`, { cause: err });
  }
  if (sheets === 0) throw new SheetFormatError('workbook has no worksheet');
}

/** Splits one CSV line (RFC 4180 quotes, "" escapes); returns undefined while a quoted field is open. */
export function splitCsvLine(line: string): string[] | undefined {
  const out: string[] = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quoted) {
      if (c === '"' && line[i + 1] === '"') {
        cur += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cur += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      out.push(cur);
      cur = '';
    } else cur += c;
  }
  if (quoted) return undefined;
  out.push(cur);
  return out;
}

/** Rows of a UTF-8 CSV file (BOM stripped), streamed line by line; quoted fields may span lines. */
export async function* readCsv(path: string): AsyncGenerator<SheetRow> {
  const lines = createInterface({ input: createReadStream(path, { encoding: 'utf8' }), crlfDelay: Infinity });
  let n = 0;
  let pending = '';
  for await (const raw of lines) {
    const line = pending ? `${pending}\n${raw}` : n === 0 ? raw.replace(/^\uFEFF/, '') : raw;
    if (line.includes('\uFFFD')) throw new SheetFormatError('csv is not UTF-8');
    const cells = splitCsvLine(line);
    if (!cells) {
      pending = line;
      if (pending.length > 100_000) throw new SheetFormatError('unterminated quoted field');
      continue;
    }
    pending = '';
    n++;
    yield { rowNumber: n, cells: cells.map((c) => c.trim() || undefined) };
  }
  if (pending) throw new SheetFormatError('unterminated quoted field');
}

/** Detects the format from the first bytes: xlsx is a zip (PK\x03\x04); anything else is treated as CSV text. */
export function readSheet(path: string, head: Buffer): AsyncGenerator<SheetRow> {
  return head.subarray(0, 4).equals(Buffer.from([0x50, 0x4b, 0x03, 0x04])) ? readXlsx(path) : readCsv(path);
}
