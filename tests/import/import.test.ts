import ExcelJS from 'exceljs';
import { Types } from 'mongoose';
import { beforeAll, describe, expect, test } from 'vitest';
import { parseSheetDate } from '#core/import/dates';
import type { UserRecord } from '#core/user/user.repository';
import { orgFactory } from '../factories/org.js';
import { randomMobile } from '../factories/customers.js';
import { buildTestApp, type TestApp } from '../setup/test-app.js';
import { useTestDatabase } from '../setup/test-db.js';

const db = useTestDatabase();
const org = orgFactory(db);
let t: TestApp;
let agent: UserRecord;
const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

beforeAll(async () => {
  t = buildTestApp(db());
  agent = await org.user('agent');
});

async function workbook(rows: unknown[][]): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('客户');
  for (const r of rows) ws.addRow(r);
  return Buffer.from(await wb.xlsx.writeBuffer());
}
const HEAD = [
  '姓名',
  '性别',
  '生日',
  '手机号',
  '保单号',
  '保险公司',
  '险种',
  '保费',
  '生效日期',
  '到期日期',
  '受益人',
];

async function post(file: Buffer, query: string, type = XLSX) {
  return t
    .http()
    .post(`/api/v1/imports?${query}`)
    .set('authorization', `Bearer ${await t.tokenFor(agent)}`)
    .set('content-type', type)
    .send(file);
}

describe('parseSheetDate', () => {
  test('when dates come as Excel serial, 2026/1/5, 2026-01-05 or 2026年1月5日, then all are 2026-01-05; impossible dates are refused', () => {
    for (const v of [
      46027,
      '46027',
      '2026/1/5',
      '2026-01-05',
      '2026年1月5日',
      new Date(Date.UTC(2026, 0, 5)),
    ]) {
      expect(parseSheetDate(v)).toBe('2026-01-05');
    }
    expect(parseSheetDate('2026-02-30')).toBeUndefined();
    expect(parseSheetDate('明天')).toBeUndefined();
  });
});

