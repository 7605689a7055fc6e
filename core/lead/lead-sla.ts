import { createHash } from 'node:crypto';
import type { DataScope } from '../auth/scope.js';
import { shanghaiDate } from '../customer/business-date.js';
import { isDuplicateKeyError } from '../db/errors.js';
import type { LeadSlaHook } from '../notification/lead-sla.hook.js';
import type { TaskRepository } from '../task/task.repository.js';
import type { LeadModels } from './lead.model.js';
import { STAGE_LABELS } from './lead.options.js';
import { leadScopeFilter, toLead, type LeadRepository } from './lead.repository.js';
import type { LeadService } from './lead.service.js';

const SYSTEM_ACTOR_ID = '000000000000000000000000';

/**
 * The `LeadSlaHook` the jobs worker runs hourly (`leads.sla`): unworked leads past their first-contact
 * SLA go back to the public pool; a lead past its stage limit (需求分析 > 3 days …) gets one warning task
 * for its agent per overdue period (the task id is derived from lead + due time, so reruns add nothing);
 * team leads see both in the daily digest lines.
 */
export function createLeadSlaHook(deps: {
  models: Pick<LeadModels, 'Lead'>;
  leads: LeadRepository;
  service: Pick<LeadService, 'returnOverdueToPool'>;
  tasks: TaskRepository;
}): LeadSlaHook {
  return {
    async enforce(now: Date) {
      const { returned } = await deps.service.returnOverdueToPool(now);
      let warned = 0;
      for (const l of await deps.leads.overdueStages(now, 1000)) {
        if (!l.assigneeId || !l.stageDueAt) continue;
        const id = createHash('sha256')
          .update(`lead-stage-overdue:${l.id}:${l.stage}:${l.stageDueAt.toISOString()}`)
          .digest('hex')
          .slice(0, 24);
        try {
          await deps.tasks.insert(
            {
              id,
              title: `线索${l.name ? `「${l.name}」` : ''}「${STAGE_LABELS[l.stage]}」阶段已超时，请尽快推进`,
              note: `${l.grade} 类线索，来源${l.source}`,
              customerId: undefined,
              dueDate: shanghaiDate(now),
              sourceType: 'system',
              sourceId: l.id,
              createdBy: SYSTEM_ACTOR_ID,
            },
            { ownerId: l.assigneeId, teamId: l.teamId, branchId: l.branchId },
          );
          warned++;
        } catch (err) {
          if (!isDuplicateKeyError(err)) throw err;
        }
      }
      return { warned, returnedToPool: returned };
    },

    async digestLines(scope: DataScope, now: Date, max: number) {
      const { Lead } = deps.models;
      const base = leadScopeFilter(scope);
      const overdueA = await Lead.find({
        ...base,
        stage: 'assigned',
        grade: 'A',
        inPool: false,
        firstContactDueAt: { $lt: now },
      })
        .sort({ firstContactDueAt: 1 })
        .limit(max)
        .lean();
      const stageOverdue = await Lead.find({
        ...base,
        stage: { $in: ['contacted', 'needs_analysis', 'proposal'] },
        stageDueAt: { $lt: now },
      })
        .sort({ stageDueAt: 1 })
        .limit(max)
        .lean();
      const lines: string[] = [];
      if (overdueA.length) {
        const names = overdueA
          .map((d) => toLead(d).name ?? '未留姓名')
          .slice(0, 3)
          .join('、');
        lines.push(`超期未联系A类线索 ${overdueA.length}${overdueA.length >= max ? '+' : ''} 条：${names}`);
      }
      if (stageOverdue.length) {
        const names = stageOverdue
          .map((d) => toLead(d))
          .slice(0, 3)
          .map((l) => `${l.name ?? '未留姓名'}（${STAGE_LABELS[l.stage]}）`)
          .join('、');
        lines.push(
          `阶段超时线索 ${stageOverdue.length}${stageOverdue.length >= max ? '+' : ''} 条：${names}`,
        );
      }
      return lines.slice(0, max);
    },
  };
}
