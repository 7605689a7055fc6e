import { beforeAll, describe, expect, test } from 'vitest';
import { createBot } from '#bot/engine';
import type { UserRecord } from '#core/user/user.repository';
import { orgFactory } from '../factories/org.js';
import { buildTestApp, type TestApp } from '../setup/test-app.js';
import { useTestDatabase } from '../setup/test-db.js';

const db = useTestDatabase();
let t: TestApp;
let admin: UserRecord;
let agent: UserRecord;

beforeAll(async () => {
  t = buildTestApp(db());
  const org = orgFactory(db);
  admin = await org.user('admin');
  agent = await org.user('agent');
});

describe('PUT /api/v1/bot/bindings/:contactId', () => {
  test('when an admin binds a wechaty contact, then the bot answers that contact as the bound agent', async () => {
    const bot = createBot({ services: t.services, db: db(), clock: () => new Date() });
    const contact = { via: 'wechaty' as const, contactId: 'wxid_agent_1' };
    expect((await bot.handle(contact, '待办'))[0]?.text).toContain('还没有开通企保助手');
    const res = await t
      .http()
      .put('/api/v1/bot/bindings/wxid_agent_1')
      .set('authorization', `Bearer ${await t.tokenFor(admin)}`)
      .send({ userId: agent.id });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ contactId: 'wxid_agent_1', userId: agent.id });
    expect((await bot.handle(contact, '待办'))[0]?.text).toContain('已理解：今天的待办');
    const list = await t
      .http()
      .get('/api/v1/bot/bindings')
      .set('authorization', `Bearer ${await t.tokenFor(admin)}`);
    expect(list.body.items).toEqual([{ contactId: 'wxid_agent_1', userId: agent.id, createdBy: admin.id }]);
  });

  test('when an agent tries to bind a contact, then it answers 403 and nothing is stored', async () => {
    const res = await t
      .http()
      .put('/api/v1/bot/bindings/wxid_someone')
      .set('authorization', `Bearer ${await t.tokenFor(agent)}`)
      .send({ userId: agent.id });
    expect(res.status).toBe(403);
    const list = await t
      .http()
      .get('/api/v1/bot/bindings')
      .set('authorization', `Bearer ${await t.tokenFor(admin)}`);
    expect(list.body.items.map((b: { contactId: string }) => b.contactId)).not.toContain('wxid_someone');
  });

  test('when the user does not exist, then it answers 400 naming userId; unbinding an unknown contact is 404', async () => {
    const token = `Bearer ${await t.tokenFor(admin)}`;
    const res = await t
      .http()
      .put('/api/v1/bot/bindings/wxid_x')
      .set('authorization', token)
      .send({ userId: '0123456789abcdef01234567' });
    expect(res.status).toBe(400);
    expect(res.body.error.details[0].path).toBe('userId');
    expect((await t.http().delete('/api/v1/bot/bindings/wxid_nope').set('authorization', token)).status).toBe(
      404,
    );
  });
});
