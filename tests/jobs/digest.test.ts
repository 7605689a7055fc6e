import { describe, expect, test } from 'vitest';
import { createDigestService, renderDigest, DIGEST_MAX_BYTES } from '#core/digest/digest.service';
import { createServices } from '#core/services';
import { actorFor, customerFactory } from '../factories/customers.js';
import { orgFactory } from '../factories/org.js';
import { TEST_SECRET } from '../setup/test-app.js';
import { useTestDatabase } from '../setup/test-db.js';
import { manualClock, outboxFor, recordingChannels } from './support.js';

const db = useTestDatabase();
const org = orgFactory(db);

describe('daily digest', () => {
  test('when a seeded team has one of each exception, then the team lead gets exactly the hand-checked message, once', async () => {
    const clock = manualClock('2026-06-08T10:00:00+08:00');
    const services = createServices({
      db: db(),
      secret: TEST_SECRET,
      sessionTtlSeconds: 3600,
      clock: clock.now,
    });
    const f = customerFactory(() => services);
    const branch = await org.branch({ name: '华东分公司' });
    const team = await org.team(branch, { name: '静安一部' });
    const wang = await org.user('agent', { team }, { name: '王芳' });
    const li = await org.user('agent', { team }, { name: '李强' });
    const lead = await org.user('team_lead', { team }, { name: '周主管' });
    // Another team's trouble must not appear.
    const other = await org.user('agent', {}, { name: '外队' });

    const zhao = await f.customer(wang, { name: '赵一' });
    const qian = await f.customer(wang, { name: '钱二' });
    const sun = await f.customer(li, { name: '孙三' });
    const outsider = await f.customer(other, { name: '外队客户' });
    await f.policy(wang, zhao.id, { product: '安享重疾', expiryDate: '2026-06-13' }); // 3 days, never contacted
    await f.policy(wang, qian.id, { product: '住院医疗', expiryDate: '2026-06-15' }); // contacted yesterday
    await f.policy(li, sun.id, { product: '意外险', expiryDate: '2026-06-20' }); // outside 7 days
    await f.policy(other, outsider.id, { product: '外队保单', expiryDate: '2026-06-12' });
    // Opened 2026-06-08 10:00, complaint/normal → 24 h → breached since 2026-06-09 10:00.
    await services.tickets.create(actorFor(wang), {
      customerId: zhao.id,
      type: 'complaint',
      urgency: 'normal',
      title: '保单地址变更投诉',
    });
    await services.tasks.create(actorFor(li), {
      title: '回访孙三',
      dueDate: '2026-06-05',
      customerId: sun.id,
    });

    clock.set('2026-06-09T15:00:00+08:00'); // yesterday
    await services.interactions.create(actorFor(wang), {
      customerId: qian.id,
      type: 'call',
      summary: '沟通续保事宜',
    });
    const done = await services.tasks.create(actorFor(wang), { title: '寄送资料', dueDate: '2026-06-09' });
    await services.tasks.update(actorFor(wang), done.id, { status: 'done' });
    await services.compliance.checkOutgoing('这款产品保本保息', {
      channel: 'agent_app',
      sourceRef: 'digest-test-1',
      agentId: wang.id,
      occurredAt: new Date('2026-06-09T16:00:00+08:00'),
    });
    await db().models.WecomExternalContact.create({
      corpId: 'wwtest',
      externalUserId: 'wm_gone_1',
      userId: wang.wecomUserId,
      status: 'deleted_by_customer',
      removedAt: new Date('2026-06-09T18:00:00+08:00'),
    });

    clock.set('2026-06-10T08:30:00+08:00');
    const rec = recordingChannels();
    const outbox = outboxFor(db(), { clock, channels: rec.channels });
    const digest = createDigestService({
      models: db().models,
      users: services.repositories.users,
      outbox,
      clock: clock.now,
    });
    await digest.sendAll();
    await digest.sendAll(); // a second run (another worker, a retry) sends nothing new
    await outbox.dispatchDue();

    const toLead = rec.delivered.filter((d) => d.channel === 'agentApp' && d.m.toUser === lead.wecomUserId);
    expect(toLead).toHaveLength(1);
    const sent = toLead[0]!;
    if (sent.channel !== 'agentApp') throw new Error('expected an app message');
    expect(sent.m.format).toBe('markdown');
    const body = sent.m.text;
    expect(body).toBe(
      [
        '**企保日报 · 2026-06-10 · 静安一部**',
        '> 昨日（2026-06-09）：沟通 1 次 · 新增客户 0 位 · 完成待办 1 项',
        '',
        '**今日需关注**',
        '- 7天内到期且30天未联系的保单 1 单，请督促业务员今天联系：赵一《安享重疾》3天后到期（王芳）',
        '- 超时未处理工单 1 个，请协调处理：「保单地址变更投诉」（王芳）',
        '- 逾期待办 1 项，请提醒完成或调整：李强 1 项',
        '- 昨日合规命中 1 条，请在合规页复核：收益承诺 1 条',
        '- 昨日 1 位客户删除了业务员，请了解原因：王芳 1 位',
        '',
        '更多明细请在企保小程序「报表」页查看。',
      ].join('\n'),
    );
    expect(Buffer.byteLength(body)).toBeLessThanOrEqual(DIGEST_MAX_BYTES);
  });

  test('when a scope has more exceptions than fit in 2048 bytes, then examples are dropped before headlines', () => {
    const sections = Array.from({ length: 6 }, (_, i) => ({
      headline: `第${i + 1}类异常 99 项，请处理`,
      examples: Array.from({ length: 40 }, (_, j) => `非常长的客户名称与保单说明第${j}条`),
    }));
    const text = renderDigest(
      '企保日报 · 2026-06-10 · 某团队',
      '昨日：沟通 0 次',
      sections,
      '更多明细请在小程序查看。',
    );
    expect(Buffer.byteLength(text)).toBeLessThanOrEqual(DIGEST_MAX_BYTES);
    for (let i = 1; i <= 6; i++) expect(text).toContain(`第${i}类异常 99 项`);
  });
});
