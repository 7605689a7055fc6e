import { beforeAll, describe, expect, test } from 'vitest';
import { expectNoPageErrors, useE2E, type MiniPage } from './harness.js';
import { buildScenario } from './scenario.js';

const e2e = useE2E();
let world: Awaited<ReturnType<typeof buildScenario>>;

beforeAll(async () => {
  world = await buildScenario(e2e.db(), e2e.t().services);
});

async function loginAsZhangwei(p: MiniPage) {
  await p.go('/pages/login/index');
  await p.page.getByText('张伟', { exact: true }).click();
  await p.page.getByText('张伟，你好').waitFor();
}

describe('API errors in the H5 build show a Chinese message, never a blank page', () => {
  test("when an agent opens another team's customer, then the API's 404 message and a retry button show", async () => {
    const p = await e2e.openPage();
    await loginAsZhangwei(p);
    await p.go(`/pages/agent/customer-detail/index?id=${world.otherTeamCustomer.id}`);
    await p.page.getByText('客户不存在或无权访问').waitFor();
    await p.page.getByText('重试', { exact: true }).waitFor();
    expect(await p.page.getByText('卫晓东').count()).toBe(0);
    await p.shot('10-error-not-found');
    expectNoPageErrors(p);
  }, 60_000);

  test('when the server answers 500 without an error envelope, then a generic Chinese message shows and retry recovers', async () => {
    const p = await e2e.openPage();
    await loginAsZhangwei(p);
    let failures = 1;
    await p.page.route('**/api/v1/customers?**', async (route) => {
      if (failures-- > 0) {
        await route.fulfill({ status: 502, contentType: 'text/html', body: '<html>Bad Gateway</html>' });
      } else {
        await route.continue();
      }
    });
    await p.go('/pages/agent/customers/index');
    await p.page.getByText('服务暂时不可用，请稍后重试').waitFor();
    await p.shot('11-error-bad-gateway');
    await p.page.getByText('重试', { exact: true }).click();
    await p.page.locator('.customers__row', { hasText: '张三' }).waitFor();
    expectNoPageErrors(p);
  }, 60_000);

  test('when saving an interaction fails, then a toast says why and the form keeps what was typed', async () => {
    const p = await e2e.openPage();
    await loginAsZhangwei(p);
    await p.page.route('**/api/v1/interactions', (route) =>
      route.fulfill({
        status: 503,
        contentType: 'application/json',
        body: JSON.stringify({
          error: { code: 'DB_UNAVAILABLE', message: '服务暂时不可用，请稍后再试', details: null },
        }),
      }),
    );
    await p.go(`/pages/agent/log-interaction/index?customerId=${world.zhangsan.id}&name=张三`);
    await p.page.locator('textarea').fill('电话回访，客户暂无新需求');
    await p.page.getByText('保存', { exact: true }).click();
    await p.page.getByText('服务暂时不可用，请稍后再试').waitFor();
    await p.shot('12-error-toast-on-save');
    await expect.poll(() => p.page.locator('textarea').inputValue()).toBe('电话回访，客户暂无新需求');
    expectNoPageErrors(p);
  }, 60_000);

  test('when the network is down, then the page says so instead of going blank', async () => {
    const p = await e2e.openPage();
    await loginAsZhangwei(p);
    await p.page.route('**/api/v1/customers?**', (route) => route.abort('internetdisconnected'));
    await p.go('/pages/agent/customers/index');
    await p.page.getByText('网络异常，请检查网络后重试').waitFor();
    expectNoPageErrors(p);
  }, 60_000);
});
