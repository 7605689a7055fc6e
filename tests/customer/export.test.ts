import ExcelJS from 'exceljs';
import type { Response } from 'supertest';
import { beforeAll, describe, expect, test } from 'vitest';
import { makeIdNumber, randomMobile } from '../factories/customers.js';
import { useTestDatabase } from '../setup/test-db.js';
import { buildWorld, type World } from './world.js';

const db = useTestDatabase();
let w: World;

/** Minimal RFC 4180 reader (quotes, doubled quotes, CRLF) for the exports' CSV. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  const s = text.replace(/^\uFEFF/, '');
  const endCell = () => {
    row.push(cell);
    cell = '';
  };
  for (let i = 0; i < s.length; i++) {
    const ch = s[i];
    if (quoted) {
      if (ch === '"' && s[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') endCell();
    else if (ch === '\n') {
      endCell();
      rows.push(row);
      row = [];
    } else if (ch !== '\r') cell += ch;
  }
  if (cell || row.length) {
    endCell();
    rows.push(row);
  }
  return rows;
}

/** Header → values per data row. */
const records = (rows: string[][]) => {
  const [head, ...data] = rows;
  return data.map((r) => Object.fromEntries((head ?? []).map((h, i) => [h, r[i] ?? ''])));
};

async function xlsxRows(buf: Buffer): Promise<string[][]> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(buf as unknown as ArrayBuffer);
  const ws = wb.worksheets[0];
  const out: string[][] = [];
  ws?.eachRow((row) => {
    const values: string[] = [];
    for (let c = 1; c <= ws.columnCount; c++) {
      const v = row.getCell(c).value;
      values.push(v === null || v === undefined ? '' : String(v));
    }
    out.push(values);
  });
  return out;
}

const binary = (res: Response, cb: (err: Error | null, body: Buffer) => void) => {
  const chunks: Buffer[] = [];
  res.on('data', (c: Buffer) => chunks.push(c));
  res.on('end', () => cb(null, Buffer.concat(chunks)));
};

let ids: { mine: string[]; teammate: string; otherTeam: string };
const idNumbers = new Map<string, string>();
const phones = new Map<string, string>();

beforeAll(async () => {
  w = await buildWorld(db);
  const { a1, a1b, a2 } = w.users;
  const mk = async (owner: typeof a1, name: string, over: { occupation?: '司机'; region?: string } = {}) => {
    const phone = randomMobile();
    const idNumber = makeIdNumber('1985-03-04');
    const c = await w.f.customer(owner, {
      name,
      phones: [{ number: phone, label: 'mobile' }],
      idNumber,
      ...over,
    });
    idNumbers.set(c.id, idNumber);
    phones.set(c.id, phone);
    return c.id;
  };
  ids = {
    mine: [
      await mk(a1, '导出甲', { occupation: '司机', region: '广东省广州市' }),
      await mk(a1, '导出乙'),
      await mk(a1, '另一人'),
    ],
    teammate: await mk(a1b, '导出丙'),
    otherTeam: await mk(a2, '导出丁'),
  };
  await w.f.policy(a1, ids.mine[0] ?? '', { line: '车险', sumInsured: 1_500_000, premium: 5_000 });
  await w.f.policy(a1, ids.mine[1] ?? '', { status: 'lapsed' });
  await w.f.policy(a1b, ids.teammate, {});
  await w.f.policy(a2, ids.otherTeam, {});
});

