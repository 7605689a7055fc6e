import { Router } from '@koa/router';
import { z } from 'zod';
import { createTaskInput, listTasksQuery, updateTaskInput } from '#core/task/task.schemas';
import { objectIdString, parseInput } from '#core/validation';
import type { AppDeps, AppState } from '../context.js';
import { principalOf, requireAuth } from '../middleware/auth.js';
import { actorOf } from './actor.js';

const idParam = z.strictObject({ id: objectIdString });

/** Tasks (待办). */
export function tasksRouter(deps: Pick<AppDeps, 'services'>) {
  const { tasks, auth } = deps.services;
  const router = new Router<AppState>({ prefix: '/api/v1' });
  const authed = requireAuth(auth);

  router.get('/tasks', authed, async (ctx) => {
    const query = parseInput(listTasksQuery, ctx.query, 'query');
    ctx.body = await tasks.list(principalOf(ctx.state).principal, query);
  });

  router.post('/tasks', authed, async (ctx) => {
    const input = parseInput(createTaskInput, ctx.request.body, 'task');
    ctx.status = 201;
    ctx.body = await tasks.create(actorOf(ctx), input);
  });

  router.patch('/tasks/:id', authed, async (ctx) => {
    const { id } = parseInput(idParam, ctx.params, 'path');
    const input = parseInput(updateTaskInput, ctx.request.body, 'task');
    ctx.body = await tasks.update(actorOf(ctx), id, input);
  });

  return router;
}
