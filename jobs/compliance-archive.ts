import { z } from 'zod';
import { createComplianceAlertDelivery } from '#core/compliance/alert-delivery';
import { createInterceptRuleSync, interceptRuleApiFromWecomClient } from '#core/compliance/intercept-sync';
import type { JobDeps } from './deps.js';
import { defineJob, type JobDefinition } from './job.js';

/** Which compliance jobs exist in this process (and so may be scheduled): see schedules.ts. */
export function complianceJobFlags(deps: Pick<JobDeps, 'services'>) {
  return {
    // WECOM_ARCHIVE_SDK_PATH set: the archive service exists.
    chatArchive: Boolean(deps.services.chatArchive),
    // Intercept rules are pushed through the WeCom client (the simulator in development).
    interceptSync: Boolean(deps.services.wecom.client),
  };
}

/**
 * Compliance: chat-archive pull, stalled-pull alert and retry of undecryptable records (only when the
 * archive is configured), the push of block-severity words to WeCom's intercept rules (only with a
 * WeCom client), and delivery of compliance alerts to the compliance owner through the outbox.
 */
export function complianceJobs(deps: JobDeps): JobDefinition[] {
  const { services } = deps;
  const archive = services.chatArchive;
  const client = services.wecom.client;
  const jobs: JobDefinition[] = [];

  if (archive) {
    jobs.push(
      defineJob({
        name: 'compliance.archive.pull',
        description: 'Pull new chat-archive records after the checkpoint, link and scan them (会话存档)',
        data: z.strictObject({}),
        // A pull holds its own lease in the checkpoint; Agenda's lock only avoids piling runs up.
        lockLifetimeMs: 15 * 60_000,
        async run() {
          const { error, ...result } = await archive.pull();
          return { ...result, ...(error ? { error } : {}) };
        },
      }),
      defineJob({
        name: 'compliance.archive.staleness',
        description:
          'Alert the compliance owner when no chat-archive pull succeeded for too long (WeCom keeps 5 days)',
        data: z.strictObject({}),
        async run() {
          const s = await archive.checkStaleness();
          return {
            stale: s.stale,
            alerted: s.alerted,
            hoursSinceSuccess: Math.round(s.hoursSinceSuccess * 10) / 10,
          };
        },
      }),
      defineJob({
        name: 'compliance.archive.retry',
        description:
          'Retry archive records that could not be decrypted (e.g. after a missing private key was added)',
        data: z.strictObject({ max: z.number().int().min(1).max(5000).optional() }),
        lockLifetimeMs: 15 * 60_000,
        async run(_ctx, data) {
          return { ...(await archive.retryFailures(data.max)) };
        },
      }),
    );
  }

  if (client) {
    jobs.push(
      defineJob({
        name: 'compliance.intercept.sync',
        description: 'Push block-severity lexicon words to WeCom intercept rules (diff: only what changed)',
        data: z.strictObject({}),
        async run(ctx) {
          const sync = createInterceptRuleSync({
            models: deps.db.models,
            api: interceptRuleApiFromWecomClient(client),
            lexicon: services.compliance,
            logger: ctx.log,
          });
          const { skipped, ...result } = await sync.sync();
          return { ...result, skipped: skipped.length };
        },
      }),
    );
  }

  jobs.push(
    defineJob({
      name: 'compliance.alerts.deliver',
      description: 'Send pending compliance alerts to the compliance owner (admins) through the outbox, once',
      data: z.strictObject({}),
      async run(ctx) {
        const delivery = createComplianceAlertDelivery({
          compliance: services.compliance,
          users: services.repositories.users,
          outbox: deps.outbox,
          logger: ctx.log,
        });
        const res = await delivery.deliver();
        // Sent now rather than at the next dispatch tick (quiet hours still apply).
        const dispatched = res.enqueued > 0 ? await deps.outbox.dispatchDue({ limit: 200 }) : undefined;
        return { ...res, ...(dispatched ? { sent: dispatched.sent } : {}) };
      },
    }),
  );
  return jobs;
}
