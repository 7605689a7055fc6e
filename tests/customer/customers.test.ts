import { beforeAll, describe, expect, test } from 'vitest';
import { createPiiCipher } from '#core/security/pii';
import { makeIdNumber, randomMobile } from '../factories/customers.js';
import { TEST_SECRET } from '../setup/test-app.js';
import { useTestDatabase } from '../setup/test-db.js';
import { buildWorld, type World } from './world.js';

const db = useTestDatabase();
let w: World;
beforeAll(async () => {
  w = await buildWorld(db);
});

describe('POST /api/v1/customers', () => {
  test('when an agent creates a customer, then phones are stored as E.164 with last-4 and pinyin keys, owned by the agent', async () => {
    const res = await w.t
      .http()
      .post('/api/v1/customers')
      .set('authorization', await w.auth(w.users.a1))
      .send({
        name: '欧阳娜娜',
        gender: 'female',
        birthday: '1990-03-07',
        occupation: '教师',
        phones: [{ number: '138 0013 8000' }],
        family: [{ relation: 'child', name: '欧阳小米', birthday: '2018-06-01' }],
        preferences: { channel: 'wecom', risk: '平衡' },
        softInfo: { notes: '喜欢周末联系', tags: ['教育金'] },
        tags: ['高净值'],
      });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      name: '欧阳娜娜',
      ownerId: w.users.a1.id,
      teamId: w.users.a1.teamId,
      phones: [{ number: '+8613800138000', label: 'mobile' }],
      segmentation: { book: 'general', lifecycle: 'potential' },
    });
    const raw = await db().models.Customer.findById(res.body.id).lean();
    expect(raw).toMatchObject({ nameInitials: 'oynn', phoneLast4: ['8000'], birthdayMd: '03-07' });
    expect(raw?.family[0]?.birthdayMd).toBe('06-01');
    const audit = await db().models.AuditLog.find({ recordId: res.body.id }).lean();
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({
      action: 'create',
      entity: 'customer',
      actorId: w.users.a1.id,
      source: 'api',
    });
    expect(audit[0]!.changes.map((c) => c.field)).toContain('name');
  });

  test('when an ID number is given, then the raw customers collection holds no plaintext of it', async () => {
    const idNumber = makeIdNumber('1988-08-08');
    const res = await w.t
      .http()
      .post('/api/v1/customers')
      .set('authorization', await w.auth(w.users.a1))
      .send({ name: '李秘', idNumber, phones: [{ number: randomMobile() }] });
    expect(res.status).toBe(201);
    expect(res.body.idNumber).toBe(`${idNumber.slice(0, 3)}***********${idNumber.slice(-4)}`);
    expect(res.body.idNumberMasked).toBe(true);
    // Read the collection directly, bypassing mongoose: no field anywhere contains the number or its birth date part.
    const rawDocs = await db().connection.db!.collection('customers').find({}).toArray();
    const dump = JSON.stringify(rawDocs);
    expect(dump).not.toContain(idNumber);
    expect(dump).not.toContain(idNumber.slice(6, 14));
    const mine = rawDocs.find((d) => String(d._id) === res.body.id)!;
    expect(createPiiCipher(TEST_SECRET).decrypt(mine.idNumberEnc as string)).toBe(idNumber);
    // Nor does the audit log.
    const auditDump = JSON.stringify(await db().connection.db!.collection('audit_logs').find({}).toArray());
    expect(auditDump).not.toContain(idNumber);
  });

  test('when the phone already belongs to a customer in scope, then it answers 409 with the existing id and writes nothing', async () => {
    const phone = randomMobile();
    const existing = await w.f.customer(w.users.a1, {
      name: '王芳',
      phones: [{ number: phone, label: 'mobile' }],
    });
    const before = await db().models.Customer.countDocuments();
    const res = await w.t
      .http()
      .post('/api/v1/customers')
      .set('authorization', await w.auth(w.users.a1))
      .send({ name: '王芳2', phones: [{ number: `+86${phone}` }] });
    expect(res.status).toBe(409);
    expect(res.body.error).toMatchObject({
      code: 'CUSTOMER_PHONE_TAKEN',
      details: { existingId: existing.id },
    });
    expect(await db().models.Customer.countDocuments()).toBe(before);
  });

  test('when the phone belongs to another team’s customer, then it answers 409 without revealing the id', async () => {
    const phone = randomMobile();
    await w.f.customer(w.users.b1, { name: '赵六', phones: [{ number: phone, label: 'mobile' }] });
    const res = await w.t
      .http()
      .post('/api/v1/customers')
      .set('authorization', await w.auth(w.users.a1))
      .send({ name: '赵六', phones: [{ number: phone }] });
    expect(res.status).toBe(409);
    expect(res.body.error.details.existingId).toBeUndefined();
    expect(JSON.stringify(res.body)).not.toContain('赵六');
  });

  test('when fields are invalid, then it answers 400 naming each field in Chinese and writes nothing', async () => {
    const beforeCustomers = await db().models.Customer.countDocuments();
    const beforeKeys = await db().models.CustomerPhoneKey.countDocuments();
    const res = await w.t
      .http()
      .post('/api/v1/customers')
      .set('authorization', await w.auth(w.users.a1))
      .send({
        name: '',
        phones: [{ number: randomMobile() }, { number: '12345' }],
        idNumber: '110101199001011235',
        occupation: '宇航员',
        birthday: '1990-02-30',
        hobby: 'x',
      });
    expect(res.status).toBe(400);
    const paths = (res.body.error.details as { path: string }[]).map((d) => d.path).sort();
    expect(paths).toEqual(['(body)', 'birthday', 'idNumber', 'name', 'occupation', 'phones.1.number']);
    const phoneIssue = (res.body.error.details as { path: string; message: string }[]).find(
      (d) => d.path === 'phones.1.number',
    );
    expect(phoneIssue?.message).toBe('不是有效的中国大陆手机号');
    expect(await db().models.Customer.countDocuments()).toBe(beforeCustomers);
    expect(await db().models.CustomerPhoneKey.countDocuments()).toBe(beforeKeys);
  });

  test('when the referrer is out of scope, then it answers 422 and no phone key is left behind', async () => {
    const other = await w.f.customer(w.users.b1, { name: '外部推荐人' });
    const phone = randomMobile();
    const res = await w.t
      .http()
      .post('/api/v1/customers')
      .set('authorization', await w.auth(w.users.a1))
      .send({ name: '被推荐人', referrerId: other.id, phones: [{ number: phone }] });
    expect(res.status).toBe(422);
    expect(res.body.error.details).toEqual([{ path: 'referrerId', message: '推荐人不存在或无权访问' }]);
    expect(await db().models.CustomerPhoneKey.countDocuments({ phone: `+86${phone}` })).toBe(0);
  });

  test('when an agent tries to create a customer for another agent, then it answers 422', async () => {
    const res = await w.t
      .http()
      .post('/api/v1/customers')
      .set('authorization', await w.auth(w.users.a1))
      .send({ name: '代建', ownerId: w.users.a1b.id });
    expect(res.status).toBe(422);
    expect(res.body.error.code).toBe('CUSTOMER_OWNER_INVALID');
  });

  test('when a team lead creates a customer for an agent of the team, then the agent owns it', async () => {
    const res = await w.t
      .http()
      .post('/api/v1/customers')
      .set('authorization', await w.auth(w.users.leadA1))
      .send({ name: '分配客户', ownerId: w.users.a1b.id });
    expect(res.status).toBe(201);
    expect(res.body.ownerId).toBe(w.users.a1b.id);
  });
});

