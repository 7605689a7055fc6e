import { z } from 'zod';
import { defineJob } from './job.js';
import type { JobDeps } from './deps.js';

/**
 * The outbox's own jobs: send what is due, follow prepared WeCom customer messages until the agent
 * sends them, and recover leases of workers that died mid-send.
 */
export function notificationJobs(deps: JobDeps) {
  return [
    defineJob({
      name: 'notifications.dispatch',
      description: 'Send due notifications (quiet hours, pacing, monthly cap, compliance applied)',
      data: z.strictObject({ limit: z.number().int().min(1).max(5000).optional() }),
      // A batch can take a while when WeCom is slow; another worker may dispatch in parallel anyway.
      lockLifetimeMs: 5 * 60_000,
      async run(_ctx, data) {
        return { ...(await deps.outbox.dispatchDue(data.limit === undefined ? {} : { limit: data.limit })) };
      },
    }),
    defineJob({
      name: 'notifications.groupmsg-followup',
      description:
        'WeCom customer messages awaiting the agent: read get_groupmsg_send_result, nudge (remind_groupmsg_send), record the outcome',
      data: z.strictObject({}),
      async run() {
        return { ...(await deps.groupSend.run()) };
      },
    }),
    defineJob({
      name: 'notifications.sweep',
      description: 'Requeue (or flag as outcome unknown) notifications whose worker died mid-send',
      data: z.strictObject({}),
      async run() {
        return { ...(await deps.outbox.sweep()) };
      },
    }),
  ];
}
