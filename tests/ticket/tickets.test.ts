import { beforeAll, describe, expect, test } from 'vitest';
import { SLA_HOURS } from '#core/ticket/ticket.sla';
import { useTestDatabase } from '../setup/test-db.js';
import { buildWorld, type World } from '../customer/world.js';

const db = useTestDatabase();
let w: World;
let now = new Date('2026-11-22T02:00:00Z');
beforeAll(async () => {
  w = await buildWorld(db, { clock: () => now });
});

describe('POST /api/v1/tickets', () => {
  test.each([
    ['complaint', 'urgent', 2],
    ['complaint', 'normal', 24],
    ['claim_assist', 'high', 8],
    ['preservation', 'low', 120],
    ['consult', 'normal', 48],
  ] as const)(
    'when a %s ticket with urgency %s is opened, then its SLA is %i hours and it goes to the customer’s team queue',
    async (type, urgency, hours) => {
      now = new Date('2026-11-22T02:00:00Z');
      const c = await w.f.customer(w.users.a1);
      const res = await w.t
        .http()
        .post('/api/v1/tickets')
        .set('authorization', await w.auth(w.users.a1))
        .send({ customerId: c.id, type, urgency, title: '工单' });
      expect(res.status).toBe(201);
      expect(SLA_HOURS[type][urgency]).toBe(hours);
      expect(res.body).toMatchObject({
        slaHours: hours,
        queueTeamId: w.teams.teamA1.id,
        status: 'open',
        breached: false,
      });
      expect(new Date(res.body.slaDueAt).getTime() - now.getTime()).toBe(hours * 3_600_000);
    },
  );

  test('when the SLA passes while open, then it is flagged breached and listed by breached=true; resolving late keeps the flag', async () => {
    now = new Date('2026-11-22T02:00:00Z');
    const c = await w.f.customer(w.users.a2);
    const auth = async () => w.auth(w.users.a2);
    const open = await w.t
      .http()
      .post('/api/v1/tickets')
      .set('authorization', await auth())
      .send({ customerId: c.id, type: 'complaint', urgency: 'high', title: '投诉：理赔太慢' });
    expect(open.body.typeLabel).toBe('投诉');
    now = new Date('2026-11-22T05:59:00Z');
    expect(
      (
        await w.t
          .http()
          .get(`/api/v1/tickets/${open.body.id}`)
          .set('authorization', await auth())
      ).body.breached,
    ).toBe(false);
    expect(
      (
        await w.t
          .http()
          .get('/api/v1/tickets?breached=true')
          .set('authorization', await auth())
      ).body.total,
    ).toBe(0);
    now = new Date('2026-11-22T06:01:00Z');
    expect(
      (
        await w.t
          .http()
          .get(`/api/v1/tickets/${open.body.id}`)
          .set('authorization', await auth())
      ).body.breached,
    ).toBe(true);
    const breached = await w.t
      .http()
      .get('/api/v1/tickets?breached=true')
      .set('authorization', await auth());
    expect(breached.body.items.map((t: { id: string }) => t.id)).toEqual([open.body.id]);
    const resolved = await w.t
      .http()
      .patch(`/api/v1/tickets/${open.body.id}`)
      .set('authorization', await auth())
      .send({ status: 'resolved', resolution: '已加急处理' });
    expect(resolved.body).toMatchObject({ status: 'resolved', breached: true });
    now = new Date('2026-12-22T06:01:00Z');
    expect(
      (
        await w.t
          .http()
          .get(`/api/v1/tickets/${open.body.id}`)
          .set('authorization', await auth())
      ).body.breached,
    ).toBe(true);
    const closed = await w.t
      .http()
      .patch(`/api/v1/tickets/${open.body.id}`)
      .set('authorization', await auth())
      .send({ status: 'closed' });
    expect(closed.status).toBe(200);
    const again = await w.t
      .http()
      .patch(`/api/v1/tickets/${open.body.id}`)
      .set('authorization', await auth())
      .send({ status: 'open' });
    expect(again.status).toBe(409);
    const audits = await db().models.AuditLog.find({ recordId: open.body.id }).sort({ at: 1, _id: 1 }).lean();
    expect(audits.map((a) => a.action)).toEqual(['create', 'update', 'update']);
  });

  test('when the ticket is resolved in time, then it is not breached later', async () => {
    now = new Date('2026-11-22T02:00:00Z');
    const c = await w.f.customer(w.users.a2);
    const t = await w.t
      .http()
      .post('/api/v1/tickets')
      .set('authorization', await w.auth(w.users.a2))
      .send({ customerId: c.id, type: 'consult', urgency: 'urgent', title: '咨询' });
    now = new Date('2026-11-22T03:00:00Z');
    await w.t
      .http()
      .patch(`/api/v1/tickets/${t.body.id}`)
      .set('authorization', await w.auth(w.users.a2))
      .send({ status: 'resolved' });
    now = new Date('2026-11-25T03:00:00Z');
    const res = await w.t
      .http()
      .get(`/api/v1/tickets/${t.body.id}`)
      .set('authorization', await w.auth(w.users.a2));
    expect(res.body.breached).toBe(false);
  });
});