describe('GET /api/v1/customers (search)', () => {
  test('when searching by pinyin initials, name substring, full phone, last 4 digits or policy number, then the customer is found', async () => {
    const phone = randomMobile();
    const c = await w.f.customer(w.users.a1b, {
      name: '诸葛三丰',
      phones: [{ number: phone, label: 'mobile' }],
    });
    const p = await w.f.policy(w.users.a1b, c.id, { number: `ZG${Date.now()}` });
    const auth = await w.auth(w.users.a1b);
    const find = async (q: string) => {
      const res = await w.t.http().get('/api/v1/customers').query({ q }).set('authorization', auth);
      expect(res.status).toBe(200);
      return (res.body.items as { id: string }[]).map((i) => i.id);
    };
    expect(await find('zgsf')).toContain(c.id);
    expect(await find('ZGS')).toContain(c.id);
    expect(await find('zhuge')).toContain(c.id);
    expect(await find('葛三')).toContain(c.id);
    expect(await find(phone)).toContain(c.id);
    expect(await find(`+86 ${phone.slice(0, 3)} ${phone.slice(3, 7)} ${phone.slice(7)}`)).toContain(c.id);
    expect(await find(phone.slice(-4))).toContain(c.id);
    expect(await find(p.number)).toContain(c.id);
    expect(await find('xyz')).not.toContain(c.id);
  });

  test('when zs is searched, then 张三 is found, and only among the caller’s own customers', async () => {
    const mine = await w.f.customer(w.users.a2, { name: '张三' });
    const theirs = await w.f.customer(w.users.b1, { name: '张三丰' });
    const res = await w.t
      .http()
      .get('/api/v1/customers?q=zs')
      .set('authorization', await w.auth(w.users.a2));
    const ids = (res.body.items as { id: string }[]).map((i) => i.id);
    expect(ids).toContain(mine.id);
    expect(ids).not.toContain(theirs.id);
    const admin = await w.t
      .http()
      .get('/api/v1/customers?q=zs&pageSize=100')
      .set('authorization', await w.auth(w.users.admin));
    expect((admin.body.items as { id: string }[]).map((i) => i.id)).toEqual(
      expect.arrayContaining([mine.id, theirs.id]),
    );
  });

  test('when filtering by tag and paging, then only matches come back and pageSize has a hard maximum', async () => {
    for (let i = 0; i < 3; i++) await w.f.customer(w.users.a1, { name: `标签客户${i}`, tags: ['分页测试'] });
    const auth = await w.auth(w.users.a1);
    const page = await w.t.http().get('/api/v1/customers?tag=分页测试&pageSize=2').set('authorization', auth);
    expect(page.body).toMatchObject({ total: 3, page: 1, pageSize: 2 });
    expect(page.body.items).toHaveLength(2);
    expect(page.body.items[0].idNumber).toBeUndefined();
    const tooBig = await w.t.http().get('/api/v1/customers?pageSize=101').set('authorization', auth);
    expect(tooBig.status).toBe(400);
    const unknown = await w.t.http().get('/api/v1/customers?color=red').set('authorization', auth);
    expect(unknown.status).toBe(400);
  });
});

