import { Router } from '@koa/router';
import { z } from 'zod';
import { IMPORT_FIELDS, type ImportField } from '#core/import/mapping';
import { AppError } from '#core/errors';
import { objectIdString, parseInput } from '#core/validation';
import type { AppDeps, AppState } from '../context.js';
import { principalOf, requireAuth } from '../middleware/auth.js';
import { actorOf } from './actor.js';

const idParam = z.strictObject({ id: objectIdString });
const startQuery = z.strictObject({
  dryRun: z.enum(['true', 'false']).default('true'),
  ownerId: objectIdString.optional(),
  fileName: z.string().trim().min(1).max(200).default('upload.xlsx'),
  // JSON {"phone": "联系方式", …}: field → the header text in this file.
  mapping: z
    .string()
    .max(4000)
    .optional()
    .transform((v, ctx) => {
      if (!v) return undefined;
      try {
        const parsed = z.partialRecord(z.enum(IMPORT_FIELDS), z.string().min(1).max(40)).parse(JSON.parse(v));
        return parsed as Partial<Record<ImportField, string>>;
      } catch {
        ctx.addIssue({ code: 'custom', message: `映射应为 JSON，键取 ${IMPORT_FIELDS.join('/')}` });
        return z.NEVER;
      }
    }),
});
const rowsQuery = z.strictObject({
  status: z.enum(['valid', 'duplicate', 'invalid']).optional(),
  page: z.coerce.number().int().min(1).max(100_000).default(1),
  pageSize: z.coerce.number().int().min(1).max(1000).default(100),
});

/**
 * Imports (Excel/CSV). Mounted before the JSON body parser: the body is the file itself
 * (Content-Type xlsx or text/csv), streamed to disk with a size limit; options are query parameters.
 */
export function importsRouter(deps: Pick<AppDeps, 'services'>) {
  const { imports, auth } = deps.services;
  const router = new Router<AppState>({ prefix: '/api/v1' });
  const authed = requireAuth(auth);

  router.post('/imports', authed, async (ctx) => {
    const q = parseInput(startQuery, ctx.query, 'query');
    if (
      !ctx.is(
        'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
        'text/csv',
        'application/octet-stream',
      )
    ) {
      throw new AppError('UNSUPPORTED_MEDIA_TYPE', `content-type ${ctx.get('content-type')} refused`, {
        userMessage: '请上传 xlsx 或 csv 文件（Content-Type 为 xlsx、text/csv 或 application/octet-stream）',
      });
    }
    const declared = Number(ctx.get('content-length') || 0);
    if (declared > imports.limits.maxBytes) {
      throw new AppError('IMPORT_TOO_LARGE', 'declared upload too large', {
        userMessage: `文件过大（上限 ${Math.round(imports.limits.maxBytes / 1024 / 1024)} MB），请拆分后再导入`,
      });
    }
    const upload = await imports.storeUpload(ctx.req, q.fileName);
    const result = await imports.start(actorOf(ctx), upload, {
      dryRun: q.dryRun === 'true',
      ownerId: q.ownerId,
      mapping: q.mapping,
    });
    ctx.status = q.dryRun === 'true' ? 200 : 202;
    ctx.body = result.rows ? { ...result.import, rows: result.rows } : result.import;
  });

  router.get('/imports/:id', authed, async (ctx) => {
    const { id } = parseInput(idParam, ctx.params, 'path');
    ctx.body = await imports.get(principalOf(ctx.state).principal, id);
  });

  router.get('/imports/:id/rows', authed, async (ctx) => {
    const { id } = parseInput(idParam, ctx.params, 'path');
    ctx.body = await imports.rows(
      principalOf(ctx.state).principal,
      id,
      parseInput(rowsQuery, ctx.query, 'query'),
    );
  });

  return router;
}
