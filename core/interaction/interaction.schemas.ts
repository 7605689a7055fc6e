import { z } from 'zod';
import { businessDate, pageFields } from '../customer/customer.schemas.js';
import { objectIdString } from '../validation.js';
import { INTERACTION_TYPES } from './interaction.model.js';

/** POST /interactions body. `nextFollowUpDate` creates a follow-up task for the customer's owner. */
export const createInteractionInput = z.strictObject({
  customerId: objectIdString,
  type: z.enum(INTERACTION_TYPES),
  occurredAt: z.iso.datetime({ offset: true }).optional(),
  summary: z.string().trim().min(1).max(2000),
  tags: z.array(z.string().trim().min(1).max(20)).max(20).optional(),
  nextFollowUpDate: businessDate.optional(),
  followUpTitle: z.string().trim().min(1).max(100).optional(),
});
export type CreateInteractionInput = z.infer<typeof createInteractionInput>;

/** GET /interactions query. */
export const listInteractionsQuery = z.strictObject({
  customerId: objectIdString.optional(),
  agentId: objectIdString.optional(),
  ...pageFields,
});
export type ListInteractionsQuery = z.infer<typeof listInteractionsQuery>;