describe('GET /api/v1/customers/:id (PII)', () => {
  test('when the owner asks for reveal=idNumber, then the full number is returned and the read is audited', async () => {
    const idNumber = makeIdNumber('1979-11-30');
    const c = await w.f.customer(w.users.a1, { name: '钱多多', idNumber });
    const res = await w.t
      .http()
      .get(`/api/v1/customers/${c.id}?reveal=idNumber`)
      .set('authorization', await w.auth(w.users.a1))
      .set('x-request-id', 'req-reveal-0001');
    expect(res.status).toBe(200);
    expect(res.body.customer).toMatchObject({ idNumber, idNumberMasked: false });
    const reads = await db().models.AuditLog.find({ recordId: c.id, action: 'pii.read' }).lean();
    expect(reads).toHaveLength(1);
    expect(reads[0]).toMatchObject({
      actorId: w.users.a1.id,
      note: 'idNumber',
      requestId: 'req-reveal-0001',
    });
  });

  test('when a team lead asks for reveal=idNumber, then it answers 403 and nothing is audited as read; without reveal it is masked', async () => {
    const idNumber = makeIdNumber('1979-11-30');
    const c = await w.f.customer(w.users.a1, { name: '孙丽', idNumber });
    const auth = await w.auth(w.users.leadA1);
    const refused = await w.t
      .http()
      .get(`/api/v1/customers/${c.id}?reveal=idNumber`)
      .set('authorization', auth);
    expect(refused.status).toBe(403);
    expect(await db().models.AuditLog.countDocuments({ recordId: c.id, action: 'pii.read' })).toBe(0);
    const masked = await w.t.http().get(`/api/v1/customers/${c.id}`).set('authorization', auth);
    expect(masked.body.customer.idNumber).toBe(`${idNumber.slice(0, 3)}***********${idNumber.slice(-4)}`);
    expect(JSON.stringify(masked.body)).not.toContain(idNumber);
  });

  test('when the same ID number is registered twice, then it answers 409', async () => {
    const idNumber = makeIdNumber('1970-01-01');
    const c = await w.f.customer(w.users.a1, { name: '周一', idNumber });
    const res = await w.t
      .http()
      .post('/api/v1/customers')
      .set('authorization', await w.auth(w.users.a1))
      .send({ name: '周一', idNumber: idNumber.toLowerCase() });
    expect(res.status).toBe(409);
    expect(res.body.error).toMatchObject({ code: 'CUSTOMER_ID_NUMBER_TAKEN', details: { existingId: c.id } });
    const search = await w.t
      .http()
      .get(`/api/v1/customers?q=${idNumber}`)
      .set('authorization', await w.auth(w.users.a1));
    expect((search.body.items as { id: string }[]).map((i) => i.id)).toEqual([c.id]);
  });
});

