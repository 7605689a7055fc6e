import type { Actor, AuditService } from '../audit/audit.service.js';
import type { Principal } from '../auth/scope.js';
import { shanghaiDate } from '../customer/business-date.js';
import type { CustomerRepository } from '../customer/customer.repository.js';
import { customerNotFound } from '../customer/customer.service.js';
import { AppError } from '../errors.js';
import type { SegmentationService } from '../segmentation/segmentation.service.js';
import type { TaskRecord, TaskRepository } from '../task/task.repository.js';
import { taskView } from '../task/task.view.js';
import type { InteractionRepository } from './interaction.repository.js';
import type { CreateInteractionInput, ListInteractionsQuery } from './interaction.schemas.js';
import { interactionView } from './interaction.view.js';

// A few minutes of clock skew between a phone and the server is not a "future" interaction.
const FUTURE_TOLERANCE_MS = 5 * 60_000;

const invalid = (path: string, message: string) =>
  new AppError('VALIDATION_FAILED', `invalid interaction: ${path}`, {
    userMessage: '提交的数据有误，请检查标出的字段',
    details: [{ path, message }],
  });

/** Interactions (沟通记录): logged against a customer; a next follow-up date becomes a task. */
export function createInteractionService(deps: {
  interactions: InteractionRepository;
  customers: CustomerRepository;
  tasks: TaskRepository;
  audit: AuditService;
  segmentation: SegmentationService;
  clock: () => Date;
  /**
   * Called once an interaction is stored: the compliance scan of what the agent wrote (flag after the
   * fact). It must not undo the agent's record, so its failure is reported through `onScanError`.
   */
  afterLogged?: (logged: {
    id: string;
    customerId: string;
    agentId: string;
    text: string;
    occurredAt: Date;
  }) => Promise<unknown>;
  onScanError?: (err: unknown, interactionId: string) => void;
}) {
  return {
    async create(actor: Actor, input: CreateInteractionInput) {
      const { principal } = actor;
      const now = deps.clock();
      const occurredAt = input.occurredAt ? new Date(input.occurredAt) : now;
      if (occurredAt.getTime() > now.getTime() + FUTURE_TOLERANCE_MS)
        throw invalid('occurredAt', '沟通时间不能晚于现在');
      if (input.nextFollowUpDate && input.nextFollowUpDate < shanghaiDate(now)) {
        throw invalid('nextFollowUpDate', '下次跟进日期不能早于今天');
      }
      const customer = await deps.customers.findById(principal.scope, input.customerId);
      if (!customer) throw customerNotFound();

      const id = deps.interactions.newId();
      const taskId = input.nextFollowUpDate ? deps.tasks.newId() : undefined;
      const interaction = await deps.interactions.insert(
        {
          id,
          customerId: customer.id,
          agentId: principal.userId,
          type: input.type,
          occurredAt,
          summary: input.summary,
          tags: input.tags ?? [],
          nextFollowUpDate: input.nextFollowUpDate,
          followUpTaskId: taskId,
        },
        customer.ownership,
      );
      let task: TaskRecord | undefined;
      if (input.nextFollowUpDate && taskId) {
        try {
          // The follow-up belongs to whoever owns the customer (a lead logging a visit assigns the agent).
          task = await deps.tasks.insert(
            {
              id: taskId,
              title: input.followUpTitle ?? `跟进客户 ${customer.name}`,
              note: input.summary.slice(0, 200),
              customerId: customer.id,
              dueDate: input.nextFollowUpDate,
              sourceType: 'interaction',
              sourceId: id,
              createdBy: principal.userId,
            },
            customer.ownership,
          );
        } catch (err) {
          // Without its task the interaction would promise a follow-up nobody gets: undo it.
          await deps.interactions.remove(id);
          throw err;
        }
      }
      await deps.customers.touchInteraction(principal.scope, customer.id, occurredAt, input.tags ?? []);
      await deps.audit.recordMany([
        deps.audit.entry(actor, 'create', 'interaction', id, [
          { field: 'customerId', before: null, after: customer.id },
          { field: 'type', before: null, after: input.type },
          { field: 'nextFollowUpDate', before: null, after: input.nextFollowUpDate ?? null },
        ]),
        ...(task
          ? [
              deps.audit.entry(actor, 'create', 'task', task.id, [
                { field: 'dueDate', before: null, after: task.dueDate },
                { field: 'ownerId', before: null, after: task.ownership.ownerId },
              ]),
            ]
          : []),
      ]);
      await deps.segmentation.recompute(customer.id);
      if (deps.afterLogged) {
        try {
          await deps.afterLogged({
            id,
            customerId: customer.id,
            agentId: principal.userId,
            text: input.summary,
            occurredAt,
          });
        } catch (err) {
          deps.onScanError?.(err, id);
        }
      }
      return { ...interactionView(interaction), followUpTask: task ? taskView(task, now) : null };
    },

    async list(principal: Principal, query: ListInteractionsQuery) {
      const { items, total } = await deps.interactions.list(
        principal.scope,
        { customerId: query.customerId, agentId: query.agentId },
        { skip: (query.page - 1) * query.pageSize, limit: query.pageSize },
      );
      return { items: items.map(interactionView), total, page: query.page, pageSize: query.pageSize };
    },
  };
}
export type InteractionService = ReturnType<typeof createInteractionService>;
