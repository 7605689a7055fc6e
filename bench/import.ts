// `npm run bench:import [-- --rows 10000]`: generates a sample workbook (~5% duplicate rows, ~3% invalid
// rows), imports it twice into a fresh database and prints the exact report and peak memory.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createReadStream } from 'node:fs';
import { parseArgs } from 'node:util';
import ExcelJS from 'exceljs';
import { scopeFor } from '#core/auth/scope';
import { openDatabase } from '#core/db/database';
import { startEmbeddedDatabase } from '#core/db/embedded';
import { silentLogger } from '#core/logger';
import { createServices } from '#core/services';

const print = (line: string) => process.stdout.write(`${line}\n`);
const { values } = parseArgs({
  options: { rows: { type: 'string', default: '10000' }, uri: { type: 'string' } },
});
const ROWS = Number(values.rows);

/** Writes the sample: unique rows, then every 20th row repeated later (duplicate), every 33rd broken. */
export async function writeSample(file: string, rows: number) {
  const wb = new ExcelJS.stream.xlsx.WorkbookWriter({
    filename: file,
    useStyles: false,
    useSharedStrings: false,
  });
  const ws = wb.addWorksheet('客户');
  ws.addRow([
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
  ]).commit();
  const expected = { valid: 0, duplicates: 0, invalid: 0 };
  let unique = 0;
  for (let i = 1; i <= rows; i++) {
    const dates = ['2026/1/5', '2026-01-05', '2026年1月5日', 46027];
    if (i % 33 === 0) {
      // Invalid: a phone number that is not a mobile.
      ws.addRow([
        `坏行${i}`,
        '男',
        '1990-01-01',
        `0${i}`,
        `BAD${i}`,
        '平安人寿',
        '重疾',
        5000,
        '2026-01-05',
        '2027-01-04',
        '',
      ]).commit();
      expected.invalid++;
    } else if (i % 20 === 0 && unique > 10) {
      // Duplicate: the same person and policy as an earlier unique row.
      const j = unique - 5;
      ws.addRow([
        `客户${j}`,
        '女',
        '1985/3/2',
        `139${String(j).padStart(8, '0')}`,
        `P${String(j).padStart(8, '0')}`,
        '中国人寿',
        '医疗',
        3000,
        '2026/1/5',
        '2027/1/4',
        '张三',
      ]).commit();
      expected.duplicates++;
    } else {
      unique++;
      const j = unique;
      ws.addRow([
        `客户${j}`,
        j % 2 ? '女' : '男',
        '1985/3/2',
        `139${String(j).padStart(8, '0')}`,
        `P${String(j).padStart(8, '0')}`,
        '中国人寿',
        '医疗',
        3000,
        dates[j % 4],
        '2027/1/4',
        '张三',
      ]).commit();
      expected.valid++;
    }
  }
  ws.commit();
  await wb.commit();
  return expected;
}

let peakRss = 0;
let peakHeap = 0;
const sampler = setInterval(() => {
  const m = process.memoryUsage();
  peakRss = Math.max(peakRss, m.rss);
  peakHeap = Math.max(peakHeap, m.heapUsed);
}, 50);

const dir = await mkdtemp(path.join(tmpdir(), 'qibao-bench-'));
const file = path.join(dir, 'sample.xlsx');
const expected = await writeSample(file, ROWS);
print(
  `sample: ${ROWS} rows → expected valid ${expected.valid}, duplicates ${expected.duplicates}, invalid ${expected.invalid}`,
);

const embedded = values.uri
  ? undefined
  : await startEmbeddedDatabase({ dataDir: dir, logger: silentLogger() });
const db = await openDatabase({
  uri: values.uri ?? (embedded as { uri: string }).uri,
  dbName: `qibao_bench_${Date.now()}`,
  logger: silentLogger(),
});
try {
  const services = createServices({
    db,
    secret: 'bench-secret-that-is-long-enough-0123456789abcdef',
    sessionTtlSeconds: 3600,
    clock: () => new Date(),
  });
  const branch = await services.repositories.users.insertBranch({ name: '基准分部', region: '上海' });
  const team = await services.repositories.users.insertTeam({ name: '基准团队', branchId: branch.id });
  const owner = await services.repositories.users.insertUser({
    name: '基准顾问',
    role: 'agent',
    wecomUserId: `bench_${Date.now()}`,
    teamId: team.id,
    branchId: branch.id,
    region: '上海',
    productLines: [],
    active: true,
  });
  const actor = {
    principal: { kind: 'staff' as const, userId: owner.id, role: owner.role, scope: scopeFor(owner) },
    origin: { source: 'job' as const },
  };
  for (const run of [1, 2]) {
    const t0 = Date.now();
    const upload = await services.imports.storeUpload(createReadStream(file), 'sample.xlsx');
    const { import: started } = await services.imports.start(actor, upload, { dryRun: false });
    await services.imports.settled(started.id);
    const r = await services.imports.get(actor.principal, started.id);
    print(
      `run ${run}: status ${r.status}, rows ${r.total}, valid ${r.valid}, duplicates ${r.duplicates}, invalid ${r.invalid}, ` +
        `customers +${r.createdCustomers}, policies +${r.createdPolicies} in ${((Date.now() - t0) / 1000).toFixed(1)} s`,
    );
    if (
      run === 1 &&
      (r.valid !== expected.valid || r.duplicates !== expected.duplicates || r.invalid !== expected.invalid)
    ) {
      console.error('MISMATCH with the expected report');
      process.exitCode = 1;
    }
    if (run === 2 && (r.createdCustomers !== 0 || r.createdPolicies !== 0)) {
      console.error('second import created records');
      process.exitCode = 1;
    }
  }
  print(
    `customers in db: ${await db.models.Customer.countDocuments({})}, policies: ${await db.models.Policy.countDocuments({})}`,
  );
} finally {
  clearInterval(sampler);
  print(
    `peak memory: rss ${(peakRss / 1048576).toFixed(0)} MiB, heap ${(peakHeap / 1048576).toFixed(0)} MiB`,
  );
  await db.connection.dropDatabase().catch(() => undefined);
  await db.close();
  await embedded?.stop();
  await rm(dir, { recursive: true, force: true });
}
