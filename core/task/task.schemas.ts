import { z } from 'zod';
import { businessDate, pageFields } from '../customer/customer.schemas.js';
import { objectIdString } from '../validation.js';
import { TASK_STATUSES } from './task.model.js';

/** POST /tasks body. With a customer the task belongs to the customer's owner; otherwise to `ownerId` or the caller. */
export const createTaskInput = z.strictObject({
  title: z.string().trim().min(1).max(100),
  note: z.string().trim().max(1000).optional(),
  dueDate: businessDate,
  customerId: objectIdString.optional(),
  ownerId: objectIdString.optional(),
});
export type CreateTaskInput = z.infer<typeof createTaskInput>;

/** PATCH /tasks/:id body. */
export const updateTaskInput = z
  .strictObject({
    title: z.string().trim().min(1).max(100).optional(),
    note: z.string().trim().max(1000).optional(),
    dueDate: businessDate.optional(),
    status: z.enum(TASK_STATUSES).optional(),
  })
  .refine((v) => Object.keys(v).length > 0, '至少需要修改一个字段');
export type UpdateTaskInput = z.infer<typeof updateTaskInput>;

/** GET /tasks query. `due`: today, overdue (before today, open), upcoming (after today), all. */
export const listTasksQuery = z.strictObject({
  status: z.enum(TASK_STATUSES).optional(),
  due: z.enum(['today', 'overdue', 'upcoming', 'all']).default('all'),
  customerId: objectIdString.optional(),
  ownerId: objectIdString.optional(),
  ...pageFields,
});
export type ListTasksQuery = z.infer<typeof listTasksQuery>;
