import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { loadConfig } from '#config/config';
import { addDays, shanghaiDateOf, shanghaiInstant } from '#core/notification/shanghai-time';
import type { UserRecord } from '#core/user/user.repository';
import { festivalsBetween } from '#core/care/festivals';
import type { JobDeps } from '#jobs/deps';
import { nextRuns, schedules } from '#jobs/schedules';
import { actorFor, customerFactory } from '../factories/customers.js';
import { orgFactory } from '../factories/org.js';
import { useTestDatabase } from '../setup/test-db.js';
import { fakeTime, startHarness, type Harness } from '../wecom/harness.js';
import { harnessJobDeps, runNamedJob } from './support.js';

// 90 simulated days, day by day, over a seeded book: the real job handlers on the real schedules
// (Asia/Shanghai), sending through the real WeCom/WeChat clients to the simulator over HTTP. At the
// end, the simulator's records must hold every expected reminder exactly once and nothing else.

const db = useTestDatabase();
const org = orgFactory(db);
const START = '2026-08-01';
const DAYS = 90;
// Jobs that run every few seconds/minutes in production run at these times of each simulated day:
// enough to carry every effect (business events happen at 11:00), few enough to keep the test fast.
// Their sub-minute latency is tested in claims.test.ts.
const FREQUENT_TICKS: Record<string, string[]> = {
  'notifications.dispatch': ['08:00', '12:00', '22:00'],
  'claims.events': ['12:00'],
  'notifications.sweep': ['12:00'],
  'tickets.sla': ['12:00'],
};

let h: Harness;
const time = fakeTime(Date.parse(`${START}T00:00:00+08:00`));
let deps: JobDeps;
let agentA: UserRecord;
let agentB: UserRecord;
let lead: UserRecord;
let manager: UserRecord;

interface SimMessage {
  toUser: string;
  msgtype: string;
  body: { text?: { content: string }; markdown?: { content: string } };
  dropped: boolean;
}
interface SimSubscribe {
  openid: string;
  templateId: string;
  data: Record<string, { value: string }>;
}

beforeAll(async () => {
  const branch = await org.branch({ name: '模拟分公司' });
  const team = await org.team(branch, { name: '模拟一部' });
  agentA = await org.user('agent', { team }, { name: '甲业务员', wecomUserId: 'agent_a' });
  agentB = await org.user('agent', { team }, { name: '乙业务员', wecomUserId: 'agent_b' });
  lead = await org.user('team_lead', { team }, { name: '丙主管', wecomUserId: 'lead_c' });
  manager = await org.user('branch_manager', { branch }, { name: '丁经理', wecomUserId: 'manager_d' });
  h = await startHarness(db(), {
    time,
    members: ['agent_a', 'agent_b', 'lead_c', 'manager_d'],
    startDispatcher: false,
  });
  deps = harnessJobDeps(db(), h, time.clock, loadConfig({}));
}, 60_000);

afterAll(async () => {
  await h?.close();
});

const at = (day: number, hhmm: string) => new Date(`${addDays(START, day)}T${hhmm}:00+08:00`);

