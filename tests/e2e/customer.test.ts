import { beforeAll, describe, expect, test } from 'vitest';
import { expectNoPageErrors, useE2E } from './harness.js';
import { buildScenario } from './scenario.js';

const e2e = useE2E();
let world: Awaited<ReturnType<typeof buildScenario>>;

beforeAll(async () => {
  world = await buildScenario(e2e.db(), e2e.t().services);
});

describe('customer mode in the H5 build (吴磊 signs in through the development login screen)', () => {
  test('a customer logs in, sees their policies and a claim timeline in the right state, and reports a claim', async () => {
    const p = await e2e.openPage();
    const { page } = p;
    const see = (text: string) => page.getByText(text).first().waitFor();
    const me = { kind: 'customer' as const, customerId: world.wulei.id };
    const { items: policies } = await e2e.t().services.customerPortal.policies(me);
    expect(policies.length).toBeGreaterThan(0);

    await p.go('/pages/login/index');
    await see('客户（模拟微信登录）');
    await page.locator('.login__customer', { hasText: '吴磊' }).click();
    await see('吴磊，您好');
    for (const policy of policies) {
      await page.locator('.my-policies__policy', { hasText: policy.product }).waitFor();
    }
    // Only 吴磊's own policies: one card per policy, nothing of 张三's.
    expect(await page.locator('.my-policies__policy').count()).toBe(policies.length);
    expect(await page.getByText('鑫享福年金').count()).toBe(0);
    await see('理赔进度');
    await p.shot('20-customer-policies');

    // The seeded claim waits for documents: three steps done, 补充材料 current with the agent's note,
    // then the way back through review to the end, greyed.
    await page.locator('.cell', { hasText: '补充材料' }).first().click();
    await see('办理进度');
    const steps = page.locator('.timeline__item');
    await expect.poll(() => steps.count()).toBe(8);
    const state = async (i: number) => {
      const cls = (await steps.nth(i).getAttribute('class')) ?? '';
      return `${(await steps.nth(i).locator('.timeline__title').innerText()).trim()}:${/--(\w+)/.exec(cls)?.[1]}`;
    };
    expect(await Promise.all([0, 1, 2, 3, 4, 5, 6, 7].map(state))).toEqual([
      '已报案:done',
      '已受理:done',
      '审核中:done',
      '补充材料:current',
      '审核中:todo',
      '已核准:todo',
      '已赔付:todo',
      '已结案:todo',
    ]);
    await see('请补充出院小结和发票原件');
    await p.shot('21-claim-progress');

    // 保单详情 → 我要报案 → the new claim's progress page starts at 已报案.
    const policy = policies.find((x) => x.status === 'in_force');
    if (!policy) throw new Error('吴磊 has no policy in force in the demo seed');
    await page.goBack();
    await page.locator('.my-policies__policy', { hasText: policy.product }).click();
    await see('保障与缴费');
    await see('理赔记录');
    await p.shot('22-policy-detail');
    await page.getByText('我要报案').click();
    await see('出险经过');
    await page.locator('input[placeholder="元，如 5000"]').fill('3000');
    await page
      .locator('textarea[placeholder="请描述时间、地点、经过和就医情况"]')
      .fill('打球扭伤脚踝，门诊治疗');
    await p.shot('23-report-claim', page.getByText('提交报案'));
    await page.getByText('提交报案').click();
    await see('办理进度');
    await expect
      .poll(() => page.locator('.timeline__item--current .timeline__title').innerText())
      .toBe('已报案');
    await see('客户通过小程序报案');
    await p.shot('24-claim-reported');

    const claims = await e2e.t().services.customerPortal.claims(me);
    expect(claims.items.filter((c) => c.description === '打球扭伤脚踝，门诊治疗')).toEqual([
      expect.objectContaining({ status: 'reported', amountClaimed: 3000, policyId: policy.id }),
    ]);

    await p.go('/pages/customer/advisor/index');
    await see('刘洋');
    await see('保险顾问');
    await p.shot('25-advisor');
    expectNoPageErrors(p);
  }, 120_000);

  test('a customer turns off renewal reminders (every category starts on); in H5 the card says they come by SMS', async () => {
    const p = await e2e.openPage();
    const { page } = p;
    await p.go('/pages/login/index');
    await page.locator('.login__customer', { hasText: '吴磊' }).click();
    await page.getByText('消息通知').waitFor();
    await page.getByText('开启后将通过短信发送到您绑定的手机号').waitFor();
    const row = page.locator('.subscribe .cell', { hasText: '续保提醒' });
    await row.locator('input[type="checkbox"]').click();
    await page.getByText('通知设置已保存').waitFor();
    await p.shot('26-subscriptions', row);
    const saved = await e2e
      .t()
      .services.customerPortal.subscriptions({ kind: 'customer', customerId: world.wulei.id });
    expect(saved).toEqual({
      claimProgress: true,
      renewalReminder: false,
      careGreetings: true,
      channel: 'sms',
    });
    expectNoPageErrors(p);
  }, 60_000);
});
