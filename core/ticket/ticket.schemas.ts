import { z } from 'zod';
import { pageFields } from '../customer/customer.schemas.js';
import { objectIdString } from '../validation.js';
import { TICKET_STATUSES } from './ticket.model.js';
import { TICKET_TYPES, TICKET_URGENCIES } from './ticket.sla.js';

/** POST /tickets body; the ticket goes to the customer's team queue with an SLA from type × urgency. */
export const createTicketInput = z.strictObject({
  customerId: objectIdString,
  type: z.enum(TICKET_TYPES),
  urgency: z.enum(TICKET_URGENCIES).default('normal'),
  title: z.string().trim().min(1).max(100),
  description: z.string().trim().max(2000).optional(),
});
export type CreateTicketInput = z.infer<typeof createTicketInput>;

/** PATCH /tickets/:id body. */
export const updateTicketInput = z
  .strictObject({
    status: z.enum(TICKET_STATUSES).optional(),
    resolution: z.string().trim().max(2000).optional(),
    assigneeId: objectIdString.optional(),
  })
  .refine((v) => Object.keys(v).length > 0, '至少需要修改一个字段');
export type UpdateTicketInput = z.infer<typeof updateTicketInput>;

/** GET /tickets query. `breached=true`: open tickets past their SLA due time. */
export const listTicketsQuery = z.strictObject({
  status: z.enum(TICKET_STATUSES).optional(),
  customerId: objectIdString.optional(),
  queueTeamId: objectIdString.optional(),
  breached: z.enum(['true']).optional(),
  ...pageFields,
});
export type ListTicketsQuery = z.infer<typeof listTicketsQuery>;
