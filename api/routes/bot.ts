import { Router } from '@koa/router';
import { z } from 'zod';
import { botModels, createBindingStore } from '#bot/bot.store';
import { requireRole } from '#core/auth/scope';
import { AppError, notFound } from '#core/errors';
import { objectIdString, parseInput } from '#core/validation';
import type { AppDeps, AppState } from '../context.js';
import { principalOf, requireAuth } from '../middleware/auth.js';

/** A wechaty contact id as puppets report them (opaque, no spaces). */
export const contactIdParam = z.strictObject({
  contactId: z
    .string()
    .trim()
    .min(1)
    .max(128)
    .regex(/^[\w@.:-]+$/),
});
export const bindingInput = z.strictObject({ userId: objectIdString });

/** Admin: which wechaty contact speaks for which Qibao user (the bot refuses unbound contacts). */
export function botRouter(deps: Pick<AppDeps, 'services' | 'db'>) {
  const { auth, repositories } = deps.services;
  const bindings = createBindingStore(botModels(deps.db.connection));
  const router = new Router<AppState>({ prefix: '/api/v1' });
  const authed = requireAuth(auth);

  router.get('/bot/bindings', authed, async (ctx) => {
    requireRole(principalOf(ctx.state).principal, 'admin');
    ctx.body = { items: await bindings.list() };
  });

  router.put('/bot/bindings/:contactId', authed, async (ctx) => {
    const { principal } = principalOf(ctx.state);
    requireRole(principal, 'admin');
    const { contactId } = parseInput(contactIdParam, ctx.params, 'path');
    const { userId } = parseInput(bindingInput, ctx.request.body, 'binding');
    const user = await repositories.users.findUserById(userId);
    if (!user?.active) {
      throw new AppError('VALIDATION_FAILED', 'binding to a missing or inactive user', {
        userMessage: '提交的数据有误，请检查标出的字段',
        details: [{ path: 'userId', message: '用户不存在或已停用' }],
      });
    }
    await bindings.bind(contactId, userId, principal.userId);
    ctx.state.log.info({ userId }, 'wechaty contact bound');
    ctx.body = { contactId, userId };
  });

  router.delete('/bot/bindings/:contactId', authed, async (ctx) => {
    requireRole(principalOf(ctx.state).principal, 'admin');
    const { contactId } = parseInput(contactIdParam, ctx.params, 'path');
    if (!(await bindings.unbind(contactId))) throw notFound('bot binding', '绑定不存在');
    ctx.status = 204;
  });

  return router;
}
