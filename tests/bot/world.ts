import { createBot, type Bot } from '#bot/engine';
import type { Database } from '#core/db/database';
import { createServices, type Services } from '#core/services';
import type { UserRecord } from '#core/user/user.repository';
import { customerFactory } from '../factories/customers.js';
import { orgFactory } from '../factories/org.js';
import { TEST_SECRET } from '../setup/test-app.js';

/** Sunday 2026-11-22 10:00 in Asia/Shanghai. */
export const SUNDAY_10AM = Date.parse('2026-11-22T02:00:00Z');

/** A clock the test sets. */
export function settableClock(start = SUNDAY_10AM) {
  let now = start;
  return {
    clock: () => new Date(now),
    set(at: number | string) {
      now = typeof at === 'number' ? at : Date.parse(at);
    },
    advance(ms: number) {
      now += ms;
    },
  };
}

export interface BotWorld {
  services: Services;
  bot: Bot;
  agentA: UserRecord;
  agentB: UserRecord;
  lead: UserRecord;
  outsider: UserRecord;
  ids: Record<'zhangsan' | 'zhangsanfeng' | 'wangwu1' | 'wangwu2' | 'lilei' | 'hanmei', string>;
  policyNumber: string;
}

/**
 * One team (agents A and B, their lead) and an agent of another team. A owns 张三 (13800138000, a policy
 * expiring in 6 days, an open claim), 张三丰 and two customers named 王五; B owns 李雷; the outsider owns 韩梅.
 */
export async function buildBotWorld(db: Database, clock: () => Date): Promise<BotWorld> {
  const services = createServices({ db, secret: TEST_SECRET, sessionTtlSeconds: 3600, clock });
  const org = orgFactory(() => db);
  const make = customerFactory(() => services);
  const team = await org.team();
  const agentA = await org.user('agent', { team }, { name: '业务员甲' });
  const agentB = await org.user('agent', { team }, { name: '业务员乙' });
  const lead = await org.user('team_lead', { team }, { name: '主管' });
  const outsider = await org.user('agent', {}, { name: '外队业务员' });
  const zhangsan = await make.customer(agentA, {
    name: '张三',
    phones: [{ number: '13800138000', label: 'mobile' }],
  });
  const zhangsanfeng = await make.customer(agentA, { name: '张三丰' });
  const wangwu1 = await make.customer(agentA, { name: '王五', region: '浦东' });
  const wangwu2 = await make.customer(agentA, { name: '王五', region: '闵行' });
  const lilei = await make.customer(agentB, {
    name: '李雷',
    phones: [{ number: '13700001111', label: 'mobile' }],
  });
  const hanmei = await make.customer(outsider, { name: '韩梅' });
  const policyNumber = `PA${Date.now()}`;
  const policy = await make.policy(agentA, zhangsan.id, {
    number: policyNumber,
    product: '金福人生',
    effectiveDate: '2025-11-28',
    expiryDate: '2026-11-28',
  });
  await make.claim(agentA, policy.id, { incidentDate: '2026-10-01', amountClaimed: 12_000 });
  const bot = createBot({ services, db, clock });
  await bot.ready();
  return {
    services,
    bot,
    agentA,
    agentB,
    lead,
    outsider,
    ids: {
      zhangsan: zhangsan.id,
      zhangsanfeng: zhangsanfeng.id,
      wangwu1: wangwu1.id,
      wangwu2: wangwu2.id,
      lilei: lilei.id,
      hanmei: hanmei.id,
    },
    policyNumber,
  };
}

/** Every reply as one string (cards as their text form). */
export function joined(replies: { kind: string; text: string }[]): string {
  return replies.map((r) => r.text).join('\n---\n');
}
