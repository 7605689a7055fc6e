import type { Config } from '#config/config';
import { createCareAutomation } from '#core/care/care.service';
import { createNotificationPreferenceReader } from '#core/customer-auth/notification-preferences';
import type { Database } from '#core/db/database';
import { createDigestService } from '#core/digest/digest.service';
import type { Logger } from '#core/logger';
import { createAutomationQueries } from '#core/notification/automation-queries';
import type { AutomationDeps } from '#core/notification/automation-support';
import type { NotificationChannels } from '#core/notification/channels';
import { createClaimUpdateAutomation } from '#core/notification/claim-updates';
import { createDormantAutomation } from '#core/notification/dormant';
import { createGroupSendFollowUp, type GroupSendFollowUp } from '#core/notification/group-send';
import type { LeadSlaHook } from '#core/notification/lead-sla.hook';
import { createNotificationRepository } from '#core/notification/notification.repository';
import {
  createNotificationService,
  type NotificationService,
  type OutgoingTextGate,
} from '#core/notification/notification.service';
import { createRenewalAutomation } from '#core/notification/renewals';
import { createSurveyService } from '#core/notification/survey.service';
import { createTicketSlaAutomation } from '#core/notification/ticket-sla';
import type { Services } from '#core/services';

export interface JobDepsInput {
  config: Pick<Config, 'notifications' | 'jobs'>;
  logger: Logger;
  db: Database;
  services: Services;
  clock: () => Date;
  /** Key material: survey tokens are HMACs under it. */
  secret: string;
  channels: NotificationChannels;
  gate: OutgoingTextGate;
  /** Lead SLAs and pipeline limits arrive with the leads issue; absent until then. */
  leads?: LeadSlaHook | undefined;
}

/** Everything the job families need; built once per worker (or per `npm run job`). */
export interface JobDeps extends JobDepsInput {
  outbox: NotificationService;
  automations: ReturnType<typeof buildAutomations>;
  /** WeCom customer messages waiting for the agent: results, nudges, final status. */
  groupSend: GroupSendFollowUp;
}

function buildAutomations(input: JobDepsInput, outbox: NotificationService) {
  const { db, services, clock, logger } = input;
  const repos = services.customerRepositories;
  const base: AutomationDeps = {
    queries: createAutomationQueries(db.models),
    users: services.repositories.users,
    tasks: repos.tasks,
    events: repos.events,
    outbox,
    notifications: createNotificationRepository(db.models),
    settings: input.config.notifications,
    clock,
    logger,
  };
  return {
    renewals: createRenewalAutomation(base),
    claims: createClaimUpdateAutomation({
      ...base,
      surveys: createSurveyService({ models: db.models, secret: input.secret, clock }),
    }),
    care: createCareAutomation(base),
    dormant: createDormantAutomation(base),
    tickets: createTicketSlaAutomation(base),
    digest: createDigestService({
      models: db.models,
      users: services.repositories.users,
      outbox,
      clock,
      leads: input.leads,
    }),
  };
}

/** Wires the outbox (with this process's channels and compliance gate) and the automations. */
export function createJobDeps(input: JobDepsInput): JobDeps {
  const repo = createNotificationRepository(input.db.models);
  const outbox = createNotificationService({
    repo,
    clock: input.clock,
    logger: input.logger,
    quietHours: input.config.notifications.quietHours,
    customerMonthlyCap: input.config.notifications.customerMonthlyCap,
    channels: input.channels,
    gate: input.gate,
    preferences: createNotificationPreferenceReader(input.db.models),
    workerName: input.config.jobs.workerName,
  });
  const groupSend = createGroupSendFollowUp({
    repo,
    outbox,
    channels: input.channels,
    settings: input.config.notifications,
    clock: input.clock,
    logger: input.logger,
    worker: outbox.worker,
  });
  return { ...input, outbox, automations: buildAutomations(input, outbox), groupSend };
}
