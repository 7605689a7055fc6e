import type { Actor, AuditService } from '../audit/audit.service.js';
import { diffFields } from '../audit/audit.service.js';
import type { Principal } from '../auth/scope.js';
import type { CustomerRepository } from '../customer/customer.repository.js';
import { customerNotFound } from '../customer/customer.service.js';
import { inScope } from '../customer/ownership.js';
import { AppError, notFound } from '../errors.js';
import type { UserRepository } from '../user/user.repository.js';
import type { TicketRecord, TicketRepository } from './ticket.repository.js';
import type { CreateTicketInput, ListTicketsQuery, UpdateTicketInput } from './ticket.schemas.js';
import { SLA_HOURS, slaDueAt } from './ticket.sla.js';
import { ticketView } from './ticket.view.js';

const ticketNotFound = () => notFound('ticket', '工单不存在或无权访问');
const snap = (t: TicketRecord) => ({ ...t }) as Record<string, unknown>;

/** After-sales tickets (工单): routed to the customer's team queue, with an SLA clock and breach flag. */
export function createTicketService(deps: {
  tickets: TicketRepository;
  customers: CustomerRepository;
  users: UserRepository;
  audit: AuditService;
  clock: () => Date;
}) {
  return {
    async create(actor: Actor, input: CreateTicketInput) {
      const { principal } = actor;
      const customer = await deps.customers.findById(principal.scope, input.customerId);
      if (!customer) throw customerNotFound();
      const openedAt = deps.clock();
      const ticket = await deps.tickets.insert(
        {
          customerId: customer.id,
          type: input.type,
          urgency: input.urgency,
          title: input.title,
          description: input.description ?? '',
          queueTeamId: customer.ownership.teamId,
          assigneeId: customer.ownership.ownerId,
          openedAt,
          slaHours: SLA_HOURS[input.type][input.urgency],
          slaDueAt: slaDueAt(input.type, input.urgency, openedAt),
          createdBy: principal.userId,
        },
        customer.ownership,
      );
      await deps.audit.record(
        actor,
        'create',
        'ticket',
        ticket.id,
        diffFields(undefined, snap(ticket), ['customerId', 'type', 'urgency', 'title', 'slaDueAt']),
      );
      return ticketView(ticket, openedAt);
    },

    async get(principal: Principal, id: string) {
      const t = await deps.tickets.findById(principal.scope, id);
      if (!t) throw ticketNotFound();
      return ticketView(t, deps.clock());
    },

    async list(principal: Principal, query: ListTicketsQuery) {
      const now = deps.clock();
      const { items, total } = await deps.tickets.list(
        principal.scope,
        {
          status: query.status,
          customerId: query.customerId,
          queueTeamId: query.queueTeamId,
          overdueAt: query.breached ? now : undefined,
        },
        { skip: (query.page - 1) * query.pageSize, limit: query.pageSize },
      );
      return {
        items: items.map((t) => ticketView(t, now)),
        total,
        page: query.page,
        pageSize: query.pageSize,
      };
    },

    async update(actor: Actor, id: string, input: UpdateTicketInput) {
      const { principal } = actor;
      const before = await deps.tickets.findById(principal.scope, id);
      if (!before) throw ticketNotFound();
      if (before.status === 'closed') {
        throw new AppError('TICKET_CLOSED', 'ticket is closed', { userMessage: '工单已关闭，不能再修改' });
      }
      if (input.assigneeId) {
        const u = await deps.users.findUserById(input.assigneeId);
        if (
          !u ||
          !u.active ||
          !inScope(principal.scope, { ownerId: u.id, teamId: u.teamId, branchId: u.branchId })
        ) {
          throw new AppError('CUSTOMER_OWNER_INVALID', 'assignee invalid', {
            userMessage: '处理人不存在或不在您的管辖范围内',
            details: [{ path: 'assigneeId', message: '处理人不存在或不在您的管辖范围内' }],
          });
        }
      }
      const now = deps.clock();
      const resolving = (input.status === 'resolved' || input.status === 'closed') && !before.resolvedAt;
      const after = await deps.tickets.update(principal.scope, id, {
        ...input,
        ...(resolving ? { resolvedAt: now } : {}),
      });
      if (!after) throw ticketNotFound();
      const changes = diffFields(snap(before), snap(after), [
        'status',
        'resolution',
        'assigneeId',
        'resolvedAt',
      ]);
      if (changes.length) await deps.audit.record(actor, 'update', 'ticket', id, changes);
      return ticketView(after, now);
    },
  };
}
export type TicketService = ReturnType<typeof createTicketService>;
