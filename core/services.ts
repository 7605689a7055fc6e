import { createAuthService } from './auth/auth.service.js';
import { createTokenService } from './auth/token.js';
import { createArchiveLookup } from './compliance/archive/archive.lookup.js';
import { createArchiveRepository } from './compliance/archive/archive.repository.js';
import { registerMsgauditNotifyHandler, type ChatArchiveDeps } from './compliance/archive/archive.runtime.js';
import { createChatArchiveService } from './compliance/archive/archive.service.js';
import { createComplianceRepository } from './compliance/compliance.repository.js';
import { createComplianceService } from './compliance/compliance.service.js';
import { createCustomerAccess } from './customer-auth/index.js';
import { createCustomerDomain } from './customer/customer.domain.js';
import type { Database } from './db/database.js';
import { createImportDomain } from './import/import.domain.js';
import { createLeadDomain } from './lead/lead.domain.js';
import { wecomLeadPort } from './lead/wecom-intake.js';
import { createReportService } from './report/report.service.js';
import type { LeadSettings } from './lead/lead.settings.js';
import { createNotificationQueries } from './notification/notification.queries.js';
import { createNotificationRepository } from './notification/notification.repository.js';
import { createSurveyService } from './notification/survey.service.js';
import { silentLogger, type Logger } from './logger.js';
import { createUserRepository } from './user/user.repository.js';
import { createUserService } from './user/user.service.js';
import { createWecomIntegration, type WecomIntegrationDeps } from './wecom/integration.js';

/** What the core needs from the outside world. */
export interface CoreDeps {
  db: Database;
  /** Key material (QIBAO_SECRET or the generated development secret). */
  secret: string;
  sessionTtlSeconds: number;
  clock: () => Date;
  logger?: Logger;
  /** WeCom/WeChat settings and test seams; absent → callbacks answer 503 and the clients refuse. */
  wecom?: Pick<WecomIntegrationDeps, 'settings' | 'sleep' | 'fetch' | 'timing' | 'contactPorts'>;
  /** Lead grading, SLA and pool settings (config `leads`); defaults when absent. */
  leads?: LeadSettings | undefined;
  /** Import limits (config `imports`); defaults when absent. */
  imports?: { maxBytes: number; maxRows: number } | undefined;
  /** Chat-archive ingestion (config `chatArchive`, see chatArchiveFromSettings); absent → off. */
  chatArchive?: ChatArchiveDeps | undefined;
}

/** Builds repositories and services once; API, bot and jobs share them. */
export function createServices(deps: CoreDeps) {
  const users = createUserRepository(deps.db.models);
  const tokens = createTokenService({
    secret: deps.secret,
    ttlSeconds: deps.sessionTtlSeconds,
    clock: deps.clock,
  });
  const wecom = createWecomIntegration({
    models: deps.db.models,
    users,
    logger: deps.logger ?? silentLogger(),
    clock: deps.clock,
    settings: undefined,
    ...deps.wecom,
    // WeCom "customer added" → lead intake (late-bound: the lead domain is built below). A test's own
    // ports still win.
    contactPorts: {
      ...wecomLeadPort({
        leads: () => leadDomain.leads,
        users,
        contacts: () => wecom.contacts,
        corpId: () => wecom.settings?.corpId,
        logger: deps.logger ?? silentLogger(),
      }),
      ...deps.wecom?.contactPorts,
    },
  });
  const complianceRepo = createComplianceRepository(deps.db.models);
  const archiveRepo = createArchiveRepository(deps.db.models);
  const compliance = createComplianceService({
    repo: complianceRepo,
    archive: archiveRepo,
    users,
    clock: deps.clock,
  });
  const logger = deps.logger ?? silentLogger();
  // Only when configured: the jobs then schedule pulls, and msgaudit_notify triggers one.
  const chatArchive = deps.chatArchive
    ? createChatArchiveService({
        ...deps.chatArchive,
        archive: archiveRepo,
        complianceRepo,
        compliance,
        users,
        customers: createArchiveLookup({ models: deps.db.models, users, clock: deps.clock }),
        clock: deps.clock,
        logger,
      })
    : undefined;
  registerMsgauditNotifyHandler({ registry: wecom.registry, archive: chatArchive, logger });
  const customerDomain = createCustomerDomain({
    db: deps.db,
    secret: deps.secret,
    clock: deps.clock,
    users,
    // A whole-book handover moves the leaver's open leads too (late-bound: the lead domain is built below).
    leadHandover: () => leadDomain.leads,
    // Archived WeCom chats with the customer appear on the customer timeline.
    chatArchive: archiveRepo,
    // Every logged interaction is scanned against the lexicon after the fact (hits flag, never block).
    interactionScan: {
      afterLogged: (i) =>
        compliance.scanInteraction({
          sourceRef: i.id,
          text: i.text,
          occurredAt: i.occurredAt,
          agentId: i.agentId,
          customerId: i.customerId,
        }),
      onScanError: (err, interactionId) =>
        logger.error({ err, interactionId }, 'compliance scan of a logged interaction failed'),
    },
  });
  const leadDomain = createLeadDomain({
    db: deps.db,
    secret: deps.secret,
    clock: deps.clock,
    users,
    customers: customerDomain.customerRepositories.customers,
    customerService: customerDomain.customers,
    interactions: customerDomain.customerRepositories.interactions,
    tasks: customerDomain.customerRepositories.tasks,
    audit: customerDomain.audit,
    settings: deps.leads,
  });
  return {
    repositories: { users },
    auth: createAuthService({ users, tokens }),
    users: createUserService({ users, clock: deps.clock }),
    notifications: createNotificationQueries({ repo: createNotificationRepository(deps.db.models) }),
    surveys: createSurveyService({ models: deps.db.models, secret: deps.secret, clock: deps.clock }),
    wecom,
    ...customerDomain,
    ...leadDomain,
    reports: createReportService({ db: deps.db, users, clock: deps.clock }),
    ...createImportDomain({
      db: deps.db,
      users,
      pii: customerDomain.pii,
      audit: customerDomain.audit,
      clock: deps.clock,
      logger,
      limits: deps.imports,
    }),
    // The mini-program's customers: sign-in/binding (jscode2session through the WeChat client) and portal.
    ...createCustomerAccess({
      models: deps.db.models,
      secret: deps.secret,
      sessionTtlSeconds: deps.sessionTtlSeconds,
      clock: deps.clock,
      customers: customerDomain.customerRepositories.customers,
      customerService: customerDomain.customers,
      policies: customerDomain.customerRepositories.policies,
      claims: customerDomain.customerRepositories.claims,
      claimService: customerDomain.claims,
      users,
      audit: customerDomain.audit,
      wechat: () => wecom.requireWechat(),
    }),
    compliance,
    /** Chat-archive ingestion; undefined when WECOM_ARCHIVE_SDK_PATH is not set. */
    chatArchive,
  };
}
export type Services = ReturnType<typeof createServices>;
