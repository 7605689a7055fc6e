import { Types } from 'mongoose';
import type { DataScope } from '../auth/scope.js';
import {
  oid,
  ownershipToDoc,
  scopeFilter,
  toOwnership,
  type Ownership,
  type OwnershipDoc,
  reassignByCustomers,
} from '../customer/ownership.js';
import type { TASK_SOURCES, TASK_STATUSES, TaskModels } from './task.model.js';

export type TaskStatus = (typeof TASK_STATUSES)[number];

export interface TaskRecord {
  id: string;
  title: string;
  note: string | undefined;
  customerId: string | undefined;
  dueDate: string;
  status: TaskStatus;
  sourceType: (typeof TASK_SOURCES)[number];
  sourceId: string | undefined;
  completedAt: Date | undefined;
  completedBy: string | undefined;
  createdBy: string;
  ownership: Ownership;
  createdAt: Date;
  updatedAt: Date;
}

type Opt<T> = T | null | undefined;
interface TaskLean extends OwnershipDoc {
  _id: Types.ObjectId;
  title: string;
  note?: Opt<string>;
  customerId?: Opt<Types.ObjectId>;
  dueDate: string;
  status: TaskStatus;
  sourceType: TaskRecord['sourceType'];
  sourceId?: Opt<Types.ObjectId>;
  completedAt?: Opt<Date>;
  completedBy?: Opt<Types.ObjectId>;
  createdBy: Types.ObjectId;
  createdAt: Date;
  updatedAt: Date;
}

const toTask = (d: TaskLean): TaskRecord => ({
  id: d._id.toString(),
  title: d.title,
  note: d.note ?? undefined,
  customerId: d.customerId?.toString(),
  dueDate: d.dueDate,
  status: d.status,
  sourceType: d.sourceType,
  sourceId: d.sourceId?.toString(),
  completedAt: d.completedAt ?? undefined,
  completedBy: d.completedBy?.toString(),
  createdBy: d.createdBy.toString(),
  ownership: toOwnership(d),
  createdAt: d.createdAt,
  updatedAt: d.updatedAt,
});

export type NewTask = Pick<
  TaskRecord,
  'title' | 'note' | 'customerId' | 'dueDate' | 'sourceType' | 'sourceId' | 'createdBy'
> & {
  id?: string | undefined;
};

export interface TaskListFilter {
  status?: TaskStatus | undefined;
  customerId?: string | undefined;
  ownerId?: string | undefined;
  dueFrom?: string | undefined;
  dueTo?: string | undefined;
}

/** Data access for tasks; every read takes the caller's scope. */
export function createTaskRepository(models: TaskModels) {
  const { Task } = models;
  return {
    newId: () => new Types.ObjectId().toString(),

    async insert(t: NewTask, ownership: Ownership): Promise<TaskRecord> {
      const doc = await Task.create({
        ...(t.id ? { _id: oid(t.id) } : {}),
        title: t.title,
        note: t.note,
        customerId: t.customerId ? oid(t.customerId) : undefined,
        dueDate: t.dueDate,
        status: 'open',
        sourceType: t.sourceType,
        sourceId: t.sourceId ? oid(t.sourceId) : undefined,
        createdBy: oid(t.createdBy),
        ...ownershipToDoc(ownership),
      });
      return toTask(doc.toObject<TaskLean>());
    },

    async findById(scope: DataScope, id: string): Promise<TaskRecord | undefined> {
      if (!Types.ObjectId.isValid(id)) return undefined;
      const d = await Task.findOne({ ...scopeFilter(scope), _id: oid(id) }).lean<TaskLean>();
      return d ? toTask(d) : undefined;
    },

    async list(
      scope: DataScope,
      f: TaskListFilter,
      page: { skip: number; limit: number },
    ): Promise<{ items: TaskRecord[]; total: number }> {
      const q: Record<string, unknown> = { ...scopeFilter(scope) };
      if (f.status) q.status = f.status;
      if (f.customerId) q.customerId = oid(f.customerId);
      if (f.ownerId) {
        if ('ownerId' in q && String(q.ownerId) !== f.ownerId) q._id = { $in: [] };
        else q.ownerId = oid(f.ownerId);
      }
      if (f.dueFrom || f.dueTo) {
        q.dueDate = { ...(f.dueFrom ? { $gte: f.dueFrom } : {}), ...(f.dueTo ? { $lte: f.dueTo } : {}) };
      }
      const [docs, total] = await Promise.all([
        Task.find(q).sort({ dueDate: 1, _id: 1 }).skip(page.skip).limit(page.limit).lean<TaskLean[]>(),
        Task.countDocuments(q),
      ]);
      return { items: docs.map(toTask), total };
    },

    async update(
      scope: DataScope,
      id: string,
      set: Partial<Pick<TaskRecord, 'title' | 'note' | 'dueDate' | 'status' | 'completedAt'>> & {
        completedBy?: string | undefined;
      },
    ): Promise<TaskRecord | undefined> {
      const { completedBy, ...rest } = set;
      const d = await Task.findOneAndUpdate(
        { ...scopeFilter(scope), _id: oid(id) },
        { $set: { ...rest, ...(completedBy ? { completedBy: oid(completedBy) } : {}) } },
        { returnDocument: 'after' },
      ).lean<TaskLean>();
      return d ? toTask(d) : undefined;
    },

    async remove(id: string): Promise<void> {
      await Task.deleteOne({ _id: oid(id) });
    },

    /** Handover: every task of the moved customers follows them (open ones get the new assignee). */
    async reassignForCustomers(customerIds: string[], to: Ownership): Promise<number> {
      return reassignByCustomers(Task, customerIds, to);
    },

    /** Handover of a whole book: a batch of the leaver's open tasks that have no customer. */
    async reassignOpenWithoutCustomer(fromId: string, to: Ownership, limit: number): Promise<number> {
      const docs = await Task.find(
        { ownerId: oid(fromId), status: 'open', customerId: { $exists: false } },
        { _id: 1 },
      )
        .limit(limit)
        .lean<{ _id: Types.ObjectId }[]>();
      if (docs.length === 0) return 0;
      const r = await Task.updateMany(
        { _id: { $in: docs.map((d) => d._id) }, ownerId: oid(fromId) },
        { $set: ownershipToDoc(to) },
      );
      return r.modifiedCount;
    },

    async openForCustomer(scope: DataScope, customerId: string, limit = 50): Promise<TaskRecord[]> {
      const docs = await Task.find({ ...scopeFilter(scope), customerId: oid(customerId), status: 'open' })
        .sort({ dueDate: 1, _id: 1 })
        .limit(limit)
        .lean<TaskLean[]>();
      return docs.map(toTask);
    },
  };
}
export type TaskRepository = ReturnType<typeof createTaskRepository>;
