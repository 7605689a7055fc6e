/** Ticket failures. */
export type TicketErrorCode = 'TICKET_CLOSED';
