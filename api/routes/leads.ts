import { Router } from '@koa/router';
import { z } from 'zod';
import { requireRole } from '#core/auth/scope';
import { exportTable } from '#core/import/export';
import { STAGE_LABELS } from '#core/lead/lead.options';
import {
  activityInput,
  apiKeyInput,
  capacityInput,
  createLeadInput,
  intakeInput,
  listLeadsQuery,
  mergeInput,
  moveStageInput,
  reassignInput,
  ruleInput,
  ruleUpdateInput,
} from '#core/lead/lead.schemas';
import { objectIdString, parseInput } from '#core/validation';
import type { AppDeps, AppState } from '../context.js';
import { principalOf, requireAuth } from '../middleware/auth.js';
import { actorOf } from './actor.js';

const idParam = z.strictObject({ id: objectIdString });
const exportQuery = z.strictObject({ format: z.enum(['xlsx', 'csv']).default('xlsx') });

/** Leads (线索): intake by API key, manual creation, pipeline, pool, merges, assignment rules, API keys. */
export function leadsRouter(deps: Pick<AppDeps, 'services'>) {
  const { leads, leadAssignment, leadApiKeys, leadRepository, auth } = deps.services;
  const router = new Router<AppState>({ prefix: '/api/v1' });
  const authed = requireAuth(auth);

  // Web forms and ad platforms: `X-Api-Key: qbk_…` (no staff session).
  router.post('/leads/intake', async (ctx) => {
    const key = await leadApiKeys.authenticate(ctx.get('x-api-key') || undefined);
    const input = parseInput(intakeInput, ctx.request.body, 'lead');
    const result = await leads.intake(
      { source: key.source, ...input },
      { via: 'api', detail: `API 密钥「${key.name}」` },
    );
    ctx.status = result.outcome === 'created' ? 201 : 200;
    ctx.body =
      result.outcome === 'existing_customer'
        ? { outcome: result.outcome, message: result.message }
        : {
            outcome: result.outcome,
            leadId: result.lead.id,
            grade: result.lead.grade,
            message: result.message,
          };
  });

  router.post('/leads', authed, async (ctx) => {
    const input = parseInput(createLeadInput, ctx.request.body, 'lead');
    const result = await leads.create(actorOf(ctx), input);
    ctx.status = result.outcome === 'created' ? 201 : 200;
    ctx.body =
      result.outcome === 'existing_customer'
        ? result
        : { ...result, lead: await leads.get(principalOf(ctx.state).principal, result.lead.id) };
  });

  router.get('/leads', authed, async (ctx) => {
    const q = parseInput(listLeadsQuery, ctx.query, 'query');
    ctx.body = await leads.list(principalOf(ctx.state).principal, q);
  });

  router.get('/leads/pool', authed, async (ctx) => {
    const q = parseInput(listLeadsQuery, ctx.query, 'query');
    ctx.body = await leads.list(principalOf(ctx.state).principal, { ...q, pool: true });
  });

  router.get('/leads/export', authed, async (ctx) => {
    const { format } = parseInput(exportQuery, ctx.query, 'query');
    const { principal } = principalOf(ctx.state);
    ctx.set('Content-Disposition', `attachment; filename="leads.${format}"`);
    ctx.type =
      format === 'csv'
        ? 'text/csv; charset=utf-8'
        : 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
    ctx.body = exportTable(
      format,
      [
        { header: '姓名', value: (l) => l.name },
        { header: '手机号', value: (l) => l.phone },
        { header: '来源', value: (l) => l.source },
        { header: '等级', value: (l) => l.grade },
        { header: '阶段', value: (l) => STAGE_LABELS[l.stage] },
        { header: '地区', value: (l) => l.region },
        { header: '意向险种', value: (l) => l.productInterest.join('、') },
        { header: '流失原因', value: (l) => l.lossReason },
        { header: '创建日期', value: (l) => l.createdDate },
      ],
      leadRepository.iterate(principal.scope, {}),
    );
  });

  router.get('/leads/merges', authed, async (ctx) => {
    ctx.body = await leads.merges(principalOf(ctx.state).principal);
  });

  router.post('/leads/merges/:id/undo', authed, async (ctx) => {
    const { id } = parseInput(idParam, ctx.params, 'path');
    ctx.body = await leads.undoMerge(actorOf(ctx), id);
  });

  router.get('/leads/:id', authed, async (ctx) => {
    const { id } = parseInput(idParam, ctx.params, 'path');
    ctx.body = await leads.get(principalOf(ctx.state).principal, id);
  });

  router.get('/leads/:id/merges', authed, async (ctx) => {
    const { id } = parseInput(idParam, ctx.params, 'path');
    ctx.body = await leads.merges(principalOf(ctx.state).principal, id);
  });

  router.post('/leads/:id/stage', authed, async (ctx) => {
    const { id } = parseInput(idParam, ctx.params, 'path');
    ctx.body = await leads.moveStage(actorOf(ctx), id, parseInput(moveStageInput, ctx.request.body, 'stage'));
  });

  router.post('/leads/:id/activities', authed, async (ctx) => {
    const { id } = parseInput(idParam, ctx.params, 'path');
    ctx.status = 201;
    ctx.body = await leads.logActivity(
      actorOf(ctx),
      id,
      parseInput(activityInput, ctx.request.body, 'activity'),
    );
  });

  router.post('/leads/:id/assign', authed, async (ctx) => {
    const { id } = parseInput(idParam, ctx.params, 'path');
    const { assigneeId } = parseInput(reassignInput, ctx.request.body, 'assign');
    ctx.body = await leads.reassign(actorOf(ctx), id, assigneeId);
  });

  router.post('/leads/:id/claim', authed, async (ctx) => {
    const { id } = parseInput(idParam, ctx.params, 'path');
    ctx.body = await leads.claim(actorOf(ctx), id);
  });

  router.post('/leads/:id/merge', authed, async (ctx) => {
    const { id } = parseInput(idParam, ctx.params, 'path');
    const { otherLeadId } = parseInput(mergeInput, ctx.request.body, 'merge');
    ctx.body = await leads.merge(actorOf(ctx), id, otherLeadId);
  });

  // --- admin: assignment rules, capacities, API keys ----------------------------------------------
  const admin = (ctx: { state: AppState }) => requireRole(principalOf(ctx.state).principal, 'admin');

  router.get('/lead-rules', authed, async (ctx) => {
    admin(ctx);
    ctx.body = { items: await leadAssignment.rules() };
  });
  router.post('/lead-rules', authed, async (ctx) => {
    admin(ctx);
    ctx.status = 201;
    ctx.body = await leadAssignment.createRule(parseInput(ruleInput, ctx.request.body, 'rule'));
  });
  router.patch('/lead-rules/:id', authed, async (ctx) => {
    admin(ctx);
    const { id } = parseInput(idParam, ctx.params, 'path');
    ctx.body = await leadAssignment.updateRule(id, parseInput(ruleUpdateInput, ctx.request.body, 'rule'));
  });
  router.delete('/lead-rules/:id', authed, async (ctx) => {
    admin(ctx);
    const { id } = parseInput(idParam, ctx.params, 'path');
    await leadAssignment.deleteRule(id);
    ctx.status = 204;
  });
  router.put('/lead-capacity/:id', authed, async (ctx) => {
    admin(ctx);
    const { id } = parseInput(idParam, ctx.params, 'path');
    const { capacity } = parseInput(capacityInput, ctx.request.body, 'capacity');
    await leadAssignment.setCapacity(id, capacity);
    ctx.body = { userId: id, capacity };
  });

  router.get('/lead-api-keys', authed, async (ctx) => {
    admin(ctx);
    ctx.body = { items: await leadApiKeys.list() };
  });
  router.post('/lead-api-keys', authed, async (ctx) => {
    admin(ctx);
    const input = parseInput(apiKeyInput, ctx.request.body, 'apiKey');
    const { key, record } = await leadApiKeys.create({
      ...input,
      createdBy: principalOf(ctx.state).principal.userId,
    });
    ctx.status = 201;
    // The plaintext key is shown once, here; only its hash is stored.
    ctx.body = { ...record, key };
  });
  router.delete('/lead-api-keys/:id', authed, async (ctx) => {
    admin(ctx);
    const { id } = parseInput(idParam, ctx.params, 'path');
    ctx.body = await leadApiKeys.revoke(id);
  });

  return router;
}
