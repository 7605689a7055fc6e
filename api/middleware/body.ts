import { bodyParser } from '@koa/bodyparser';
import type { Middleware } from 'koa';
import { AppError } from '#core/errors';
import type { AppState } from '../context.js';

const WITH_BODY = new Set(['POST', 'PUT', 'PATCH']);

/**
 * JSON bodies only, up to `limitBytes` (413 above). Malformed JSON → 400 INVALID_JSON;
 * a non-JSON body on a write → 415. Routes that take other formats (the WeCom XML callback)
 * are mounted before this middleware.
 */
export function jsonBody(limitBytes: number): Middleware<AppState> {
  const parse = bodyParser({ enableTypes: ['json'], jsonLimit: limitBytes, jsonStrict: true });
  return async function jsonBodyMiddleware(ctx, next) {
    if (WITH_BODY.has(ctx.method) && ctx.request.length && !ctx.is('application/json')) {
      throw new AppError('UNSUPPORTED_MEDIA_TYPE', `content-type ${ctx.get('content-type')} refused`, {
        userMessage: '请以 JSON 格式提交（Content-Type: application/json）',
      });
    }
    await parse(ctx, next);
  };
}
