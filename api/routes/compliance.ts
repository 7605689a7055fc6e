import { Router } from '@koa/router';
import { z } from 'zod';
import {
  checkTextInput,
  createRuleInput,
  listAlertsQuery,
  listHitsQuery,
  listRulesQuery,
  reportQuery,
  reviewHitInput,
  updateRuleInput,
} from '#core/compliance/compliance.schemas';
import { objectIdString, parseInput } from '#core/validation';
import type { AppDeps, AppState } from '../context.js';
import { principalOf, requireAuth } from '../middleware/auth.js';

const idParam = z.strictObject({ id: objectIdString });
const changesQuery = z.strictObject({ limit: z.coerce.number().int().min(1).max(200).default(50) });
const planQuery = z.strictObject({ budget: z.coerce.number().int().min(1).max(100).optional() });

/** Compliance administration: lexicon, dry-run check, hits and their review, alerts, report (admin). */
export function complianceRouter(deps: Pick<AppDeps, 'services'>) {
  const { compliance, auth } = deps.services;
  const router = new Router<AppState>({ prefix: '/api/v1/compliance' });
  // Per route, not router.use(): a prefix-wide middleware would answer 401 for unknown paths too.
  const authed = requireAuth(auth);

  router.get('/rules', authed, async (ctx) => {
    const query = parseInput(listRulesQuery, ctx.query, 'query');
    ctx.body = await compliance.listRules(principalOf(ctx.state).principal, query);
  });

  router.post('/rules', authed, async (ctx) => {
    const input = parseInput(createRuleInput, ctx.request.body, 'rule');
    const rule = await compliance.createRule(principalOf(ctx.state).principal, input);
    ctx.state.log.info({ ruleId: rule.id, version: rule.version }, 'compliance rule created');
    ctx.status = 201;
    ctx.body = rule;
  });

  router.get('/rules/:id', authed, async (ctx) => {
    const { id } = parseInput(idParam, ctx.params, 'path');
    ctx.body = await compliance.getRule(principalOf(ctx.state).principal, id);
  });

  router.patch('/rules/:id', authed, async (ctx) => {
    const { id } = parseInput(idParam, ctx.params, 'path');
    const input = parseInput(updateRuleInput, ctx.request.body, 'rule');
    const rule = await compliance.updateRule(principalOf(ctx.state).principal, id, input);
    ctx.state.log.info({ ruleId: rule.id, version: rule.version }, 'compliance rule updated');
    ctx.body = rule;
  });

  router.delete('/rules/:id', authed, async (ctx) => {
    const { id } = parseInput(idParam, ctx.params, 'path');
    const result = await compliance.deleteRule(principalOf(ctx.state).principal, id);
    ctx.state.log.info({ ruleId: id, version: result.version }, 'compliance rule deleted');
    ctx.body = result;
  });

  router.get('/lexicon/changes', authed, async (ctx) => {
    const { limit } = parseInput(changesQuery, ctx.query, 'query');
    ctx.body = await compliance.listLexiconChanges(principalOf(ctx.state).principal, limit);
  });

  router.post('/check', authed, async (ctx) => {
    const { text } = parseInput(checkTextInput, ctx.request.body, 'check');
    ctx.body = await compliance.checkText(principalOf(ctx.state).principal, text);
  });

  router.get('/hits', authed, async (ctx) => {
    const query = parseInput(listHitsQuery, ctx.query, 'query');
    ctx.body = await compliance.listHits(principalOf(ctx.state).principal, query);
  });

  router.get('/hits/:id', authed, async (ctx) => {
    const { id } = parseInput(idParam, ctx.params, 'path');
    ctx.body = await compliance.getHit(principalOf(ctx.state).principal, id);
  });

  router.post('/hits/:id/review', authed, async (ctx) => {
    const { id } = parseInput(idParam, ctx.params, 'path');
    const input = parseInput(reviewHitInput, ctx.request.body, 'review');
    const hit = await compliance.reviewHit(principalOf(ctx.state).principal, id, input);
    ctx.state.log.info({ hitId: hit.id, status: hit.status }, 'compliance hit reviewed');
    ctx.body = hit;
  });

  router.get('/alerts', authed, async (ctx) => {
    const { status, limit } = parseInput(listAlertsQuery, ctx.query, 'query');
    ctx.body = { items: await compliance.listAlerts(principalOf(ctx.state).principal, status, limit) };
  });

  router.get('/archive', authed, async (ctx) => {
    ctx.body = await compliance.archiveStatus(principalOf(ctx.state).principal);
  });

  router.get('/intercept-rules/plan', authed, async (ctx) => {
    const { budget } = parseInput(planQuery, ctx.query, 'query');
    ctx.body = await compliance.interceptPlan(principalOf(ctx.state).principal, budget);
  });

  router.get('/report', authed, async (ctx) => {
    const query = parseInput(reportQuery, ctx.query, 'query');
    ctx.body = await compliance.report(principalOf(ctx.state).principal, query);
  });

  return router;
}