describe('90 simulated days', () => {
  test('when the book is run day by day for 90 days, then every expected reminder reaches the simulator exactly once and nothing else does', async () => {
    const services = () => h.services;
    const f = customerFactory(services);
    // --- the seeded book (created on day 0) ---
    time.advance(at(0, '09:00').getTime() - time.clock().getTime());
    const c1 = await f.customer(agentA, {
      name: '张一',
      gender: 'male',
      identities: { openid: 'o_c1', externalUserId: 'wm_c1' },
    });
    const c2 = await f.customer(agentB, {
      name: '李二',
      gender: 'female',
      birthday: `1980-${addDays(START, 50).slice(5)}`,
      identities: { openid: 'o_c2' },
    });
    const c3 = await f.customer(agentB, { name: '王三' }); // no mini-program binding
    h.sim.subscribe('o_c1', 'TPL_RENEWAL', 5);
    h.sim.subscribe('o_c1', 'TPL_CLAIM', 10);
    h.sim.subscribe('o_c1', 'TPL_SURVEY', 1);
    h.sim.subscribe('o_c2', 'TPL_RENEWAL', 1); // one-time: the second renewal reminder meets 43101
    await h.sim.addExternalContact({ userId: 'agent_a', externalUserId: 'wm_c1', name: '张一' });
    const p1 = await f.policy(agentA, c1.id, {
      product: '安心百万医疗',
      effectiveDate: '2026-01-15',
      expiryDate: addDays(START, 40), // 30d reminder on day 10, 7d on day 33
    });
    const p2 = await f.policy(agentB, c2.id, {
      product: '守护重疾',
      effectiveDate: '2026-01-15',
      expiryDate: addDays(START, 75), // 60d on day 15, 30d on day 45, 7d on day 68 → escalation day 71
    });
    const p3 = await f.policy(agentB, c3.id, {
      product: '畅行意外',
      effectiveDate: '2026-01-15',
      expiryDate: addDays(START, 120), // 60d on day 60
    });
    const claimSteps: Record<number, 'accepted' | 'reviewing' | 'approved' | 'paid' | 'closed'> = {
      5: 'accepted',
      6: 'reviewing',
      20: 'approved',
      21: 'paid',
      22: 'closed',
    };
    let claimId = '';

    // --- day by day ---
    const spent = new Map<string, number>();
    const sched = schedules(deps.config, { leads: false });
    for (let day = 0; day < DAYS; day++) {
      const dayStart = shanghaiInstant(addDays(START, day));
      const runs: { at: Date; job: string }[] = [];
      for (const s of sched) {
        const ticks = FREQUENT_TICKS[s.job];
        if (ticks) {
          for (const t of ticks) runs.push({ at: at(day, t), job: s.job });
        } else {
          const [next] = nextRuns(s.cron, new Date(dayStart.getTime() - 1000));
          if (next && shanghaiDateOf(next) === addDays(START, day)) runs.push({ at: next, job: s.job });
        }
      }
      // Business events of the day, at 11:00.
      runs.push({ at: at(day, '11:00'), job: 'business' });
      runs.sort((a, b) => a.at.getTime() - b.at.getTime() || (a.job === 'business' ? -1 : 1));
      for (const r of runs) {
        if (r.at.getTime() > time.clock().getTime()) time.advance(r.at.getTime() - time.clock().getTime());
        if (r.job !== 'business') {
          const t0 = Date.now();
          await runNamedJob(deps, r.job);
          spent.set(r.job, (spent.get(r.job) ?? 0) + Date.now() - t0);
          continue;
        }
        if (day === 4) claimId = (await f.claim(agentA, p1.id)).id;
        const step = claimSteps[day];
        if (step) {
          await services().claims.transition(actorFor(agentA), claimId, {
            to: step,
            ...(step === 'paid' ? { amountPaid: 8000 } : {}),
          });
        }
        if (day === 34) {
          // The agent acts on p1's last reminder: no escalation for it.
          await services().interactions.create(actorFor(agentA), {
            customerId: c1.id,
            type: 'call',
            summary: '电话沟通续保，客户同意续保',
          });
        }
      }
    }

    if (process.env.QIBAO_SIM_TIMINGS) console.log(Object.fromEntries(spent));
    // --- what the simulator received, over HTTP ---
    const sim = (await (await fetch(`${h.sim.url()}/__sim/messages`)).json()) as {
      messages: SimMessage[];
      subscribe: SimSubscribe[];
    };
    const calls = (await (await fetch(`${h.sim.url()}/__sim/calls`)).json()) as { calls: { path: string }[] };
    const app = sim.messages.filter((m) => !m.dropped);
    expect(sim.messages.filter((m) => m.dropped)).toEqual([]);
    const content = (m: SimMessage) => m.body.text?.content ?? m.body.markdown?.content ?? '';
    const lines = app.map((m) => `${m.toUser} ${content(m)}`);
    expect(new Set(lines).size).toBe(lines.length); // nothing twice

    const renewal = (who: string, number: string, days: number) =>
      lines.filter(
        (l) => l.startsWith(`${who} 【续保提醒】`) && l.includes(number) && l.includes(`还有 ${days} 天`),
      );
    expect(renewal('agent_a', p1.number, 30)).toHaveLength(1);
    expect(renewal('agent_a', p1.number, 7)).toHaveLength(1);
    expect(renewal('agent_b', p2.number, 60)).toHaveLength(1);
    expect(renewal('agent_b', p2.number, 30)).toHaveLength(1);
    expect(renewal('agent_b', p2.number, 7)).toHaveLength(1);
    expect(renewal('agent_b', p3.number, 60)).toHaveLength(1);
    expect(lines.filter((l) => l.includes('【续保提醒】'))).toHaveLength(6);
    // p2's agent never acted: the team lead hears about it once; p1's agent did, so no escalation.
    const escalations = lines.filter((l) => l.includes('【续保跟进预警】'));
    expect(escalations).toHaveLength(1);
    expect(escalations[0]).toMatch(new RegExp(`^${lead.wecomUserId} .*${p2.number}`));
    // The claim: reported + 5 transitions, each once to the agent …
    const claimLines = lines.filter((l) => l.startsWith('agent_a 【理赔进度】'));
    expect(claimLines.map((l) => l.match(/「(.+)」/)?.[1])).toEqual([
      '已报案',
      '已受理',
      '审核中',
      '已核准',
      '已赔付',
      '已结案',
    ]);
    // … and to the customer by subscribe message, plus the survey 7 days after closure.
    const subs = sim.subscribe.map(
      (s) =>
        `${s.openid} ${s.templateId} ${Object.values(s.data)
          .map((v) => v.value)
          .join('|')}`,
    );
    expect(new Set(subs).size).toBe(subs.length);
    expect(sim.subscribe.filter((s) => s.templateId === 'TPL_CLAIM')).toHaveLength(6);
    expect(sim.subscribe.filter((s) => s.templateId === 'TPL_SURVEY')).toHaveLength(1);
    expect(sim.subscribe.filter((s) => s.openid === 'o_c1' && s.templateId === 'TPL_RENEWAL')).toHaveLength(
      2,
    );
    expect(sim.subscribe.filter((s) => s.openid === 'o_c2' && s.templateId === 'TPL_RENEWAL')).toHaveLength(
      1,
    );
    // The WeCom customer message for p1's 30-day reminder was prepared once for agent A to confirm.
    expect(calls.calls.filter((c) => c.path === '/cgi-bin/externalcontact/add_msg_template')).toHaveLength(1);
    // Care: c2's birthday (day 50) and the festivals' tasks, summarised once per agent per day.
    const care = lines.filter((l) => l.includes('【客户关怀】'));
    const festivals = festivalsBetween(START, addDays(START, DAYS - 1 + 3)).filter(
      (fv) => fv.date <= addDays(START, DAYS - 1 + 3),
    );
    expect(care.filter((l) => l.includes('李二 生日'))).toHaveLength(1);
    expect(care.length).toBeGreaterThanOrEqual(festivals.length);
    // Digests: one per manager per day.
    expect(lines.filter((l) => l.startsWith(`${lead.wecomUserId} **企保日报`))).toHaveLength(DAYS);
    expect(lines.filter((l) => l.startsWith(`${manager.wecomUserId} **企保日报`))).toHaveLength(DAYS);
    // Nothing unexpected: every app message is one of the kinds above.
    const known = ['【续保提醒】', '【续保跟进预警】', '【理赔进度】', '【客户关怀】', '**企保日报'];
    expect(lines.filter((l) => !known.some((k) => l.includes(k)))).toEqual([]);

    // The outbox tells the same story: p2's second renewal subscribe was refused with 43101 …
    const skipped = await db().models.Notification.find({ status: 'skipped' }).lean();
    expect(skipped.filter((n) => n.skipReason === 'unsubscribed').map((n) => n.dedupeKey)).toEqual(
      expect.arrayContaining([`renewal:${p2.id}:${p2.expiryDate}:30d:customer`]),
    );
    // … c3 has no binding, and nothing is left pending or failed.
    expect(
      skipped.some(
        (n) =>
          n.dedupeKey === `renewal:${p3.id}:${p3.expiryDate}:60d:customer` && n.skipReason === 'no_binding',
      ),
    ).toBe(true);
    expect(
      await db().models.Notification.countDocuments({ status: { $in: ['pending', 'sending', 'failed'] } }),
    ).toBe(0);
  }, 300_000);
});
