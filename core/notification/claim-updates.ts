import { CLAIM_STATUS_LABELS, type ClaimStatus } from '../claim/claim.status.js';
import { userDirectory, type AutomationDeps } from './automation-support.js';
import { formatMinute, shanghaiDateOf, shanghaiMinuteOfDay } from './shanghai-time.js';

const shanghaiDateTime = (at: Date) => `${shanghaiDateOf(at)} ${formatMinute(shanghaiMinuteOfDay(at))}`;
import type { SurveyService } from './survey.service.js';

export const SURVEY_DELAY_DAYS = 7;
const BATCH = 200;

/**
 * Claim progress (product.md §3.5): every claim status change (the claim domain's persisted events)
 * becomes an urgent subscribe message to the customer and an app message to the agent; a closure
 * also creates the satisfaction survey, whose invitation waits 7 days in the outbox (notBefore).
 */
export function createClaimUpdateAutomation(deps: AutomationDeps & { surveys: SurveyService }) {
  return {
    async processEvents(): Promise<{ events: number; enqueued: number; surveys: number }> {
      const directory = userDirectory(deps.users);
      let events = 0;
      let enqueued = 0;
      let surveys = 0;
      for (;;) {
        const pending = await deps.events.listPending(BATCH);
        if (pending.length === 0) break;
        // This worker is the events' consumer; policy events have no notification (yet), so they are
        // acknowledged rather than left to clog the queue.
        for (const e of pending.filter((x) => x.aggregateType !== 'claim')) {
          await deps.events.markProcessed(e.id, deps.clock());
        }
        const batch = pending.filter((e) => e.aggregateType === 'claim');
        const contacts = await deps.queries.contacts(batch.map((e) => e.customerId));
        for (const e of batch) {
          const to = e.payload.to as ClaimStatus;
          const number = String(e.payload.number ?? '');
          const label = CLAIM_STATUS_LABELS[to] ?? to;
          const contact = contacts.get(e.customerId);
          const agent = await directory.get(e.ownership.ownerId);
          const owner = {
            userId: e.ownership.ownerId,
            teamId: e.ownership.teamId,
            branchId: e.ownership.branchId,
          };
          const related = { type: 'claim', id: e.aggregateId };
          const note =
            typeof e.payload.note === 'string' && e.payload.note ? `（${e.payload.note.slice(0, 60)}）` : '';
          const results = await Promise.all([
            deps.outbox.enqueue({
              dedupeKey: `claim-status:${e.dedupeKey}:customer`,
              kind: 'claim_status',
              channel: 'customer_subscribe',
              urgent: true,
              to: { customerId: e.customerId, openid: contact?.openid },
              owner,
              related,
              message: {
                format: 'subscribe',
                templateId: 'claim_status',
                page: `pages/claim/detail?id=${e.aggregateId}`,
                data: {
                  claimNumber: { value: number.slice(0, 32) },
                  status: { value: label },
                  time: { value: shanghaiDateTime(e.occurredAt) },
                },
              },
            }),
            deps.outbox.enqueue({
              dedupeKey: `claim-status:${e.dedupeKey}:agent`,
              kind: 'claim_status',
              channel: 'agent_app',
              urgent: true,
              to: { userId: e.ownership.ownerId, wecomUserId: agent?.active ? agent.wecomUserId : undefined },
              owner,
              related,
              message: {
                format: 'text',
                text: `【理赔进度】客户${contact?.name ?? ''}的理赔案件 ${number} 状态更新为「${label}」${note}。`,
              },
            }),
          ]);
          enqueued += results.filter((r) => r.created).length;
          if (to === 'closed') {
            const sendAt = new Date(e.occurredAt.getTime() + SURVEY_DELAY_DAYS * 86_400_000);
            const { token, created } = await deps.surveys.ensureForClosedClaim({
              claimId: e.aggregateId,
              claimNumber: number,
              customerId: e.customerId,
              ownerId: e.ownership.ownerId,
              teamId: e.ownership.teamId,
              branchId: e.ownership.branchId,
              sendAt,
            });
            if (created) surveys++;
            await deps.outbox.enqueue({
              dedupeKey: `claim-survey:${e.aggregateId}`,
              kind: 'claim_survey',
              channel: 'customer_subscribe',
              to: { customerId: e.customerId, openid: contact?.openid },
              owner,
              related,
              notBefore: sendAt,
              message: {
                format: 'subscribe',
                templateId: 'claim_survey',
                page: `pages/survey/index?token=${token}`,
                data: {
                  claimNumber: { value: number.slice(0, 32) },
                  tip: { value: '您的理赔已结案，邀请您为本次服务评分' },
                },
              },
            });
          }
          // Marked only after its notifications are written: a crash here replays it, and the dedupe
          // keys make the replay write nothing new.
          await deps.events.markProcessed(e.id, deps.clock());
          events++;
        }
      }
      return { events, enqueued, surveys };
    },
  };
}
