import type { AuditService } from '../audit/audit.service.js';
import type { CustomerRepository } from '../customer/customer.repository.js';
import type { CustomerService } from '../customer/customer.service.js';
import type { Database } from '../db/database.js';
import type { InteractionRepository } from '../interaction/interaction.repository.js';
import type { TaskRepository } from '../task/task.repository.js';
import type { UserRepository } from '../user/user.repository.js';
import { createApiKeys } from './api-keys.js';
import { createAssignment } from './assignment.js';
import { createLeadSlaHook } from './lead-sla.js';
import { createLeadRepository } from './lead.repository.js';
import { createLeadService } from './lead.service.js';
import { DEFAULT_LEAD_SETTINGS, type LeadSettings } from './lead.settings.js';

/** The lead domain wired once: repository, assignment rules, API keys, the service and the SLA hook. */
export function createLeadDomain(deps: {
  db: Database;
  secret: string;
  clock: () => Date;
  users: UserRepository;
  customers: CustomerRepository;
  customerService: CustomerService;
  interactions: InteractionRepository;
  tasks: TaskRepository;
  audit: AuditService;
  settings?: LeadSettings | undefined;
}) {
  const models = deps.db.models;
  const settings = deps.settings ?? DEFAULT_LEAD_SETTINGS;
  const leads = createLeadRepository(models);
  const assignment = createAssignment({ models, users: deps.users, leads, settings });
  const service = createLeadService({
    models,
    leads,
    assignment,
    users: deps.users,
    customers: deps.customers,
    customerService: deps.customerService,
    interactions: deps.interactions,
    tasks: deps.tasks,
    audit: deps.audit,
    settings,
    clock: deps.clock,
  });
  return {
    leadRepository: leads,
    leadSettings: settings,
    leads: service,
    leadAssignment: assignment,
    leadApiKeys: createApiKeys({ models, secret: deps.secret, clock: deps.clock }),
    /** Pass to the jobs worker (`leads`): SLA enforcement and digest lines. */
    leadSla: createLeadSlaHook({ models, leads, service, tasks: deps.tasks }),
  };
}
