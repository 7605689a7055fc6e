import { beforeAll, describe, expect, test } from 'vitest';
import { expectNoPageErrors, useE2E } from './harness.js';
import { buildScenario } from './scenario.js';

const e2e = useE2E();
let world: Awaited<ReturnType<typeof buildScenario>>;

beforeAll(async () => {
  world = await buildScenario(e2e.db(), e2e.t().services);
});

describe('agent mode in the H5 build (张伟 logs in through the development login screen)', () => {
  test('an agent searches zs, opens 张三, logs a visit and sees it on the timeline', async () => {
    const p = await e2e.openPage();
    const { page } = p;
    const see = (text: string) => page.getByText(text).first().waitFor();
    const principal = {
      kind: 'staff' as const,
      userId: world.zhangwei.id,
      role: 'agent' as const,
      scope: { level: 'own' as const, userId: world.zhangwei.id },
    };

    await p.go('/pages/login/index');
    await see('开发环境登录（模拟器）');
    await p.shot('01-login');

    await page.getByText('张伟', { exact: true }).click();
    await see('张伟，你好');
    for (const section of ['今日待办', '30 天内到期续保', '理赔动态']) await see(section);
    // The renewals card shows what the API says is due within 30 days (or says there is none).
    const due = await e2e.t().services.policies.list(principal, {
      expiringWithinDays: 30,
      status: 'in_force',
      page: 1,
      pageSize: 50,
    });
    const first = due.items[0];
    if (first) await see(`${first.applicantName} · ${first.product}`);
    else await see('30 天内没有到期的保单');
    await p.shot('02-workbench');

    await page.getByText('客户', { exact: true }).click();
    const search = page.locator('input[placeholder="姓名、拼音首字母（如 zs）、手机号或保单号"]');
    await search.fill('zs');
    await search.press('Enter');
    await see('共 1 位客户');
    await page.locator('.customers__row', { hasText: '张三' }).waitFor();
    expect(await page.locator('.customers__row', { hasText: '王建国' }).count()).toBe(0);
    await p.shot('03-customers-zs');

    await page.locator('.customers__row', { hasText: '张三' }).click();
    await see('鑫享福年金');
    for (const section of ['客户分层', '保单（2）', '理赔（1）', '沟通时间线', '家庭', '软信息', '张小宝']) {
      await see(section);
    }
    await see('已报案');
    await page
      .getByText(/还有 \d+ 天到期/)
      .first()
      .waitFor();
    await p.shot('04-customer-360');

    await page.getByText('记一笔', { exact: true }).click();
    await see('沟通内容');
    await page
      .locator('textarea[placeholder="例如：聊到孩子明年出国读书，想了解教育金"]')
      .fill('聊到孩子明年出国读书，想了解教育金');
    await page.getByText('教育金', { exact: true }).click();
    await p.shot('05-log-interaction');
    await page.getByText('保存', { exact: true }).click();

    // Back on 客户详情, which reloads: the new visit is on the timeline with its needs tag.
    await page.getByText('拜访：聊到孩子明年出国读书，想了解教育金').waitFor({ timeout: 15_000 });
    await see('需求：教育金');
    await p.shot('06-timeline-after-visit', page.getByText('沟通时间线'));

    // 邀请绑定: the agent gets a code to send 张三 for binding their WeChat account.
    await page.getByText('邀请绑定', { exact: true }).click();
    await see('客户绑定邀请码');
    const content = await page.getByText(/请把邀请码 [2-9A-HJ-NP-Z]{8} 发给张三/).innerText();
    await p.shot('07-invite-code');
    const code = /邀请码 ([2-9A-HJ-NP-Z]{8})/.exec(content)?.[1];
    expect(code).toBeDefined();
    expect(await e2e.db().models.CustomerInvite.countDocuments({ customerId: world.zhangsan.id })).toBe(1);
    await page.getByText('知道了').click();

    const stored = await e2e.t().services.interactions.list(principal, {
      customerId: world.zhangsan.id,
      page: 1,
      pageSize: 50,
    });
    expect(stored.items.filter((i) => i.summary === '聊到孩子明年出国读书，想了解教育金')).toEqual([
      expect.objectContaining({ type: 'visit', tags: ['教育金'] }),
    ]);
    expectNoPageErrors(p);
  }, 120_000);
});
