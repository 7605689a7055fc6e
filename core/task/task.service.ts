import type { Actor, AuditService } from '../audit/audit.service.js';
import { diffFields } from '../audit/audit.service.js';
import type { Principal } from '../auth/scope.js';
import { addDays, shanghaiDate } from '../customer/business-date.js';
import type { CustomerRepository } from '../customer/customer.repository.js';
import { customerNotFound, ownershipOf } from '../customer/customer.service.js';
import { inScope, type Ownership } from '../customer/ownership.js';
import { AppError, notFound } from '../errors.js';
import type { UserRepository } from '../user/user.repository.js';
import type { TaskRecord, TaskRepository } from './task.repository.js';
import type { CreateTaskInput, ListTasksQuery, UpdateTaskInput } from './task.schemas.js';
import { taskView } from './task.view.js';

const taskNotFound = () => notFound('task', '待办不存在或无权访问');
const snap = (t: TaskRecord) => ({ ...t, ownerId: t.ownership.ownerId }) as Record<string, unknown>;

/** Tasks (待办): scoped like customers; `due` filters count days in Asia/Shanghai. */
export function createTaskService(deps: {
  tasks: TaskRepository;
  customers: CustomerRepository;
  users: UserRepository;
  audit: AuditService;
  clock: () => Date;
}) {
  async function ownerFor(principal: Principal, input: CreateTaskInput): Promise<Ownership> {
    if (input.customerId) {
      const c = await deps.customers.findById(principal.scope, input.customerId);
      if (!c) throw customerNotFound();
      return c.ownership;
    }
    const user = await deps.users.findUserById(input.ownerId ?? principal.userId);
    const o = user && user.active ? ownershipOf(user) : undefined;
    if (!o || !inScope(principal.scope, o)) {
      throw new AppError('CUSTOMER_OWNER_INVALID', 'task owner invalid', {
        userMessage: '待办负责人不存在或不在您的管辖范围内',
        details: [{ path: 'ownerId', message: '待办负责人不存在或不在您的管辖范围内' }],
      });
    }
    return o;
  }

  return {
    async create(actor: Actor, input: CreateTaskInput) {
      const ownership = await ownerFor(actor.principal, input);
      const task = await deps.tasks.insert(
        {
          title: input.title,
          note: input.note,
          customerId: input.customerId,
          dueDate: input.dueDate,
          sourceType: 'manual',
          sourceId: undefined,
          createdBy: actor.principal.userId,
        },
        ownership,
      );
      await deps.audit.record(
        actor,
        'create',
        'task',
        task.id,
        diffFields(undefined, snap(task), ['title', 'dueDate', 'customerId', 'ownerId']),
      );
      return taskView(task, deps.clock());
    },

    async list(principal: Principal, query: ListTasksQuery) {
      const now = deps.clock();
      const today = shanghaiDate(now);
      let dueFrom: string | undefined;
      let dueTo: string | undefined;
      let status = query.status;
      if (query.due === 'today') [dueFrom, dueTo] = [today, today];
      if (query.due === 'overdue') {
        dueTo = addDays(today, -1);
        status ??= 'open';
      }
      if (query.due === 'upcoming') dueFrom = addDays(today, 1);
      const { items, total } = await deps.tasks.list(
        principal.scope,
        { status, customerId: query.customerId, ownerId: query.ownerId, dueFrom, dueTo },
        { skip: (query.page - 1) * query.pageSize, limit: query.pageSize },
      );
      return { items: items.map((t) => taskView(t, now)), total, page: query.page, pageSize: query.pageSize };
    },

    async update(actor: Actor, id: string, input: UpdateTaskInput) {
      const { principal } = actor;
      const before = await deps.tasks.findById(principal.scope, id);
      if (!before) throw taskNotFound();
      const closing = input.status && input.status !== 'open' && before.status === 'open';
      const after = await deps.tasks.update(principal.scope, id, {
        ...input,
        ...(closing ? { completedAt: deps.clock(), completedBy: principal.userId } : {}),
      });
      if (!after) throw taskNotFound();
      const changes = diffFields(snap(before), snap(after), ['title', 'note', 'dueDate', 'status']);
      if (changes.length) await deps.audit.record(actor, 'update', 'task', id, changes);
      return taskView(after, deps.clock());
    },
  };
}
export type TaskService = ReturnType<typeof createTaskService>;