describe('PATCH /api/v1/customers/:id', () => {
  test('when fields change, then the audit log keeps a before/after diff of exactly the changed fields, PII masked', async () => {
    const oldPhone = randomMobile();
    const c = await w.f.customer(w.users.a1, {
      name: '吴敏',
      region: '上海',
      phones: [{ number: oldPhone, label: 'mobile' }],
    });
    const newPhone = randomMobile();
    const res = await w.t
      .http()
      .patch(`/api/v1/customers/${c.id}`)
      .set('authorization', await w.auth(w.users.a1))
      .send({ region: '杭州', phones: [{ number: newPhone }], tags: ['车主'] });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      region: '杭州',
      phones: [{ number: `+86${newPhone}` }],
      tags: ['车主'],
    });
    const update = await db().models.AuditLog.findOne({ recordId: c.id, action: 'update' }).lean();
    expect(update?.changes.map((ch) => ch.field).sort()).toEqual(['phones', 'region', 'tags']);
    expect(update?.changes.find((ch) => ch.field === 'region')).toMatchObject({
      before: '上海',
      after: '杭州',
    });
    expect(JSON.stringify(update)).not.toContain(newPhone);
    // The old phone is free again; the new one is taken.
    expect(await db().models.CustomerPhoneKey.countDocuments({ phone: `+86${oldPhone}` })).toBe(0);
    expect(await db().models.CustomerPhoneKey.countDocuments({ phone: `+86${newPhone}` })).toBe(1);
  });

  test('when the new phone belongs to someone else, then it answers 409 and nothing changes', async () => {
    const taken = randomMobile();
    const owner = await w.f.customer(w.users.a1, {
      name: '甲',
      phones: [{ number: taken, label: 'mobile' }],
    });
    const c = await w.f.customer(w.users.a1, { name: '乙', region: '北京' });
    const res = await w.t
      .http()
      .patch(`/api/v1/customers/${c.id}`)
      .set('authorization', await w.auth(w.users.a1))
      .send({ region: '天津', phones: [{ number: taken }] });
    expect(res.status).toBe(409);
    expect(res.body.error.details.existingId).toBe(owner.id);
    const stored = await db().models.Customer.findById(c.id).lean();
    expect(stored?.region).toBe('北京');
  });
});
