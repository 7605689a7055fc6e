import { Types } from 'mongoose';
import { describe, expect, test } from 'vitest';
import { createSurveyService } from '#core/notification/survey.service';
import { orgFactory } from '../factories/org.js';
import { buildTestApp, TEST_SECRET } from '../setup/test-app.js';
import { useTestDatabase } from '../setup/test-db.js';
import { manualClock, outboxFor, recordingChannels } from './support.js';

const db = useTestDatabase();
const org = orgFactory(db);

describe('GET /api/v1/notifications', () => {
  test('when an agent, their team lead and another team lead list notifications, then each sees only their scope', async () => {
    const clock = manualClock('2026-03-02T10:00:00+08:00');
    const t = buildTestApp(db(), { clock: clock.now });
    const team = await org.team();
    const agent = await org.user('agent', { team });
    const peer = await org.user('agent', { team });
    const lead = await org.user('team_lead', { team });
    const otherLead = await org.user('team_lead');
    const outbox = outboxFor(db(), { clock, channels: recordingChannels().channels });
    const owner = (u: typeof agent) => ({ userId: u.id, teamId: u.teamId, branchId: u.branchId });
    const tag = new Types.ObjectId().toString();
    for (const [u, n] of [
      [agent, 2],
      [peer, 1],
    ] as const) {
      for (let i = 0; i < n; i++) {
        await outbox.enqueue({
          dedupeKey: `api-test:${tag}:${u.id}:${i}`,
          kind: 'renewal_reminder',
          channel: 'agent_app',
          to: { userId: u.id, wecomUserId: u.wecomUserId },
          owner: owner(u),
          message: { format: 'text', text: '续保提醒' },
        });
      }
    }
    const list = async (u: typeof agent, q = '') =>
      t
        .http()
        .get(`/api/v1/notifications?kind=renewal_reminder${q}`)
        .set('authorization', `Bearer ${await t.tokenFor(u)}`);
    const mine = await list(agent);
    expect(mine.status).toBe(200);
    expect(mine.body.total).toBe(2);
    expect(mine.body.items[0]).toMatchObject({
      kind: 'renewal_reminder',
      status: 'pending',
      channel: 'agent_app',
    });
    expect(mine.body.items[0]).not.toHaveProperty('lockedBy');
    expect((await list(lead)).body.total).toBe(3);
    expect((await list(otherLead)).body.total).toBe(0);
    expect((await list(lead, '&status=sent')).body.total).toBe(0);
    expect((await list(lead, '&status=bogus')).status).toBe(400);
    expect((await t.http().get('/api/v1/notifications')).status).toBe(401);
  });
});

describe('POST /api/v1/surveys/:token', () => {
  async function survey(clockIso: string, sendAtIso: string) {
    const clock = manualClock(clockIso);
    const t = buildTestApp(db(), { clock: clock.now });
    const surveys = createSurveyService({ models: db().models, secret: TEST_SECRET, clock: clock.now });
    const claimId = new Types.ObjectId().toString();
    const { token } = await surveys.ensureForClosedClaim({
      claimId,
      claimNumber: 'CLM-001',
      customerId: new Types.ObjectId().toString(),
      ownerId: new Types.ObjectId().toString(),
      teamId: undefined,
      branchId: undefined,
      sendAt: new Date(sendAtIso),
    });
    return { t, token, clock, claimId };
  }

  test('when the customer answers 5 with a comment, then it is recorded once and a second answer is refused with 409', async () => {
    const { t, token, claimId } = await survey('2026-03-10T10:00:00+08:00', '2026-03-09T12:00:00+08:00');
    const view = await t.http().get(`/api/v1/surveys/${token}`);
    expect(view.status).toBe(200);
    expect(view.body).toMatchObject({ claimNumber: 'CLM-001', status: 'sent', score: null });
    const res = await t.http().post(`/api/v1/surveys/${token}`).send({ score: 5, comment: '理赔很快，谢谢' });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ claimNumber: 'CLM-001', score: 5 });
    const stored = await db()
      .models.Survey.findOne({ claimId: new Types.ObjectId(claimId) })
      .lean();
    expect(stored).toMatchObject({ status: 'answered', score: 5, comment: '理赔很快，谢谢' });
    const again = await t.http().post(`/api/v1/surveys/${token}`).send({ score: 1 });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('SURVEY_ALREADY_ANSWERED');
  });

  test('when the score is outside 1–5, the token unknown, or the window closed, then it answers 400, 404 and 410', async () => {
    const { t, token } = await survey('2026-03-10T10:00:00+08:00', '2026-03-09T12:00:00+08:00');
    expect((await t.http().post(`/api/v1/surveys/${token}`).send({ score: 6 })).status).toBe(400);
    expect((await t.http().post(`/api/v1/surveys/${token}`).send({ score: 3, extra: 1 })).status).toBe(400);
    const unknown = 'x'.repeat(43);
    expect((await t.http().post(`/api/v1/surveys/${unknown}`).send({ score: 3 })).status).toBe(404);
    const late = await survey('2026-05-01T10:00:00+08:00', '2026-03-01T12:00:00+08:00');
    const res = await late.t.http().post(`/api/v1/surveys/${late.token}`).send({ score: 3 });
    expect(res.status).toBe(410);
    expect(res.body.error.code).toBe('SURVEY_EXPIRED');
  });

  test('when the survey is not due yet (before its send time), then the token is not usable', async () => {
    const { t, token } = await survey('2026-03-10T10:00:00+08:00', '2026-03-17T10:00:00+08:00');
    expect((await t.http().post(`/api/v1/surveys/${token}`).send({ score: 4 })).status).toBe(404);
  });
});
