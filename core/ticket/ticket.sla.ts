export const TICKET_TYPES = ['claim_assist', 'preservation', 'consult', 'complaint'] as const;
export type TicketType = (typeof TICKET_TYPES)[number];
export const TICKET_TYPE_LABELS: Record<TicketType, string> = {
  claim_assist: '理赔协助',
  preservation: '保全',
  consult: '咨询',
  complaint: '投诉',
};

export const TICKET_URGENCIES = ['low', 'normal', 'high', 'urgent'] as const;
export type TicketUrgency = (typeof TICKET_URGENCIES)[number];

/**
 * Resolution SLA in calendar hours, by type × urgency. Complaints are the tightest (regulators count
 * complaint handling time), consultations the loosest; an urgent request of any type is same-day.
 */
export const SLA_HOURS: Record<TicketType, Record<TicketUrgency, number>> = {
  complaint: { urgent: 2, high: 4, normal: 24, low: 48 },
  claim_assist: { urgent: 4, high: 8, normal: 48, low: 72 },
  preservation: { urgent: 8, high: 24, normal: 72, low: 120 },
  consult: { urgent: 4, high: 24, normal: 48, low: 96 },
};

/** When a ticket opened at `openedAt` must be resolved. */
export function slaDueAt(type: TicketType, urgency: TicketUrgency, openedAt: Date): Date {
  return new Date(openedAt.getTime() + SLA_HOURS[type][urgency] * 3_600_000);
}

/** Breached: resolved after the due time, or still unresolved past it. */
export function isBreached(t: { slaDueAt: Date; resolvedAt: Date | undefined }, now: Date): boolean {
  return (t.resolvedAt ?? now).getTime() > t.slaDueAt.getTime();
}
