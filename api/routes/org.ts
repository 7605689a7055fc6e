import { Router } from '@koa/router';
import { z } from 'zod';
import { createBranchInput, createTeamInput, createUserInput, listUsersQuery } from '#core/user/user.schemas';
import { objectIdString, parseInput } from '#core/validation';
import type { AppDeps, AppState } from '../context.js';
import { principalOf, requireAuth } from '../middleware/auth.js';

const idParam = z.strictObject({ id: objectIdString });
const teamsQuery = z.strictObject({ branchId: objectIdString.optional() });

/** Admin endpoints for the org structure: users, teams, branches. */
export function orgRouter(deps: Pick<AppDeps, 'services'>) {
  const { users, auth } = deps.services;
  const router = new Router<AppState>({ prefix: '/api/v1' });
  // Per route, not router.use(): a prefix-wide middleware would answer 401 for unknown paths too.
  const authed = requireAuth(auth);

  router.post('/users', authed, async (ctx) => {
    const input = parseInput(createUserInput, ctx.request.body, 'user');
    const user = await users.createUser(principalOf(ctx.state).principal, input);
    ctx.state.log.info({ createdUserId: user.id, role: user.role }, 'user created');
    ctx.status = 201;
    ctx.body = user;
  });

  router.get('/users', authed, async (ctx) => {
    const query = parseInput(listUsersQuery, ctx.query, 'query');
    ctx.body = await users.listUsers(principalOf(ctx.state).principal, query);
  });

  router.get('/users/:id', authed, async (ctx) => {
    const { id } = parseInput(idParam, ctx.params, 'path');
    ctx.body = await users.getUser(principalOf(ctx.state).principal, id);
  });

  router.post('/users/:id/deactivate', authed, async (ctx) => {
    const { id } = parseInput(idParam, ctx.params, 'path');
    const user = await users.deactivateUser(principalOf(ctx.state).principal, id);
    ctx.state.log.info({ deactivatedUserId: user.id }, 'user deactivated');
    ctx.body = user;
  });

  router.post('/branches', authed, async (ctx) => {
    const input = parseInput(createBranchInput, ctx.request.body, 'branch');
    ctx.status = 201;
    ctx.body = await users.createBranch(principalOf(ctx.state).principal, input);
  });

  router.get('/branches', authed, async (ctx) => {
    ctx.body = { items: await users.listBranches(principalOf(ctx.state).principal) };
  });

  router.post('/teams', authed, async (ctx) => {
    const input = parseInput(createTeamInput, ctx.request.body, 'team');
    ctx.status = 201;
    ctx.body = await users.createTeam(principalOf(ctx.state).principal, input);
  });

  router.get('/teams', authed, async (ctx) => {
    const { branchId } = parseInput(teamsQuery, ctx.query, 'query');
    ctx.body = { items: await users.listTeams(principalOf(ctx.state).principal, branchId) };
  });

  return router;
}
