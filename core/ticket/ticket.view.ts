import type { TicketRecord } from './ticket.repository.js';
import { isBreached, TICKET_TYPE_LABELS } from './ticket.sla.js';

/** A ticket as the API returns it, with its SLA breach flag as of `now`. */
export function ticketView(t: TicketRecord, now: Date) {
  const { ownership, ...rest } = t;
  return {
    ...rest,
    ownerId: ownership.ownerId,
    typeLabel: TICKET_TYPE_LABELS[t.type],
    breached: isBreached(t, now),
  };
}
export type TicketView = ReturnType<typeof ticketView>;
