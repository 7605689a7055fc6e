import { createAuditRepository } from '../audit/audit.repository.js';
import { createAuditService } from '../audit/audit.service.js';
import { createClaimRepository } from '../claim/claim.repository.js';
import { createClaimService } from '../claim/claim.service.js';
import type { Database } from '../db/database.js';
import { createEventRepository } from '../events/events.repository.js';
import { createInteractionRepository } from '../interaction/interaction.repository.js';
import { createInteractionService } from '../interaction/interaction.service.js';
import { createPolicyRepository } from '../policy/policy.repository.js';
import { createPolicyService } from '../policy/policy.service.js';
import { createPiiCipher } from '../security/pii.js';
import { createSegmentationQueries } from '../segmentation/segmentation.queries.js';
import { createSegmentationService } from '../segmentation/segmentation.service.js';
import { createTaskRepository } from '../task/task.repository.js';
import { createTaskService } from '../task/task.service.js';
import { createTicketRepository } from '../ticket/ticket.repository.js';
import { createTicketService } from '../ticket/ticket.service.js';
import type { UserRepository } from '../user/user.repository.js';
import { createCustomerRepository } from './customer.repository.js';
import { createCustomerService, type ChatTimelineSource } from './customer.service.js';
import { createHandoverService, type LeadHandoverPort } from './handover.service.js';

/**
 * The customer-360 domain wired once: repositories (customers, policies, claims, interactions, tasks,
 * tickets, domain events, audit) and their services. createServices spreads this in.
 */
export function createCustomerDomain(deps: {
  db: Database;
  secret: string;
  clock: () => Date;
  users: UserRepository;
  handoverBatchSize?: number;
  /** The lead domain (built later): a whole-book handover moves the leaver's open leads too. */
  leadHandover?: () => LeadHandoverPort | undefined;
  /** Archived WeCom chats for the timeline (core/compliance/archive); absent → not shown. */
  chatArchive?: ChatTimelineSource | undefined;
  /** After-the-fact compliance scan of logged interactions (see createInteractionService). */
  interactionScan?: {
    afterLogged: NonNullable<Parameters<typeof createInteractionService>[0]['afterLogged']>;
    onScanError: (err: unknown, interactionId: string) => void;
  };
}) {
  const m = deps.db.models;
  const clock = deps.clock;
  const repos = {
    customers: createCustomerRepository(m),
    policies: createPolicyRepository(m),
    claims: createClaimRepository(m),
    interactions: createInteractionRepository(m),
    tasks: createTaskRepository(m),
    tickets: createTicketRepository(m),
    events: createEventRepository(m),
    audit: createAuditRepository(m),
  };
  const audit = createAuditService({ audit: repos.audit, clock });
  const segmentation = createSegmentationService({
    ...repos,
    queries: createSegmentationQueries(m),
    clock,
  });
  const pii = createPiiCipher(deps.secret);
  const shared = { ...repos, users: deps.users, audit, segmentation, clock };
  return {
    customerRepositories: repos,
    pii,
    audit,
    segmentation,
    customers: createCustomerService({ ...shared, pii, chatArchive: deps.chatArchive }),
    policies: createPolicyService(shared),
    claims: createClaimService(shared),
    interactions: createInteractionService({ ...shared, ...deps.interactionScan }),
    tasks: createTaskService(shared),
    tickets: createTicketService(shared),
    handover: createHandoverService({
      ...shared,
      batchSize: deps.handoverBatchSize,
      leads: deps.leadHandover,
    }),
  };
}
