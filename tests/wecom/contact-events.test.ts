import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { channelFromState } from '#core/wecom/contact-events';
import { orgFactory } from '../factories/org.js';
import { useTestDatabase } from '../setup/test-db.js';
import { startHarness, type Harness } from './harness.js';

const db = useTestDatabase();
const org = orgFactory(db);

describe('customer-contact events through POST /wecom/callback', () => {
  let h: Harness;
  const added: { externalUserId: string; userId: string; channel: string; state: string | undefined }[] = [];
  const removed: { externalUserId: string; by: string }[] = [];
  let agentId = '';
  let leadId = '';

  beforeAll(async () => {
    const team = await org.team();
    const agent = await org.user('agent', { team }, { name: '张伟' });
    const lead = await org.user('team_lead', { team }, { name: '李强' });
    agentId = agent.wecomUserId;
    leadId = lead.wecomUserId;
    h = await startHarness(db(), {
      members: [agentId, leadId],
      contactPorts: {
        onContactAdded: async (i) => void added.push(i),
        onContactRemoved: async (i) => void removed.push(i),
      },
    });
  });
  afterAll(() => h.close());

  test('when a customer adds an agent through a referral QR code, then the relationship is recorded with channel 转介绍 and lead intake is told', async () => {
    const res = await h.sim.addExternalContact({
      userId: agentId,
      externalUserId: 'wmCust0001',
      state: 'referral_zhangsan',
    });
    expect(res.status).toBe(200);
    await h.services.wecom.dispatcher.idle();
    const rel = await db().models.WecomExternalContact.findOne({ externalUserId: 'wmCust0001' }).lean();
    expect(rel).toMatchObject({
      userId: agentId,
      status: 'active',
      state: 'referral_zhangsan',
      channel: '转介绍',
    });
    expect(added).toEqual([
      expect.objectContaining({
        externalUserId: 'wmCust0001',
        userId: agentId,
        channel: '转介绍',
        state: 'referral_zhangsan',
      }),
    ]);
  });

  test('when the customer deletes the agent, then the edge is marked and the agent’s team lead gets an alert in WeCom', async () => {
    await h.sim.customerDeletesMember({ userId: agentId, externalUserId: 'wmCust0001' });
    await h.services.wecom.dispatcher.idle();
    const rel = await db().models.WecomExternalContact.findOne({ externalUserId: 'wmCust0001' }).lean();
    expect(rel?.status).toBe('deleted_by_customer');
    expect(removed).toEqual([{ externalUserId: 'wmCust0001', userId: agentId, by: 'customer' }]);
    const alerts = h.sim.delivered(leadId);
    expect(alerts).toHaveLength(1);
    expect(alerts[0]?.preview).toContain('张伟');
    expect(alerts[0]?.preview).toContain('客户流失提醒');
    expect(h.sim.delivered(agentId)).toHaveLength(0);
  });

  test('when the agent deletes a customer, then the edge is marked but nobody is alerted', async () => {
    await h.sim.addExternalContact({ userId: agentId, externalUserId: 'wmCust0002' });
    await h.sim.memberDeletesCustomer({ userId: agentId, externalUserId: 'wmCust0002' });
    await h.services.wecom.dispatcher.idle();
    const rel = await db().models.WecomExternalContact.findOne({ externalUserId: 'wmCust0002' }).lean();
    expect(rel).toMatchObject({ status: 'deleted_by_member', channel: '企微扫码' });
    expect(h.sim.delivered(leadId)).toHaveLength(1); // still only the earlier alert
  });

  test('channel names come from the State prefix; unknown or missing state means 企微扫码', () => {
    expect(channelFromState('ad_douyin_11')).toBe('广告');
    expect(channelFromState('miniprogram')).toBe('小程序');
    expect(channelFromState('xyz')).toBe('企微扫码');
    expect(channelFromState(undefined)).toBe('企微扫码');
  });
});
