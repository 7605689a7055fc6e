import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { loadConfig } from '#config/config';
import { createComplianceAlertDelivery } from '#core/compliance/alert-delivery';
import { createArchiveKeyring } from '#core/compliance/archive/archive.keyring';
import { ChatArchiveSdkError, type ChatArchiveSdk } from '#core/compliance/archive/archive.sdk';
import { silentLogger } from '#core/logger';
import { complianceJobFlags } from '#jobs/compliance-archive';
import type { JobDeps } from '#jobs/deps';
import { allJobs } from '#jobs/registry';
import { schedules } from '#jobs/schedules';
import { actorFor } from '../factories/customers.js';
import { orgFactory } from '../factories/org.js';
import { buildTestApp } from '../setup/test-app.js';
import { useTestDatabase } from '../setup/test-db.js';
import { harnessJobDeps, runNamedJob } from '../jobs/support.js';
import { fakeTime, startHarness, type FakeTime, type Harness } from '../wecom/harness.js';
import { FakeChatArchive, generateArchiveKeyPair, textMessage } from './fake-chat-archive.js';

// The compliance job family on the real job wiring (createJobDeps, the outbox, the compliance gate,
// the WeCom client) against the simulator: archive pull and staleness, alerts to the compliance
// owner, and the intercept-rule sync.

const db = useTestDatabase();
const org = orgFactory(db);

/** The fake archive, with a switch that makes GetChatData fail like a de-whitelisted server IP. */
class SwitchableArchive implements ChatArchiveSdk {
  broken = false;
  constructor(readonly inner: FakeChatArchive) {}
  async getChatData(seq: number, limit: number) {
    if (this.broken) throw new ChatArchiveSdkError('GetChatData', 10009, 'ip not in whitelist');
    return this.inner.getChatData(seq, limit);
  }
  decryptData(randomKey: string, msg: string) {
    return this.inner.decryptData(randomKey, msg);
  }
  async close() {}
}

let h: Harness;
let time: FakeTime;
let deps: JobDeps;
let sdk: SwitchableArchive;

beforeAll(async () => {
  const keys = generateArchiveKeyPair();
  sdk = new SwitchableArchive(new FakeChatArchive(new Map([[1, keys.publicPem]])));
  // 01:00 in Shanghai: thirteen hours later is 14:00, outside the default quiet hours (21:00–08:00).
  time = fakeTime(Date.parse('2026-11-19T17:00:00Z'));
  h = await startHarness(db(), {
    time,
    startDispatcher: false,
    chatArchive: {
      sdk,
      keyring: createArchiveKeyring(new Map([[1, keys.privatePem]])),
      staleAfterHours: 12,
    },
  });
  deps = harnessJobDeps(db(), h, time.clock, loadConfig({}));
}, 60_000);
afterAll(() => h?.close());

describe('which compliance jobs exist and are scheduled', () => {
  test('when the archive and WeCom are configured, then all five compliance jobs are defined and scheduled in Asia/Shanghai', () => {
    const names = allJobs(deps).map((j) => j.name);
    const scheduled = schedules(deps.config, { leads: false, ...complianceJobFlags(deps) }).map((s) => s.job);
    const compliance = [
      'compliance.alerts.deliver',
      'compliance.archive.pull',
      'compliance.archive.retry',
      'compliance.archive.staleness',
      'compliance.intercept.sync',
    ];
    expect(names.filter((n) => n.startsWith('compliance.')).sort()).toEqual(compliance);
    expect(scheduled.filter((n) => n.startsWith('compliance.')).sort()).toEqual(compliance);
  });

  test('when neither the archive nor WeCom is configured, then only alert delivery exists and is scheduled', () => {
    const services = buildTestApp(db()).services;
    const bare = { ...deps, services };
    expect(
      allJobs(bare)
        .map((j) => j.name)
        .filter((n) => n.startsWith('compliance.')),
    ).toEqual(['compliance.alerts.deliver']);
    const scheduled = schedules(deps.config, { leads: false, ...complianceJobFlags(bare) }).map((s) => s.job);
    expect(scheduled.filter((n) => n.startsWith('compliance.'))).toEqual(['compliance.alerts.deliver']);
  });
});