describe('GET /api/v1/customers/export', () => {
  test('when an agent exports as CSV, then exactly their list comes back with Chinese headers, full phones, masked ID numbers and the segmentation', async () => {
    const res = await w.t
      .http()
      .get('/api/v1/customers/export?format=csv')
      .set('authorization', await w.auth(w.users.a1));
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toContain('text/csv');
    expect(res.headers['content-disposition']).toContain('customers.csv');
    const rows = parseCsv(res.text);
    expect(rows[0]?.slice(0, 6)).toEqual(['姓名', '性别', '生日', '职业', '手机号', '身份证号']);
    const recs = records(rows);
    expect(recs.map((r) => r['姓名']).sort()).toEqual(['另一人', '导出乙', '导出甲'].sort());
    const first = recs.find((r) => r['姓名'] === '导出甲');
    const id0 = ids.mine[0] ?? '';
    expect(first).toMatchObject({
      手机号: phones.get(id0),
      职业: '司机',
      财产风险等级: '高',
      归属顾问: '张伟',
      客户分册: '成交本',
    });
    const idn = idNumbers.get(id0) ?? '';
    expect(first?.['身份证号']).toBe(`${idn.slice(0, 3)}${'*'.repeat(11)}${idn.slice(-4)}`);
    expect(res.text).not.toContain(idn);
    // The same rows as the list endpoint.
    const list = await w.t
      .http()
      .get('/api/v1/customers?pageSize=100')
      .set('authorization', await w.auth(w.users.a1));
    expect(list.body.items.map((c: { name: string }) => c.name).sort()).toEqual(
      recs.map((r) => r['姓名']).sort(),
    );
  });

  test('when the owner agent asks for ID numbers, then they are exported in full and each one is audited as a PII read', async () => {
    const res = await w.t
      .http()
      .get('/api/v1/customers/export?format=csv&reveal=idNumber&q=导出')
      .set('authorization', await w.auth(w.users.a1));
    expect(res.status).toBe(200);
    const recs = records(parseCsv(res.text));
    expect(recs.map((r) => r['姓名']).sort()).toEqual(['导出乙', '导出甲'].sort());
    for (const id of ids.mine.slice(0, 2)) expect(res.text).toContain(idNumbers.get(id));
    const audits = await db()
      .models.AuditLog.find({ action: 'pii.read', actorId: w.users.a1.id, note: 'idNumber export' })
      .lean();
    expect(audits.map((a) => a.recordId).sort()).toEqual(ids.mine.slice(0, 2).sort());
  });

  test('when a team lead exports as xlsx, then the team’s customers (not other teams’) come back with ID numbers masked, and asking for them in full is refused', async () => {
    const res = await w.t
      .http()
      .get('/api/v1/customers/export')
      .set('authorization', await w.auth(w.users.leadA1))
      .buffer(true)
      .parse(binary);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toContain('spreadsheetml');
    const recs = records(await xlsxRows(res.body as Buffer));
    const names = recs.map((r) => r['姓名']);
    expect(names.sort()).toEqual(['另一人', '导出丙', '导出乙', '导出甲'].sort());
    expect(names).not.toContain('导出丁');
    for (const r of recs) expect(r['身份证号']).toMatch(/^\d{3}\*{11}[\dX]{4}$/);

    const reveal = await w.t
      .http()
      .get('/api/v1/customers/export?reveal=idNumber')
      .set('authorization', await w.auth(w.users.leadA1));
    expect(reveal.status).toBe(403);
    expect(reveal.body.error.message).toBe('只有归属顾问和管理员可以导出完整身份证号');
  });

  test('when filtered by lifecycle, then the export holds the same rows as the filtered list', async () => {
    const q = 'lifecycle=churned';
    const [exp, list] = await Promise.all([
      w.t
        .http()
        .get(`/api/v1/customers/export?format=csv&${q}`)
        .set('authorization', await w.auth(w.users.managerA)),
      w.t
        .http()
        .get(`/api/v1/customers?${q}`)
        .set('authorization', await w.auth(w.users.managerA)),
    ]);
    const names = records(parseCsv(exp.text)).map((r) => r['姓名']);
    expect(names).toEqual(['导出乙']);
    expect(list.body.items.map((c: { name: string }) => c.name)).toEqual(names);
  });
});

describe('GET /api/v1/policies/export', () => {
  test('when an agent exports policies as xlsx, then only their policies come back with Chinese headers, customer names and labels; a status filter applies', async () => {
    const res = await w.t
      .http()
      .get('/api/v1/policies/export?format=xlsx')
      .set('authorization', await w.auth(w.users.a1))
      .buffer(true)
      .parse(binary);
    expect(res.status).toBe(200);
    const rows = await xlsxRows(res.body as Buffer);
    expect(rows[0]?.slice(0, 5)).toEqual(['保单号', '保险公司', '产品', '险种', '客户']);
    const recs = records(rows);
    expect(recs.map((r) => r['客户']).sort()).toEqual(['导出乙', '导出甲'].sort());
    expect(recs.find((r) => r['客户'] === '导出甲')).toMatchObject({
      险种: '车险',
      保额: '1500000',
      缴费方式: '年缴',
      状态: '保障中',
    });

    const lapsed = await w.t
      .http()
      .get('/api/v1/policies/export?format=csv&status=lapsed')
      .set('authorization', await w.auth(w.users.leadA1));
    const recsLapsed = records(parseCsv(lapsed.text));
    expect(recsLapsed.map((r) => [r['客户'], r['状态']])).toEqual([['导出乙', '已失效']]);
  });

  test('when a team lead exports, then policies of other teams are not in it', async () => {
    const res = await w.t
      .http()
      .get('/api/v1/policies/export?format=csv')
      .set('authorization', await w.auth(w.users.leadA1));
    const customers = records(parseCsv(res.text)).map((r) => r['客户']);
    expect(customers.sort()).toEqual(['导出丙', '导出乙', '导出甲'].sort());
  });
});
