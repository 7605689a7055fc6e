import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { buildTestApp } from '../setup/test-app.js';
import { useTestDatabase } from '../setup/test-db.js';
import { startHarness, type Harness } from './harness.js';

const db = useTestDatabase();

describe('GET /dev/simulator (development inspector)', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness(db(), { members: ['zhaomin'] });
  });
  afterAll(() => h.close());

  test('when a member writes to the app and the app answers, then both show up in the timeline in order', async () => {
    const said = await h.http().post('/dev/simulator/say').send({ userId: 'zhaomin', text: '查 张三' });
    expect(said.status).toBe(200);
    expect(said.body.status).toBe(200);
    await h.services.wecom.dispatcher.idle();
    await h.services.wecom
      .requireClient()
      .sendMessage({ toUser: ['zhaomin'] }, { msgtype: 'text', text: { content: '张三：2 张保单' } });

    const json = await h.http().get('/dev/simulator/timeline?member=zhaomin');
    expect(json.body.items.map((i: { direction: string; text: string }) => [i.direction, i.text])).toEqual([
      ['in', '查 张三'],
      ['out', '张三：2 张保单'],
    ]);
    const page = await h.http().get('/dev/simulator');
    expect(page.status).toBe(200);
    expect(page.headers['content-type']).toMatch(/text\/html/);
    expect(page.text).toContain('查 张三');
    expect(page.text).toContain('张三：2 张保单');
  });

  test('when the text would inject HTML, then it is escaped', async () => {
    await h.sim.say('zhaomin', '<script>alert(1)</script>');
    const page = await h.http().get('/dev/simulator');
    expect(page.text).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(page.text).not.toContain('<script>alert(1)</script>');
  });

  test('when the body is not a say request, then it is refused with field details', async () => {
    const res = await h.http().post('/dev/simulator/say').send({ userId: '', text: 'x', extra: 1 });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('VALIDATION_FAILED');
  });
});

describe('production', () => {
  test('when running in production, then the inspector does not exist and the callback answers 503 without WeCom settings', async () => {
    const app = buildTestApp(db(), { env: 'production' });
    expect((await app.http().get('/dev/simulator')).status).toBe(404);
    const cb = await app.http().post('/wecom/callback?msg_signature=x&timestamp=1&nonce=1').send('<xml/>');
    expect(cb.status).toBe(503);
    expect(cb.body.error.code).toBe('WECOM_NOT_CONFIGURED');
  });
});
