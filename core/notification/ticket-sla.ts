import { TICKET_TYPE_LABELS, type TicketType } from '../ticket/ticket.sla.js';
import { userDirectory, type AutomationDeps } from './automation-support.js';

/**
 * Ticket SLA breaches (product.md §2, 工单): an unresolved ticket past its SLA is escalated to the team
 * lead(s) of its queue and to the assignee. The key includes the due time, so a ticket whose SLA is
 * reset (e.g. re-opened) escalates again, and one breach escalates once.
 */
export function createTicketSlaAutomation(deps: AutomationDeps) {
  return {
    async run(): Promise<{ breached: number; escalations: number }> {
      const now = deps.clock();
      const directory = userDirectory(deps.users);
      let breached = 0;
      let escalations = 0;
      for await (const batch of deps.queries.breachedTickets(now)) {
        const contacts = await deps.queries.contacts(batch.map((t) => t.customerId));
        for (const t of batch) {
          breached++;
          const hours = Math.floor((now.getTime() - t.slaDueAt.getTime()) / 3600_000);
          const typeLabel = TICKET_TYPE_LABELS[t.type as TicketType] ?? t.type;
          const text =
            `【工单超时】${typeLabel}工单「${t.title.slice(0, 40)}」（客户${contacts.get(t.customerId)?.name ?? ''}）` +
            `已超过处理时限${hours > 0 ? ` ${hours} 小时` : ''}，请尽快处理或协调。`;
          const recipients = [
            ...(t.teamId ? await directory.teamLeads(t.teamId) : []),
            ...[await directory.get(t.assigneeId ?? t.ownerId)].filter((u) => u?.active),
          ];
          const seen = new Set<string>();
          for (const u of recipients) {
            if (!u || seen.has(u.id)) continue;
            seen.add(u.id);
            const { created } = await deps.outbox.enqueue({
              dedupeKey: `ticket-sla:${t.id}:${t.slaDueAt.toISOString()}:${u.id}`,
              kind: 'ticket_sla_breach',
              channel: 'agent_app',
              urgent: t.urgency === 'urgent',
              to: { userId: u.id, wecomUserId: u.wecomUserId },
              owner: { userId: t.ownerId, teamId: t.teamId, branchId: t.branchId },
              related: { type: 'ticket', id: t.id },
              message: { format: 'text', text },
            });
            if (created) escalations++;
          }
        }
      }
      return { breached, escalations };
    },
  };
}
