import { Writable } from 'node:stream';
import { pino } from 'pino';
import { describe, expect, test } from 'vitest';
import { makeIdNumber, randomMobile } from '../factories/customers.js';
import { orgFactory } from '../factories/org.js';
import { buildTestApp } from '../setup/test-app.js';
import { useTestDatabase } from '../setup/test-db.js';

const db = useTestDatabase();

describe('logs', () => {
  test('when customers are created, searched, refused and revealed, then no log line holds an ID number or a full phone (even without redaction)', async () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk, _enc, done) {
        lines.push(String(chunk));
        done();
      },
    });
    // A logger with no redaction at all: this checks what the code logs, not what pino hides.
    const t = buildTestApp(db(), { logger: pino({ level: 'trace' }, sink) });
    const agent = await orgFactory(db).user('agent');
    const auth = `Bearer ${await t.tokenFor(agent)}`;
    const phone = randomMobile();
    const idNumber = makeIdNumber('1991-09-09');
    const created = await t
      .http()
      .post('/api/v1/customers')
      .set('authorization', auth)
      .send({ name: '日志客户', phones: [{ number: phone }], idNumber });
    expect(created.status).toBe(201);
    expect(
      (
        await t
          .http()
          .post('/api/v1/customers')
          .set('authorization', auth)
          .send({ name: '重复', phones: [{ number: phone }] })
      ).status,
    ).toBe(409);
    expect(
      (await t.http().post('/api/v1/customers').set('authorization', auth).send({ name: '重复', idNumber }))
        .status,
    ).toBe(409);
    expect((await t.http().get(`/api/v1/customers?q=${phone}`).set('authorization', auth)).status).toBe(200);
    expect((await t.http().get(`/api/v1/customers?q=${idNumber}`).set('authorization', auth)).status).toBe(
      200,
    );
    expect(
      (await t.http().get(`/api/v1/customers/${created.body.id}?reveal=idNumber`).set('authorization', auth))
        .status,
    ).toBe(200);
    const bad = await t
      .http()
      .post('/api/v1/customers')
      .set('authorization', auth)
      .send({ name: 'x', idNumber: `${idNumber.slice(0, 17)}0`, phones: [{ number: `${phone}9` }] });
    expect(bad.status).toBe(400);
    const text = lines.join('');
    expect(lines.length).toBeGreaterThan(5);
    expect(text).not.toContain(phone);
    expect(text).not.toContain(idNumber);
    expect(text).not.toContain(idNumber.slice(0, 17));
  });
});