describe('POST /api/v1/imports', () => {
  test('when a sheet has valid, duplicate and invalid rows, then the dry run reports each row and writes nothing; the real run imports; a second run adds nothing', async () => {
    const p1 = randomMobile();
    const p2 = randomMobile();
    const file = await workbook([
      HEAD,
      [
        '张一',
        '男',
        '1980/2/3',
        p1,
        'T-1001',
        '平安人寿',
        '重疾',
        '¥5,000',
        46027,
        '2027年1月4日',
        '李一(配偶)',
      ],
      ['张二', '女', '', p2, 'T-1002', '平安人寿', '医疗险', 800, '2026-01-05', '2027-01-04', ''],
      ['张一', '男', '1980/2/3', p1, 'T-1001', '平安人寿', '重疾', 5000, '2026/1/5', '2027/1/4', ''],
      ['', '男', '', randomMobile(), '', '', '', '', '', '', ''],
      ['王三', '男', '', '12345', '', '', '', '', '', '', ''],
      ['赵四', '女', '', randomMobile(), 'T-1004', '平安人寿', '意外', 100, '2026-01-05', '2025-01-04', ''],
    ]);
    const dry = await post(file, 'dryRun=true&fileName=a.xlsx');
    expect(dry.status).toBe(200);
    expect(dry.body).toMatchObject({
      status: 'done',
      total: 6,
      valid: 2,
      duplicates: 1,
      invalid: 3,
      createdCustomers: 0,
    });
    const rows = dry.body.rows.items as {
      row: number;
      status: string;
      duplicateOf: string | null;
      reasons: string[];
    }[];
    expect(rows.map((r) => r.status)).toEqual([
      'valid',
      'valid',
      'duplicate',
      'invalid',
      'invalid',
      'invalid',
    ]);
    expect(rows[2]?.duplicateOf).toBe('row:2');
    expect(rows[3]?.reasons).toContain('姓名：不能为空');
    expect(rows[4]?.reasons).toContain('手机号：不是有效的中国大陆手机号');
    expect(rows[5]?.reasons).toContain('到期日期：必须晚于生效日期');
    expect(await db().models.Customer.countDocuments({ 'phones.number': `+86${p1}` })).toBe(0);

    const real = await post(file, 'dryRun=false&fileName=a.xlsx');
    expect(real.status).toBe(202);
    await t.services.imports.settled(real.body.id);
    const done = await t
      .http()
      .get(`/api/v1/imports/${real.body.id}`)
      .set('authorization', `Bearer ${await t.tokenFor(agent)}`);
    expect(done.body).toMatchObject({
      status: 'done',
      processed: 6,
      createdCustomers: 2,
      createdPolicies: 2,
    });
    const policy = await db().models.Policy.findOne({ number: 'T-1001' }).lean();
    expect(policy).toMatchObject({
      premium: 5000,
      effectiveDate: '2026-01-05',
      expiryDate: '2027-01-04',
      line: '重疾',
      beneficiaries: [{ name: '李一' }],
    });
    expect(policy?.ownerId.toString()).toBe(agent.id);

    const again = await post(file, 'dryRun=false&fileName=a.xlsx');
    await t.services.imports.settled(again.body.id);
    const second = await t.services.imports.get(
      { kind: 'staff', userId: agent.id, role: 'agent', scope: { level: 'own', userId: agent.id } },
      again.body.id,
    );
    expect(second).toMatchObject({
      status: 'done',
      createdCustomers: 0,
      createdPolicies: 0,
      duplicates: 3,
      valid: 0,
    });
    expect(await db().models.Customer.countDocuments({ 'phones.number': `+86${p1}` })).toBe(1);
  });

  test('when the header names differ, then a caller mapping is used; a CSV works the same way', async () => {
    const phone = randomMobile();
    const csv = Buffer.from(`\uFEFF客户,联系方式\n"钱五",${phone}\n`);
    const res = await post(
      csv,
      `dryRun=true&fileName=a.csv&mapping=${encodeURIComponent(JSON.stringify({ name: '客户', phone: '联系方式' }))}`,
      'text/csv',
    );
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ total: 1, valid: 1 });
  });

  test('when the file is corrupt, empty or a formula has no value, then the answer says so clearly and nothing is imported', async () => {
    const corrupt = await post(
      Buffer.concat([Buffer.from([0x50, 0x4b, 0x03, 0x04]), Buffer.from('garbage')]),
      'dryRun=false',
    );
    expect(corrupt.status).toBe(202);
    await t.services.imports.settled(corrupt.body.id);
    expect(
      await t.services.imports.get(
        { kind: 'staff', userId: agent.id, role: 'agent', scope: { level: 'own', userId: agent.id } },
        corrupt.body.id,
      ),
    ).toMatchObject({
      status: 'rolled_back',
      error: '文件已损坏或不是有效的 xlsx/csv 文件',
    });

    const empty = await post(await workbook([]), 'dryRun=true');
    expect(empty.status).toBe(422);
    expect(empty.body.error.message).toContain('工作表为空');

    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('s');
    ws.addRow(['姓名', '手机号']);
    ws.addRow([{ formula: 'CONCAT("孙","六")' }, randomMobile()]);
    const formula = await post(Buffer.from(await wb.xlsx.writeBuffer()), 'dryRun=true');
    expect(formula.status).toBe(200);
    expect(formula.body.rows.items[0].reasons[0]).toContain('公式');
  });

  test('when the file is larger than the limit, then 413', async () => {
    const small = buildTestApp(db());
    Object.assign(small.services.imports.limits, { maxBytes: 100 });
    const res = await small
      .http()
      .post('/api/v1/imports?dryRun=true')
      .set('authorization', `Bearer ${await small.tokenFor(agent)}`)
      .set('content-type', 'text/csv')
      .send(Buffer.alloc(500, 0x41));
    expect(res.status).toBe(413);
    expect(res.body.error.code).toBe('IMPORT_TOO_LARGE');
  });
});

describe('recoverInterrupted', () => {
  test('when a process died during a real run, then at start-up everything that run created is deleted and the import is marked rolled back; a live run is left alone', async () => {
    const m = db().models;
    const old = new Date(Date.now() - 3600_000);
    const customerId = new Types.ObjectId();
    const phone = `+86${randomMobile()}`;
    const dead = new Types.ObjectId();
    const live = new Types.ObjectId();
    const base = {
      fileName: 'x.xlsx',
      fileHash: 'h',
      bytes: 1,
      ownerId: new Types.ObjectId(agent.id),
      createdBy: new Types.ObjectId(agent.id),
      dryRun: false,
      status: 'running',
      total: 0,
      processed: 0,
    };
    await m.Import.collection.insertMany([
      { _id: dead, ...base, heartbeatAt: old, createdAt: old, updatedAt: old },
      { _id: live, ...base, heartbeatAt: new Date(), createdAt: old, updatedAt: new Date() },
    ]);
    await m.Customer.collection.insertOne({
      _id: customerId,
      name: '半截',
      nameInitials: 'bj',
      namePinyin: 'banjie',
      ownerId: new Types.ObjectId(agent.id),
    });
    await m.CustomerPhoneKey.create({ phone, customerId });
    await m.ImportCreated.insertMany([
      { importId: dead, entity: 'customer', ref: customerId.toString() },
      { importId: dead, entity: 'phone', ref: phone },
    ]);
    expect(await t.services.imports.recoverInterrupted()).toBe(1);
    expect(await m.Customer.countDocuments({ _id: customerId })).toBe(0);
    expect(await m.CustomerPhoneKey.countDocuments({ phone })).toBe(0);
    expect((await m.Import.findById(dead).lean())?.status).toBe('rolled_back');
    expect((await m.Import.findById(live).lean())?.status).toBe('running');
  });
});
