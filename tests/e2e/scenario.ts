import type { Database } from '#core/db/database';
import type { Services } from '#core/services';
import { createUserRepository, type UserRecord } from '#core/user/user.repository';
import { seedCustomers } from '../../scripts/seed/customers.js';
import { seedOrg } from '../../scripts/seed/org.js';

/**
 * The browser tests look at the demo data `npm run seed` writes: the demo org (so the dev login screen's
 * accounts exist) and the demo customers — 张三 (张伟's, initials "zs"), 吴磊 (刘洋's, a claim waiting for
 * documents) and 卫晓东 (杨帆's, in the other team).
 */
export async function buildScenario(db: Database, services: Services) {
  const users = await seedOrg(createUserRepository(db.models));
  const seeded = await seedCustomers(services, users, new Date());
  const all = await services.customerRepositories.customers.findByIds({ level: 'all' }, seeded.customerIds);
  const byName = (name: string) => {
    const c = all.find((x) => x.name === name);
    if (!c) throw new Error(`the demo seed has no customer ${name}`);
    return c;
  };
  const byWecom = (id: string): UserRecord => {
    const u = users.find((x) => x.wecomUserId === id);
    if (!u) throw new Error(`the demo seed has no user ${id}`);
    return u;
  };
  return {
    zhangwei: byWecom('zhangwei'),
    zhangsan: byName('张三'),
    wulei: byName('吴磊'),
    otherTeamCustomer: byName('卫晓东'),
  };
}
