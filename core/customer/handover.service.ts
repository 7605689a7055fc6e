import type { Actor, AuditService } from '../audit/audit.service.js';
import { requireRole } from '../auth/scope.js';
import type { ClaimRepository } from '../claim/claim.repository.js';
import { AppError, notFound } from '../errors.js';
import type { EventRepository } from '../events/events.repository.js';
import type { InteractionRepository } from '../interaction/interaction.repository.js';
import type { PolicyRepository } from '../policy/policy.repository.js';
import type { TaskRepository } from '../task/task.repository.js';
import type { TicketRepository } from '../ticket/ticket.repository.js';
import type { UserRecord, UserRepository } from '../user/user.repository.js';
import type { CustomerRepository } from './customer.repository.js';
import type { HandoverInput } from './customer.schemas.js';
import { ownershipOf } from './customer.service.js';
import { inScope } from './ownership.js';

export interface HandoverResult {
  fromAgentId: string;
  toAgentId: string;
  batches: number;
  moved: {
    customers: number;
    policies: number;
    claims: number;
    interactions: number;
    tasks: number;
    tickets: number;
    events: number;
    /** Open leads (whole-book handovers only; leads are not tied to a customer until won). */
    leads: number;
  };
  /** Requested customers that were not owned by the leaving agent (nothing was done to them). */
  skippedCustomerIds: string[];
}

/** The lead domain's part of a handover (built after this one, so passed late-bound). */
export interface LeadHandoverPort {
  handoverOpenLeads(
    actor: Actor,
    from: UserRecord,
    to: UserRecord,
    opts: { note?: string | undefined; batchSize?: number },
  ): Promise<number>;
}

const invalid = (message: string, userMessage: string) =>
  new AppError('HANDOVER_INVALID', message, { userMessage });

/**
 * Lossless handover (交接): an agent's customers and everything hanging off them (policies, claims,
 * interactions, tasks, tickets, events) move to another agent, in bounded batches; a whole book also
 * takes the leaver's open leads. Within a batch the
 * customers move last, so a crash mid-batch is repaired by running the same handover again.
 */
export function createHandoverService(deps: {
  customers: CustomerRepository;
  policies: PolicyRepository;
  claims: ClaimRepository;
  interactions: InteractionRepository;
  tasks: TaskRepository;
  tickets: TicketRepository;
  events: EventRepository;
  users: UserRepository;
  audit: AuditService;
  batchSize?: number;
  /** Open leads move with a whole book; absent → leads stay (the lead domain is not wired). */
  leads?: (() => LeadHandoverPort | undefined) | undefined;
}) {
  const batchSize = deps.batchSize ?? 200;

  return {
    async handover(actor: Actor, input: HandoverInput): Promise<HandoverResult> {
      const { principal } = actor;
      requireRole(principal, 'admin', 'branch_manager', 'team_lead');
      const [from, to] = await Promise.all([
        deps.users.findUserById(input.fromAgentId),
        deps.users.findUserById(input.toAgentId),
      ]);
      // An agent outside the caller's scope does not exist for them (404, like every out-of-scope read).
      if (!from || !inScope(principal.scope, ownershipOf(from)))
        throw notFound('user', '交出方顾问不存在或无权访问');
      if (!to || !inScope(principal.scope, ownershipOf(to)))
        throw notFound('user', '接收方顾问不存在或无权访问');
      if (from.id === to.id) throw invalid('same agent', '交出方和接收方不能是同一人');
      if (!to.active) throw invalid('receiving agent inactive', '接收方顾问已停用');
      if (to.role !== 'agent' && to.role !== 'team_lead')
        throw invalid('receiver cannot own customers', '接收方必须是业务员或团队主管');

      const target = ownershipOf(to);
      const result: HandoverResult = {
        fromAgentId: from.id,
        toAgentId: to.id,
        batches: 0,
        moved: {
          customers: 0,
          policies: 0,
          claims: 0,
          interactions: 0,
          tasks: 0,
          tickets: 0,
          events: 0,
          leads: 0,
        },
        skippedCustomerIds: [],
      };
      const only = input.customerIds ? [...new Set(input.customerIds)] : undefined;

      for (;;) {
        const ids = await deps.customers.idsOwnedBy(from.id, batchSize, only);
        if (ids.length === 0) break;
        result.batches++;
        result.moved.policies += await deps.policies.reassign(ids, target);
        result.moved.claims += await deps.claims.reassign(ids, target);
        result.moved.interactions += await deps.interactions.reassign(ids, target);
        result.moved.tasks += await deps.tasks.reassignForCustomers(ids, target);
        result.moved.tickets += await deps.tickets.reassign(ids, target);
        result.moved.events += await deps.events.reassign(ids, target);
        result.moved.customers += await deps.customers.reassign(ids, from.id, target);
        await deps.audit.recordMany(
          ids.map((id) =>
            deps.audit.entry(
              actor,
              'handover',
              'customer',
              id,
              [{ field: 'ownerId', before: from.id, after: to.id }],
              input.note,
            ),
          ),
        );
      }
      if (!only) {
        // A whole book: the leaver's open tasks without a customer go too.
        for (;;) {
          const n = await deps.tasks.reassignOpenWithoutCustomer(from.id, target, batchSize);
          if (n === 0) break;
          result.moved.tasks += n;
        }
        // And their open leads, each with the handover as its assignment reason.
        const leads = deps.leads?.();
        if (leads)
          result.moved.leads = await leads.handoverOpenLeads(actor, from, to, {
            note: input.note,
            batchSize,
          });
      } else {
        const movedOrMine = new Set(await deps.customers.idsOwnedBy(to.id, only.length, only));
        result.skippedCustomerIds = only.filter((id) => !movedOrMine.has(id));
      }
      await deps.audit.record(
        actor,
        'handover',
        'handover',
        from.id,
        [{ field: 'ownerId', before: from.id, after: to.id }],
        `customers=${result.moved.customers} tasks=${result.moved.tasks} leads=${result.moved.leads} batches=${result.batches}${input.note ? ` ${input.note}` : ''}`,
      );
      return result;
    },
  };
}
export type HandoverService = ReturnType<typeof createHandoverService>;
