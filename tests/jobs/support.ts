import type { Database } from '#core/db/database';
import { silentLogger } from '#core/logger';
import { runJob } from '#jobs/agenda';
import type { Config } from '#config/config';
import { createChannels } from '#jobs/channels';
import { complianceGate } from '#jobs/compliance-gate';
import { createJobDeps, type JobDeps } from '#jobs/deps';
import { allJobs } from '#jobs/registry';
import {
  type AgentAppMessage,
  type CustomerWecomMessage,
  type NotificationChannels,
  type SubscribeMessage,
} from '#core/notification/channels';
import { createNotificationRepository } from '#core/notification/notification.repository';
import { createNotificationService, type OutgoingTextGate } from '#core/notification/notification.service';
import type { CustomerNotificationPreferences } from '#core/notification/preferences';
import { TEST_SECRET } from '../setup/test-app.js';
import type { Harness } from '../wecom/harness.js';

/**
 * Job dependencies over a WeCom harness, as the worker builds them: the real channels (to the simulator,
 * over HTTP) and the compliance gate, on the test database and the harness's clock.
 */
export function harnessJobDeps(db: Database, h: Harness, clock: () => Date, config: Config): JobDeps {
  return createJobDeps({
    config,
    logger: silentLogger(),
    db,
    services: h.services,
    clock,
    secret: TEST_SECRET,
    channels: createChannels({
      wecom: h.services.wecom.client,
      wechat: h.services.wecom.wechat,
      templates: config.notifications.subscribeTemplates,
      logger: silentLogger(),
    }),
    gate: complianceGate(h.services.compliance),
  });
}

/** A clock the test moves by hand (timed behaviour without sleeps). */
export function manualClock(startIso: string) {
  let now = new Date(startIso);
  return {
    now: () => new Date(now),
    set(iso: string | Date) {
      now = new Date(iso);
    },
    advance(ms: number) {
      now = new Date(now.getTime() + ms);
    },
  };
}
export type ManualClock = ReturnType<typeof manualClock>;

export type Delivery =
  | { channel: 'agentApp'; m: AgentAppMessage }
  | { channel: 'subscribe'; m: SubscribeMessage }
  | { channel: 'customerWecom'; m: CustomerWecomMessage };

/**
 * Recording fakes of the three transports. Like WeCom's message/send with enable_duplicate_check,
 * the app channel delivers an idempotency key once; `fail` decides per call whether to throw.
 */
export function recordingChannels(opts: { fail?: (d: Delivery, call: number) => unknown } = {}) {
  const delivered: Delivery[] = [];
  const seenAppKeys = new Set<string>();
  let calls = 0;
  const attempt = (d: Delivery) => {
    calls++;
    const err = opts.fail?.(d, calls);
    if (err) throw err;
  };
  const channels: NotificationChannels = {
    agentApp: {
      resendSafe: true,
      async send(m) {
        attempt({ channel: 'agentApp', m });
        if (!seenAppKeys.has(m.idempotencyKey)) delivered.push({ channel: 'agentApp', m });
        seenAppKeys.add(m.idempotencyKey);
        return { providerMsgId: `app-${calls}` };
      },
    },
    subscribe: {
      resendSafe: false,
      async send(m) {
        attempt({ channel: 'subscribe', m });
        delivered.push({ channel: 'subscribe', m });
        return {};
      },
    },
    customerWecom: {
      resendSafe: false,
      async prepare(m) {
        attempt({ channel: 'customerWecom', m });
        delivered.push({ channel: 'customerWecom', m });
        return { providerMsgId: `msg-${calls}` };
      },
      async remind() {},
      async sendResult() {
        return { state: 'awaiting' };
      },
    },
  };
  return { channels, delivered, calls: () => calls };
}

/** A gate that blocks one phrase (the real lexicon is core/compliance's business and tests). */
export const phraseGate = (phrase = '保本保息'): OutgoingTextGate => ({
  async checkOutgoing(text) {
    return text.includes(phrase)
      ? { blocked: true, rules: [`test:${phrase}`] }
      : { blocked: false, rules: [] };
  },
});

export const QUIET_21_08 = { startMinute: 21 * 60, endMinute: 8 * 60 };

/** Customers who never switched anything off (the default). */
export const allowAll: CustomerNotificationPreferences = { allows: async () => true };

export function outboxFor(
  db: Database,
  opts: {
    clock: ManualClock;
    channels: NotificationChannels;
    worker?: string;
    cap?: number;
    gate?: OutgoingTextGate;
    preferences?: CustomerNotificationPreferences;
  },
) {
  return createNotificationService({
    repo: createNotificationRepository(db.models),
    clock: opts.clock.now,
    logger: silentLogger(),
    quietHours: QUIET_21_08,
    customerMonthlyCap: opts.cap ?? 4,
    channels: opts.channels,
    gate: opts.gate ?? phraseGate(),
    preferences: opts.preferences ?? allowAll,
    workerName: opts.worker ?? 'test-worker',
  });
}

/** Runs one job by name as the worker would (validated data, the deps' clock as "now"). */
export async function runNamedJob(deps: JobDeps, name: string, data: unknown = {}) {
  const def = allJobs(deps).find((j) => j.name === name);
  if (!def) throw new Error(`no job ${name}`);
  return runJob(deps, def, data);
}
