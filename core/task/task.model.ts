import { Schema, type Connection, type InferSchemaType, type Model } from 'mongoose';
import { ownershipFields } from '../customer/ownership.js';

export const TASK_STATUSES = ['open', 'done', 'cancelled'] as const;
export const TASK_SOURCES = ['manual', 'interaction', 'system'] as const;

// ownerId is the assignee: the customer's owner agent for customer tasks.
const taskSchema = new Schema(
  {
    title: { type: String, required: true },
    note: { type: String },
    customerId: { type: Schema.Types.ObjectId },
    dueDate: { type: String, required: true },
    status: { type: String, enum: TASK_STATUSES, required: true, default: 'open' },
    sourceType: { type: String, enum: TASK_SOURCES, required: true, default: 'manual' },
    sourceId: { type: Schema.Types.ObjectId },
    completedAt: { type: Date },
    completedBy: { type: Schema.Types.ObjectId },
    createdBy: { type: Schema.Types.ObjectId, required: true },
    ...ownershipFields,
  },
  { timestamps: true },
);
taskSchema.index({ ownerId: 1, status: 1, dueDate: 1 });
taskSchema.index({ teamId: 1, status: 1, dueDate: 1 });
taskSchema.index({ branchId: 1, status: 1, dueDate: 1 });
taskSchema.index({ customerId: 1, status: 1 });

export type TaskDoc = InferSchemaType<typeof taskSchema>;

export function registerTaskModels(conn: Connection) {
  return { Task: conn.model('Task', taskSchema) as Model<TaskDoc> };
}
export type TaskModels = ReturnType<typeof registerTaskModels>;
