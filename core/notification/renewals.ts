import type { PolicyForReminder } from './automation-queries.js';
import { honorific, userDirectory, type AutomationDeps } from './automation-support.js';
import type { EnqueueRequest } from './notification.service.js';
import { addDays, daysBetween, shanghaiDateOf, shanghaiInstant } from './shanghai-time.js';

// A missed run (worker down for a day or two) still sends the reminder, late rather than never.
const CATCH_UP_DAYS = 2;

/** The dedupe key of one renewal reminder: policy, expiry (a renewed policy's new term is new), offset, audience. */
export const renewalKey = (policyId: string, expiryDate: string, offset: number, audience: string) =>
  `renewal:${policyId}:${expiryDate}:${offset}d:${audience}`;

/**
 * Renewal reminders (product.md §3.4): at each configured offset before expiry the agent gets an app
 * message and the customer a subscribe message; at the first offset within 30 days a WeCom customer
 * message is also prepared for the agent to confirm (capped per customer per month). When the agent
 * has not acted `renewalEscalationDays` after the last reminder, the team lead is told.
 */
export function createRenewalAutomation(deps: AutomationDeps) {
  const offsets = [...deps.settings.renewalOffsetsDays].sort((a, b) => b - a);
  const lastOffset = offsets[offsets.length - 1] ?? 7;
  const customerWecomOffset = offsets.find((d) => d <= 30);

  function requestsFor(
    p: PolicyForReminder,
    offset: number,
    today: string,
    contact:
      | {
          name: string;
          gender: string | undefined;
          openid?: string | undefined;
          externalUserId?: string | undefined;
        }
      | undefined,
    agent: { wecomUserId: string } | undefined,
  ): EnqueueRequest[] {
    const daysLeft = daysBetween(today, p.expiryDate);
    const owner = { userId: p.ownerId, teamId: p.teamId, branchId: p.branchId };
    const related = { type: 'policy', id: p.id };
    // Pointless once the policy has expired.
    const expiresAt = shanghaiInstant(addDays(p.expiryDate, 1));
    const customerName = contact?.name ?? '客户';
    const out: EnqueueRequest[] = [
      {
        dedupeKey: renewalKey(p.id, p.expiryDate, offset, 'agent'),
        kind: 'renewal_reminder',
        channel: 'agent_app',
        to: { userId: p.ownerId, wecomUserId: agent?.wecomUserId },
        owner,
        related,
        expiresAt,
        message: {
          format: 'text',
          text:
            `【续保提醒】客户${customerName}的《${p.product}》（${p.insurer}，保单号 ${p.number}）` +
            `将于 ${p.expiryDate} 到期，还有 ${daysLeft} 天。请联系客户确认续保意向，并在系统中记录沟通结果。`,
        },
      },
      {
        dedupeKey: renewalKey(p.id, p.expiryDate, offset, 'customer'),
        kind: 'renewal_reminder',
        channel: 'customer_subscribe',
        to: { customerId: p.customerId, openid: contact?.openid },
        owner,
        related,
        expiresAt,
        message: {
          format: 'subscribe',
          templateId: 'renewal_reminder',
          page: `pages/policy/detail?id=${p.id}`,
          data: {
            product: { value: p.product.slice(0, 20) },
            expiryDate: { value: p.expiryDate },
            tip: { value: `保单还有${daysLeft}天到期，请及时续保` },
          },
        },
      },
    ];
    if (offset === customerWecomOffset) {
      out.push({
        dedupeKey: renewalKey(p.id, p.expiryDate, offset, 'customer_wecom'),
        kind: 'renewal_reminder',
        channel: 'customer_wecom',
        to: {
          customerId: p.customerId,
          externalUserId: contact?.externalUserId,
          senderWecomUserId: agent?.wecomUserId,
        },
        owner,
        related,
        expiresAt,
        message: {
          format: 'text',
          text:
            `${contact ? honorific(contact.name, contact.gender) : '您'}您好，您的《${p.product}》将于 ${p.expiryDate} 到期。` +
            '为保障不中断，我会在近期与您确认续保事宜，如有疑问可随时联系我。',
        },
      });
    }
    return out;
  }

  return {
    /**
     * Enqueues every reminder due as of `now`: for each offset, in-force policies expiring in
     * [today+offset-2, today+offset]. Streams in batches (memory does not grow with the book).
     */
    async scan(): Promise<{ policies: number; enqueued: number; duplicates: number }> {
      const now = deps.clock();
      const today = shanghaiDateOf(now);
      const directory = userDirectory(deps.users);
      let policies = 0;
      let enqueued = 0;
      let duplicates = 0;
      for (const offset of offsets) {
        const to = addDays(today, offset);
        const from = addDays(to, -CATCH_UP_DAYS);
        for await (const batch of deps.queries.policiesExpiring(
          from < addDays(today, 1) ? addDays(today, 1) : from,
          to,
        )) {
          // A policy inside the window of a smaller offset belongs to that one, not to a late larger one.
          const mine = batch.filter((p) => {
            const left = daysBetween(today, p.expiryDate);
            return !offsets.some((o) => o < offset && left <= o);
          });
          const contacts = await deps.queries.contacts(mine.map((p) => p.customerId));
          const requests: EnqueueRequest[] = [];
          for (const p of mine) {
            const agent = await directory.get(p.ownerId);
            requests.push(
              ...requestsFor(p, offset, today, contacts.get(p.customerId), agent?.active ? agent : undefined),
            );
          }
          const res = await deps.outbox.enqueueMany(requests);
          policies += mine.length;
          enqueued += res.created;
          duplicates += res.duplicates;
        }
      }
      return { policies, enqueued, duplicates };
    },

    /**
     * Tells the team lead about policies whose last reminder went out `renewalEscalationDays` ago
     * (or more, catching up) while the agent has logged no contact and no renewal outcome since.
     */
    async escalate(): Promise<{ checked: number; escalated: number }> {
      const now = deps.clock();
      const today = shanghaiDateOf(now);
      const directory = userDirectory(deps.users);
      const lag = deps.settings.renewalEscalationDays;
      const to = addDays(today, lastOffset - lag);
      const from = addDays(to, -CATCH_UP_DAYS);
      let checked = 0;
      let escalated = 0;
      for await (const batch of deps.queries.policiesExpiring(from, to)) {
        const contacts = await deps.queries.contacts(batch.map((p) => p.customerId));
        for (const p of batch) {
          if (p.renewalOutcome && p.renewalOutcome !== 'pending') continue;
          const reminder = await deps.notifications.findByDedupeKey(
            renewalKey(p.id, p.expiryDate, lastOffset, 'agent'),
          );
          if (!reminder?.sentAt || now.getTime() - reminder.sentAt.getTime() < lag * 86_400_000 - 3600_000)
            continue;
          checked++;
          const contact = contacts.get(p.customerId);
          if (contact?.lastInteractionAt && contact.lastInteractionAt >= reminder.sentAt) continue;
          const agent = await directory.get(p.ownerId);
          const leads = p.teamId ? await directory.teamLeads(p.teamId) : [];
          for (const lead of leads) {
            const { created } = await deps.outbox.enqueue({
              dedupeKey: `renewal-escalation:${p.id}:${p.expiryDate}:${lead.id}`,
              kind: 'renewal_escalation',
              channel: 'agent_app',
              to: { userId: lead.id, wecomUserId: lead.wecomUserId },
              owner: { userId: p.ownerId, teamId: p.teamId, branchId: p.branchId },
              related: { type: 'policy', id: p.id },
              message: {
                format: 'text',
                text:
                  `【续保跟进预警】${agent?.name ?? '业务员'}名下客户${contact?.name ?? ''}的《${p.product}》` +
                  `（保单号 ${p.number}）将于 ${p.expiryDate} 到期，最后一次提醒已发出 ${lag} 天，仍无跟进记录。请督促跟进。`,
              },
            });
            if (created) escalated++;
          }
        }
      }
      return { checked, escalated };
    },
  };
}
export type RenewalAutomation = ReturnType<typeof createRenewalAutomation>;
