import { z } from 'zod';
import { AppError, type FieldIssue } from './errors.js';

// Field-level messages reach users, so they are in Simplified Chinese (zod's own zh-CN locale).
z.config(z.locales.zhCN());

/** zod issues as `{ path, message }`, `path` dotted (`family.0.birthday`), root = `(body)`. */
export function toFieldIssues(error: z.ZodError): FieldIssue[] {
  return error.issues.map((i) => ({
    path: i.path.length > 0 ? i.path.map(String).join('.') : '(body)',
    message: i.message,
  }));
}

/** Parses untrusted input or throws `VALIDATION_FAILED` (400) with field-level Chinese messages. */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown, what = 'input'): z.output<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const details = toFieldIssues(result.error);
  return failValidation(what, details);
}

function failValidation(what: string, details: FieldIssue[]): never {
  throw new AppError('VALIDATION_FAILED', `invalid ${what}: ${details.map((d) => d.path).join(', ')}`, {
    userMessage: '提交的数据有误，请检查标出的字段',
    details,
  });
}

/** A 24-hex MongoDB ObjectId as a string (validated, so a bad id is a 400 and never a 500). */
export const objectIdString = z.string().regex(/^[a-f0-9]{24}$/i, '不是有效的记录编号');