describe('stalled archive pull → alert → compliance owner', () => {
  test('when pulls fail for longer than the threshold, then one stalled alert is raised and the admins get it in WeCom exactly once', async () => {
    const admin = await org.user('admin', {}, { name: '合规负责人' });
    h.sim.addMember(admin.wecomUserId);
    const agent = await org.user('agent');
    sdk.inner.add(
      textMessage('stale-1', agent.wecomUserId, 'wmStaleCustomer01', '您好', time.clock().getTime()),
    );

    expect(await runNamedJob(deps, 'compliance.archive.pull')).toMatchObject({ status: 'ok', stored: 1 });
    sdk.broken = true;
    time.advance(6 * 3600_000);
    const failed = await runNamedJob(deps, 'compliance.archive.pull');
    expect(failed).toMatchObject({ status: 'error', seq: 1 });
    expect(String(failed.error)).toContain('10009');
    expect(await runNamedJob(deps, 'compliance.archive.staleness')).toMatchObject({ stale: false });

    time.advance(7 * 3600_000);
    expect(await runNamedJob(deps, 'compliance.archive.staleness')).toMatchObject({
      stale: true,
      alerted: true,
      hoursSinceSuccess: 13,
    });
    expect(await runNamedJob(deps, 'compliance.archive.staleness')).toMatchObject({ alerted: false });
    const alerts = await db().models.ComplianceAlert.find({ kind: 'archive_stalled' }).lean();
    expect(alerts).toHaveLength(1);
    expect(alerts[0]?.body).toContain('10009');

    const first = await runNamedJob(deps, 'compliance.alerts.deliver');
    expect(first).toMatchObject({ alerts: 1, delivered: 1, sent: 1 });
    const second = await runNamedJob(deps, 'compliance.alerts.deliver');
    expect(second).toMatchObject({ alerts: 0, delivered: 0 });
    const received = h.sim.delivered(admin.wecomUserId);
    expect(received).toHaveLength(1);
    expect(received[0]?.preview).toContain('会话存档已 13 小时未成功拉取');
    expect((await db().models.ComplianceAlert.findById(alerts[0]?._id).lean())?.status).toBe('delivered');

    // The SDK works again: the next pull succeeds and the archive is no longer stale.
    sdk.broken = false;
    expect(await runNamedJob(deps, 'compliance.archive.pull')).toMatchObject({ status: 'ok' });
    expect(await runNamedJob(deps, 'compliance.archive.staleness')).toMatchObject({ stale: false });
  });
});

