import { beforeAll, describe, expect, test } from 'vitest';
import { expectNoPageErrors, useE2E } from './harness.js';
import { buildScenario } from './scenario.js';

const e2e = useE2E();
let world: Awaited<ReturnType<typeof buildScenario>>;

beforeAll(async () => {
  world = await buildScenario(e2e.db(), e2e.t().services);
});

describe('customer mode in the H5 build (张三 signs in through the development login screen)', () => {
  test('a customer logs in, sees their policies and a claim timeline in the right state, and reports a claim', async () => {
    const p = await e2e.openPage();
    const { page } = p;
    const see = (text: string) => page.getByText(text).first().waitFor();

    await p.go('/pages/login/index');
    await see('客户（模拟微信登录）');
    await page.locator('.login__customer', { hasText: '张三' }).click();
    await see('张三，您好');
    await see('平安福重疾险');
    await see('尊享e生医疗险');
    await see('还有 20 天到期');
    // Only 张三's own records: 赵四 and 王五 have none here.
    expect(await page.getByText('王五').count()).toBe(0);
    await see('理赔进度');
    await p.shot('20-customer-policies');

    // The claim under review: 已报案 and 已受理 are done (with their notes), 审核中 is current, the rest ahead.
    await page.locator('.cell', { hasText: '审核中' }).first().click();
    await see('办理进度');
    const steps = page.locator('.timeline__item');
    await expect.poll(() => steps.count()).toBe(6);
    const state = async (i: number) => {
      const cls = (await steps.nth(i).getAttribute('class')) ?? '';
      return `${(await steps.nth(i).locator('.timeline__title').innerText()).trim()}:${/--(\w+)/.exec(cls)?.[1]}`;
    };
    expect(await Promise.all([0, 1, 2, 3, 4, 5].map(state))).toEqual([
      '已报案:done',
      '已受理:done',
      '审核中:current',
      '已核准:todo',
      '已赔付:todo',
      '已结案:todo',
    ]);
    await see('材料齐全，已受理');
    await see('保险公司审核中');
    await p.shot('21-claim-progress');

    // 保单详情 → 我要报案 → the new claim's progress page starts at 已报案.
    await page.goBack();
    await page.locator('.my-policies__policy', { hasText: '平安福重疾险' }).click();
    await see('保障与缴费');
    await see('理赔记录');
    await p.shot('22-policy-detail');
    await page.getByText('我要报案').click();
    await see('出险经过');
    await page.locator('input[placeholder="元，如 5000"]').fill('3000');
    await page
      .locator('textarea[placeholder="请描述时间、地点、经过和就医情况"]')
      .fill('打球扭伤脚踝，门诊治疗');
    await p.shot('23-report-claim');
    await page.getByText('提交报案').click();
    await see('办理进度');
    await expect
      .poll(() => page.locator('.timeline__item--current .timeline__title').innerText())
      .toBe('已报案');
    await see('客户通过小程序报案');
    await p.shot('24-claim-reported');

    const claims = await e2e
      .t()
      .services.customerPortal.claims({ kind: 'customer', customerId: world.zhangsan.id });
    expect(claims.items.map((c) => c.status).sort()).toEqual(['reported', 'reviewing']);

    await p.go('/pages/customer/advisor/index');
    await see('张伟');
    await see('保险顾问');
    await p.shot('25-advisor');
    expectNoPageErrors(p);
  }, 120_000);
});
