import { addDays, shanghaiDate } from '#core/customer/business-date';
import type { Services } from '#core/services';
import { createUserRepository, type UserRecord } from '#core/user/user.repository';
import type { Database } from '#core/db/database';
import { seedOrg } from '../../scripts/seed/org.js';
import { actorFor, customerFactory } from '../factories/customers.js';

/**
 * What the browser tests look at: the demo org (the same seed `npm run seed` writes, so the dev login
 * screen's accounts exist) and a small book of customers for agent 张伟 (zhangwei):
 * 张三 with family, soft info, two policies (one expiring in 20 days) and a claim under review;
 * 赵四, whose pinyin initials are also "zs"; and 王五, a customer of 杨帆 in another team.
 */
export async function buildScenario(db: Database, services: Services) {
  const users = await seedOrg(createUserRepository(db.models));
  const byWecom = (id: string): UserRecord => {
    const u = users.find((x) => x.wecomUserId === id);
    if (!u) throw new Error(`seed has no ${id}`);
    return u;
  };
  const zhangwei = byWecom('zhangwei');
  const yangfan = byWecom('yangfan');
  const f = customerFactory(() => services);
  const today = shanghaiDate(new Date());

  const zhangsan = await f.customer(zhangwei, {
    name: '张三',
    gender: 'male',
    birthday: '1985-06-15',
    occupation: '企业主',
    phones: [{ number: '13800138000', label: 'mobile' }],
    region: '上海',
    address: '浦东新区世纪大道 100 号',
    family: [
      { relation: 'spouse', name: '李梅', birthday: '1987-03-02' },
      { relation: 'child', name: '张小宝', birthday: '2015-09-01' },
    ],
    softInfo: { notes: '喜欢打高尔夫，周末常带孩子上兴趣班。', tags: ['高尔夫'] },
    tags: ['企业主', '老客户'],
    sourceChannel: '转介绍',
  });
  const critical = await f.policy(zhangwei, zhangsan.id, {
    insurer: '平安人寿',
    product: '平安福重疾险',
    line: '重疾',
    premium: 12_000,
    sumInsured: 500_000,
    effectiveDate: addDays(today, -345),
    expiryDate: addDays(today, 20),
  });
  await f.policy(zhangwei, zhangsan.id, {
    insurer: '众安保险',
    product: '尊享e生医疗险',
    line: '医疗',
    premium: 1_200,
    sumInsured: 3_000_000,
    effectiveDate: addDays(today, -100),
    expiryDate: addDays(today, 265),
  });
  const claim = await f.claim(zhangwei, critical.id, {
    incidentDate: addDays(today, -30),
    amountClaimed: 50_000,
    description: '住院手术，申请重疾理赔',
  });
  const actor = actorFor(zhangwei);
  await services.claims.transition(actor, claim.id, { to: 'accepted', note: '材料齐全，已受理' }, '张伟');
  await services.claims.transition(actor, claim.id, { to: 'reviewing', note: '保险公司审核中' }, '张伟');

  const zhaosi = await f.customer(zhangwei, {
    name: '赵四',
    phones: [{ number: '13900139000', label: 'mobile' }],
  });
  const wangwu = await f.customer(yangfan, { name: '王五' });
  await services.tasks.create(actor, {
    title: '回访张三：续保方案',
    dueDate: today,
    customerId: zhangsan.id,
  });

  return { users, zhangwei, yangfan, zhangsan, zhaosi, wangwu, claim, critical, today };
}