describe('alert delivery', () => {
  test('when a blocked outgoing message raises an alert quoting the forbidden phrase, then the alert itself reaches the admin (the gate does not block it)', async () => {
    const admin = await org.user('admin');
    h.sim.addMember(admin.wecomUserId);
    const check = await h.services.compliance.checkOutgoing('续保提醒：本产品保本保息，稳赚不赔', {
      channel: 'agent_app',
      sourceRef: 'renewal:test-blocked',
    });
    expect(check.verdict).toBe('block');

    await runNamedJob(deps, 'compliance.alerts.deliver');
    const received = h.sim.delivered(admin.wecomUserId);
    expect(received).toHaveLength(1);
    expect(received[0]?.preview).toContain('保本保息');
    const row = await db()
      .models.Notification.findOne({ dedupeKey: new RegExp(`^compliance-alert:.*:${admin.id}$`) })
      .lean();
    expect(row).toMatchObject({ status: 'sent', kind: 'compliance.alert' });
  });

  test('when a run dies after enqueueing but before marking the alert delivered, then the rerun sends nothing twice', async () => {
    const admin = await org.user('admin');
    h.sim.addMember(admin.wecomUserId);
    await h.services.compliance.checkOutgoing('保证收益，稳赚不赔', {
      channel: 'agent_app',
      sourceRef: 'care:test-crash',
    });
    let crashes = 1;
    const crashing = createComplianceAlertDelivery({
      compliance: {
        pendingAlerts: (limit) => h.services.compliance.pendingAlerts(limit),
        async markAlertDelivered(id) {
          if (crashes-- > 0) throw new Error('worker killed');
          return h.services.compliance.markAlertDelivered(id);
        },
      },
      users: h.services.repositories.users,
      outbox: deps.outbox,
      logger: silentLogger(),
    });
    await expect(crashing.deliver()).rejects.toThrow('worker killed');
    expect(await crashing.deliver()).toMatchObject({ alerts: 1, delivered: 1, enqueued: 0 });
    await deps.outbox.dispatchDue({ limit: 50 });
    await runNamedJob(deps, 'compliance.alerts.deliver');
    expect(h.sim.delivered(admin.wecomUserId)).toHaveLength(1);
  });
});

describe('compliance.intercept.sync', () => {
  const calls = () => ({
    add: h.sim.callsTo('/cgi-bin/externalcontact/add_intercept_rule').length,
    update: h.sim.callsTo('/cgi-bin/externalcontact/update_intercept_rule').length,
    del: h.sim.callsTo('/cgi-bin/externalcontact/del_intercept_rule').length,
  });

  test('when the lexicon changes, then only the changed WeCom rule is updated; an unchanged lexicon makes no WeCom call', async () => {
    const first = await runNamedJob(deps, 'compliance.intercept.sync');
    const pushed = Number(first.added);
    expect(pushed).toBeGreaterThan(0);
    expect(first).toMatchObject({ updated: 0, deleted: 0, unchanged: 0 });
    expect(h.sim.state.interceptRules.size).toBe(pushed);
    expect(calls()).toEqual({ add: pushed, update: 0, del: 0 });

    expect(await runNamedJob(deps, 'compliance.intercept.sync')).toMatchObject({
      added: 0,
      updated: 0,
      deleted: 0,
      unchanged: pushed,
    });
    expect(calls()).toEqual({ add: pushed, update: 0, del: 0 });

    const admin = await org.user('admin');
    const rule = await h.services.compliance.createRule(actorFor(admin).principal, {
      category: '收益承诺',
      pattern: '包赚不亏',
      severity: 'block',
      alternative: '收益以合同约定为准',
      negatable: true,
      active: true,
    });
    expect(await runNamedJob(deps, 'compliance.intercept.sync')).toMatchObject({
      added: 0,
      updated: 1,
      deleted: 0,
      unchanged: pushed - 1,
    });
    expect(calls()).toEqual({ add: pushed, update: 1, del: 0 });
    const inWecom = [...h.sim.state.interceptRules.values()].map((r) => JSON.stringify(r.word_list));
    expect(inWecom.filter((words) => words.includes('包赚不亏'))).toHaveLength(1);

    // A new category of its own → one new WeCom rule; removing its only word → that rule is deleted.
    const own = await h.services.compliance.createRule(actorFor(admin).principal, {
      category: '自定义',
      pattern: '内部价',
      severity: 'block',
      alternative: '',
      negatable: true,
      active: true,
    });
    expect(await runNamedJob(deps, 'compliance.intercept.sync')).toMatchObject({ added: 1, updated: 0 });
    await h.services.compliance.deleteRule(actorFor(admin).principal, own.id);
    expect(await runNamedJob(deps, 'compliance.intercept.sync')).toMatchObject({ deleted: 1, added: 0 });
    expect(h.sim.state.interceptRules.size).toBe(pushed);
    expect(rule.severity).toBe('block');
  });
});
