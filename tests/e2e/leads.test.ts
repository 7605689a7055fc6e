import { beforeAll, describe, expect, test } from 'vitest';
import type { LeadRecord } from '#core/lead/lead.repository';
import { scopeFor } from '#core/auth/scope';
import { shanghaiDate } from '#core/customer/business-date';
import { actorFor } from '../factories/customers.js';
import { expectNoPageErrors, useE2E } from './harness.js';
import { buildScenario } from './scenario.js';

const e2e = useE2E();
let leadId: string;

beforeAll(async () => {
  const world = await buildScenario(e2e.db(), e2e.t().services);
  const { leads } = e2e.t().services;
  // 张伟's new A-grade lead, never contacted: past its 3-day first-contact limit it goes back to the pool.
  const created = await leads.create(actorFor(world.zhangwei), {
    name: '钱多多',
    phone: '13612345678',
    source: '官网',
    intent: 'high',
    type: '保障型',
  });
  if (created.outcome === 'existing_customer') throw new Error('the scenario phone must be new');
  leadId = created.lead.id;
  const returned = await leads.returnOverdueToPool(new Date(Date.now() + 10 * 86_400_000));
  expect(returned.leadIds).toContain(leadId);
});

describe('线索 and 报表 in the H5 build', () => {
  test('an agent claims a lead from the public pool and then finds it among their own leads', async () => {
    const p = await e2e.openPage();
    const { page } = p;
    await p.go('/pages/login/index');
    await page.getByText('刘洋', { exact: true }).click();
    await page.getByText('刘洋，你好').waitFor();
    await page.locator('.tab-bar__item', { hasText: '线索' }).click();
    await page.getByText('我的线索').waitFor();
    await page.locator('.chips__chip', { hasText: '公海' }).click();
    const row = page.locator('.cell', { hasText: '钱多多' });
    // The pool shows a masked phone: who is worth claiming, not their contact data.
    await row.getByText(/136\*{4}5678|136 \*{4} 5678/).waitFor();
    await p.shot('30-lead-pool', row);
    await row.getByText('领取', { exact: true }).click();
    await page.getByText('已领取').waitFor();
    await page.locator('.chips__chip', { hasText: '我的线索' }).click();
    await page.locator('.cell', { hasText: '钱多多' }).getByText('136 1234 5678').waitFor();
    await p.shot('31-lead-claimed');

    const stored = (await e2e.t().services.leadRepository.findById({ level: 'all' }, leadId)) as LeadRecord;
    const liuyang = await e2e.t().services.repositories.users.findUserByWecomId('liuyang');
    expect(stored).toMatchObject({ inPool: false, assigneeId: liuyang?.id });
    expectNoPageErrors(p);
  }, 90_000);

  test('a team lead opens 报表 and sees the KPIs the API computes for this month, with charts', async () => {
    const p = await e2e.openPage();
    const { page } = p;
    await p.go('/pages/login/index');
    await page.getByText('李强', { exact: true }).click();
    await page.getByText('李强，你好').waitFor();
    await page.locator('.tab-bar__item', { hasText: '报表' }).click();
    await page.locator('.reports__stat').first().waitFor();

    const liqiang = await e2e.t().services.repositories.users.findUserByWecomId('liqiang');
    if (!liqiang) throw new Error('no liqiang in the demo seed');
    const to = shanghaiDate(new Date());
    const k = await e2e
      .t()
      .services.reports.kpis(
        { kind: 'staff', userId: liqiang.id, role: 'team_lead', scope: scopeFor(liqiang) },
        { from: `${to.slice(0, 7)}-01`, to },
      );
    const stat = (label: string) =>
      page.locator('.reports__stat', { hasText: label }).locator('.reports__value');
    expect(await stat('拜访').innerText()).toBe(String(k.visits));
    expect(await stat('新线索').innerText()).toBe(String(k.newLeads));
    expect(await stat('活跃客户').innerText()).toBe(String(k.activeCustomers));
    if (k.perAgent.length > 0) await page.getByText('人员产能（新保费）').waitFor();
    await p.shot('32-reports');
    expectNoPageErrors(p);
  }, 90_000);
});
