import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, open, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Types } from 'mongoose';
import type { Actor, AuditService } from '../audit/audit.service.js';
import type { Principal } from '../auth/scope.js';
import type { CustomerModels } from '../customer/customer.model.js';
import { inScope } from '../customer/ownership.js';
import { nameSearchKeys } from '../customer/search-keys.js';
import { AppError, notFound } from '../errors.js';
import type { Logger } from '../logger.js';
import type { PolicyModels } from '../policy/policy.model.js';
import { maskIdNumber, type PiiCipher } from '../security/pii.js';
import type { UserRepository } from '../user/user.repository.js';
import type { ImportModels } from './import.model.js';
import { mapHeaders, type ImportField } from './mapping.js';
import { readSheet, SheetFormatError, type SheetRow } from './reader.js';
import { parseRow, type RowCustomer, type RowPolicy } from './rows.js';

export interface ImportLimits {
  maxBytes: number;
  maxRows: number;
}
export const DEFAULT_IMPORT_LIMITS: ImportLimits = { maxBytes: 20 * 1024 * 1024, maxRows: 100_000 };

/** A stored upload: where it is, its size and content hash (the idempotency key of the file). */
export interface StoredUpload {
  path: string;
  fileName: string;
  bytes: number;
  sha256: string;
}

export interface RowReport {
  row: number;
  status: 'valid' | 'duplicate' | 'invalid';
  action?: 'customer_created' | 'policy_added' | undefined;
  reasons: string[];
  duplicateOf?: string | undefined;
  name?: string | undefined;
  customerId?: string | undefined;
  policyId?: string | undefined;
}

const BATCH = 500;
const fileInvalid = (why: string, msg: string, cause?: unknown) =>
  new AppError('IMPORT_FILE_INVALID', why, { userMessage: msg, cause });

/**
 * Excel/CSV import of customers (and one policy per row). Rows are streamed and handled in batches of
 * 500: validated, deduped against the database (phone, ID number, insurer + policy number) and against
 * earlier rows of the same file, and reported row by row in `import_rows`. A real run journals every id
 * before inserting it; if anything fails, everything the run created is deleted again (no half import).
 * Importing the same file twice creates nothing: every row is then a duplicate.
 */
export function createImportService(deps: {
  models: ImportModels & Pick<CustomerModels, 'Customer' | 'CustomerPhoneKey'> & Pick<PolicyModels, 'Policy'>;
  users: UserRepository;
  pii: PiiCipher;
  audit: AuditService;
  clock: () => Date;
  logger: Logger;
  limits?: ImportLimits | undefined;
  /** Where uploads wait for their background run (default: the OS temp dir). */
  uploadDir?: string | undefined;
}) {
  // A copy: adjusting one service's limits (tests, CLI) never changes the shared defaults.
  const limits = { ...(deps.limits ?? DEFAULT_IMPORT_LIMITS) };
  const { Import, ImportRow, ImportCreated, ImportLock, Customer, CustomerPhoneKey, Policy } = deps.models;
  const log = deps.logger.child({ component: 'import' });
  const uploadDir = deps.uploadDir ?? path.join(tmpdir(), 'qibao-imports');
  const running = new Map<string, Promise<void>>();

  /** Streams an upload to a temp file, refusing it (413) past `maxBytes`; returns its hash. */
  async function storeUpload(body: Readable, fileName: string): Promise<StoredUpload> {
    await mkdir(uploadDir, { recursive: true });
    const file = path.join(uploadDir, `${new Types.ObjectId().toString()}.upload`);
    const hash = createHash('sha256');
    let bytes = 0;
    try {
      await pipeline(
        body,
        async function* (src: AsyncIterable<Buffer>) {
          for await (const chunk of src) {
            bytes += chunk.length;
            if (bytes > limits.maxBytes) {
              throw new AppError('IMPORT_TOO_LARGE', `upload over ${limits.maxBytes} bytes`, {
                userMessage: `文件过大（上限 ${Math.round(limits.maxBytes / 1024 / 1024)} MB），请拆分后再导入`,
              });
            }
            hash.update(chunk);
            yield chunk;
          }
        },
        createWriteStream(file),
      );
    } catch (err) {
      await rm(file, { force: true });
      throw err;
    }
    if (bytes === 0) {
      await rm(file, { force: true });
      throw fileInvalid('empty upload', '文件为空');
    }
    return { path: file, fileName: fileName.slice(0, 200), bytes, sha256: hash.digest('hex') };
  }

  async function head(file: string): Promise<Buffer> {
    const fh = await open(file, 'r');
    try {
      const buf = Buffer.alloc(8);
      await fh.read(buf, 0, 8, 0);
      return buf;
    } finally {
      await fh.close();
    }
  }

  /** The owner of imported customers: the caller (agents), or an active agent/lead in the caller's scope. */
  async function resolveOwner(principal: Principal, ownerId: string | undefined) {
    const id = principal.role === 'agent' ? principal.userId : (ownerId ?? principal.userId);
    const u = await deps.users.findUserById(id);
    const bad = (msg: string) =>
      new AppError('CUSTOMER_OWNER_INVALID', 'import owner invalid', {
        userMessage: msg,
        details: [{ path: 'ownerId', message: msg }],
      });
    if (!u || !u.active) throw bad('归属顾问不存在或已停用');
    if (u.role !== 'agent' && u.role !== 'team_lead') throw bad('请指定一位业务员或团队主管作为归属顾问');
    const ownership = { ownerId: u.id, teamId: u.teamId, branchId: u.branchId };
    if (!inScope(principal.scope, ownership)) throw bad('只能导入给您管辖范围内的顾问');
    return ownership;
  }

  /**
   * Walks the file once. For each batch: validate, look up duplicates in the database, decide per row,
   * and (real run) write. Progress is stored after every batch.
   */
  async function process(
    importId: string,
    upload: StoredUpload,
    mapping: Partial<Record<ImportField, string>>,
    ownership: { ownerId: string; teamId: string | undefined; branchId: string | undefined },
    dryRun: boolean,
  ) {
    const oid = new Types.ObjectId(importId);
    const rows = readSheet(upload.path, await head(upload.path));
    let columns: Map<number, ImportField> | undefined;
    const seenCustomer = new Map<string, { row: number; customerId: string | undefined }>();
    const seenPolicy = new Map<string, number>();
    const totals = { total: 0, valid: 0, duplicates: 0, invalid: 0, createdCustomers: 0, createdPolicies: 0 };
    let batch: SheetRow[] = [];

    const flush = async () => {
      if (!columns || batch.length === 0) return;
      const parsed = batch.map((r) => ({
        row: r.rowNumber,
        p: parseRow(r.cells, columns as Map<number, ImportField>),
      }));
      batch = [];
      const phones: string[] = [];
      const idHashes: string[] = [];
      const numbers: string[] = [];
      for (const { p } of parsed) {
        if (!p.ok) continue;
        if (p.customer.phone) phones.push(p.customer.phone);
        if (p.customer.idNumber) idHashes.push(deps.pii.lookupHash(p.customer.idNumber));
        if (p.policy) numbers.push(p.policy.number);
      }
      const [phoneDocs, idDocs, policyDocs] = await Promise.all([
        phones.length ? CustomerPhoneKey.find({ phone: { $in: phones } }).lean() : [],
        idHashes.length
          ? Customer.find({ idNumberHash: { $in: idHashes } }, { _id: 1, idNumberHash: 1 }).lean()
          : [],
        numbers.length
          ? Policy.find({ number: { $in: numbers } }, { _id: 1, insurer: 1, number: 1 }).lean()
          : [],
      ]);
      const dbPhone = new Map(phoneDocs.map((d) => [d.phone, d.customerId.toString()]));
      const dbId = new Map(idDocs.map((d) => [d.idNumberHash as string, d._id.toString()]));
      const dbPolicy = new Map(policyDocs.map((d) => [`${d.insurer}|${d.number}`, d._id.toString()]));

      const reports: RowReport[] = [];
      const newCustomers: { id: string; c: RowCustomer }[] = [];
      const newPolicies: { id: string; customerId: string; customerName: string; p: RowPolicy }[] = [];
      for (const { row, p } of parsed) {
        totals.total++;
        if (!p.ok) {
          totals.invalid++;
          reports.push({ row, status: 'invalid', reasons: p.reasons });
          continue;
        }
        const c = p.customer;
        const keys = [
          ...(c.phone ? [`p:${c.phone}`] : []),
          ...(c.idNumber ? [`i:${deps.pii.lookupHash(c.idNumber)}`] : []),
        ];
        const inDb =
          (c.phone && dbPhone.get(c.phone)) ||
          (c.idNumber && dbId.get(deps.pii.lookupHash(c.idNumber))) ||
          undefined;
        const inFile = keys.map((k) => seenCustomer.get(k)).find(Boolean);
        const policyKey = p.policy ? `${p.policy.insurer}|${p.policy.number}` : undefined;
        if (policyKey && (dbPolicy.has(policyKey) || seenPolicy.has(policyKey))) {
          totals.duplicates++;
          const dupRow = seenPolicy.get(policyKey);
          reports.push({
            row,
            status: 'duplicate',
            reasons: [`保单号 ${p.policy?.number} 已存在`],
            duplicateOf: dupRow ? `row:${dupRow}` : `policy:${dbPolicy.get(policyKey)}`,
            name: c.name,
          });
          continue;
        }
        if ((inDb || inFile) && !p.policy) {
          totals.duplicates++;
          reports.push({
            row,
            status: 'duplicate',
            reasons: ['客户已存在（手机号或身份证号相同）'],
            duplicateOf: inDb ? `customer:${inDb}` : `row:${inFile?.row}`,
            name: c.name,
          });
          continue;
        }
        totals.valid++;
        let customerId = inDb || inFile?.customerId;
        let action: RowReport['action'] = 'policy_added';
        if (!inDb && !inFile) {
          customerId = new Types.ObjectId().toString();
          action = 'customer_created';
          newCustomers.push({ id: customerId, c });
          for (const k of keys) seenCustomer.set(k, { row, customerId: dryRun ? undefined : customerId });
        }
        let policyId: string | undefined;
        if (p.policy && policyKey) {
          seenPolicy.set(policyKey, row);
          policyId = new Types.ObjectId().toString();
          if (customerId) newPolicies.push({ id: policyId, customerId, customerName: c.name, p: p.policy });
        }
        reports.push({
          row,
          status: 'valid',
          action,
          reasons: [],
          name: c.name,
          ...(dryRun ? {} : { customerId, policyId }),
          ...(inFile && !inDb ? { duplicateOf: `row:${inFile.row}` } : {}),
        });
      }

      if (!dryRun) await write(oid, newCustomers, newPolicies, ownership, totals);
      await ImportRow.insertMany(
        reports.map((r) => ({ importId: oid, ...r })),
        { ordered: false },
      );
      await Import.updateOne(
        { _id: oid },
        {
          $set: {
            processed: totals.total,
            total: totals.total,
            valid: totals.valid,
            duplicates: totals.duplicates,
            invalid: totals.invalid,
            createdCustomers: totals.createdCustomers,
            createdPolicies: totals.createdPolicies,
            heartbeatAt: deps.clock(),
          },
        },
      );
    };

    let headerSeen = false;
    try {
      for await (const r of rows) {
        if (!headerSeen) {
          const headers = r.cells.map((c) => (c === undefined || c === null ? '' : String(c)));
          if (headers.every((h) => h === '')) continue;
          headerSeen = true;
          const m = mapHeaders(headers, mapping);
          if (m.missingOverride.length) {
            throw fileInvalid(
              'mapping names missing headers',
              `映射中的列不存在：${m.missingOverride.join('、')}`,
            );
          }
          if (![...m.columns.values()].includes('name')) {
            throw fileInvalid('no name column', '找不到「姓名」列，请检查表头或指定列映射');
          }
          columns = m.columns;
          await Import.updateOne({ _id: oid }, { $set: { columns: headers, unknownHeaders: m.unknown } });
          continue;
        }
        if (r.cells.every((c) => c === undefined || c === null || c === '')) continue;
        if (totals.total + batch.length >= limits.maxRows) {
          throw fileInvalid('too many rows', `行数超过上限（${limits.maxRows} 行），请拆分文件后再导入`);
        }
        batch.push(r);
        if (batch.length >= BATCH) await flush();
      }
    } catch (err) {
      if (err instanceof SheetFormatError)
        throw fileInvalid(err.message, '文件已损坏或不是有效的 xlsx/csv 文件', err);
      throw err;
    }
    await flush();
    if (!headerSeen) throw fileInvalid('empty sheet', '工作表为空：没有表头和数据行');
    if (totals.total === 0) throw fileInvalid('no data rows', '工作表只有表头，没有数据行');
    return totals;
  }

  /** Inserts a batch (journal first), so a failure can be rolled back exactly. */
  async function write(
    importId: Types.ObjectId,
    customers: { id: string; c: RowCustomer }[],
    policies: { id: string; customerId: string; customerName: string; p: RowPolicy }[],
    o: { ownerId: string; teamId: string | undefined; branchId: string | undefined },
    totals: { createdCustomers: number; createdPolicies: number },
  ) {
    const phones = customers.flatMap(({ c }) => (c.phone ? [c.phone] : []));
    await ImportCreated.insertMany([
      ...customers.map((x) => ({ importId, entity: 'customer', ref: x.id })),
      ...phones.map((p) => ({ importId, entity: 'phone', ref: p })),
      ...policies.map((x) => ({ importId, entity: 'policy', ref: x.id })),
    ]);
    const ownership = {
      ownerId: new Types.ObjectId(o.ownerId),
      teamId: o.teamId ? new Types.ObjectId(o.teamId) : undefined,
      branchId: o.branchId ? new Types.ObjectId(o.branchId) : undefined,
    };
    // Phone keys are the unique commit point: a customer created elsewhere meanwhile fails the batch,
    // and the whole run is rolled back rather than half-imported.
    if (phones.length) {
      await CustomerPhoneKey.insertMany(
        customers.flatMap(({ id, c }) =>
          c.phone ? [{ phone: c.phone, customerId: new Types.ObjectId(id) }] : [],
        ),
      );
    }
    if (customers.length) {
      await Customer.insertMany(
        customers.map(({ id, c }) => {
          const keys = nameSearchKeys(c.name);
          return {
            _id: new Types.ObjectId(id),
            name: c.name,
            nameInitials: keys.initials,
            namePinyin: keys.full,
            gender: c.gender,
            birthday: c.birthday,
            birthdayMd: c.birthday?.slice(5),
            occupation: c.occupation,
            phones: c.phone ? [{ number: c.phone, label: 'mobile' }] : [],
            phoneLast4: c.phone ? [c.phone.slice(-4)] : [],
            ...(c.idNumber
              ? {
                  idNumberEnc: deps.pii.encrypt(c.idNumber),
                  idNumberHash: deps.pii.lookupHash(c.idNumber),
                  idNumberMasked: maskIdNumber(c.idNumber),
                }
              : {}),
            address: c.address,
            region: c.region,
            softInfo: { notes: c.note ?? '', tags: [] },
            tags: [],
            sourceChannel: '导入',
            ...ownership,
          };
        }),
        { lean: true },
      );
      totals.createdCustomers += customers.length;
    }
    if (policies.length) {
      await Policy.insertMany(
        policies.map(({ id, customerId, customerName, p }) => ({
          _id: new Types.ObjectId(id),
          number: p.number,
          insurer: p.insurer,
          product: p.product,
          line: p.line,
          customerId: new Types.ObjectId(customerId),
          applicantName: customerName,
          insuredName: customerName,
          beneficiaries: p.beneficiaries,
          sumInsured: p.sumInsured,
          premium: p.premium,
          paymentFrequency: p.paymentFrequency,
          effectiveDate: p.effectiveDate,
          expiryDate: p.expiryDate,
          status: 'in_force',
          ...ownership,
        })),
        { lean: true },
      );
      totals.createdPolicies += policies.length;
    }
  }

  /** Deletes everything a run journaled (customers, their phone keys, policies). */
  async function rollback(importId: Types.ObjectId): Promise<void> {
    for (;;) {
      const j = await ImportCreated.find({ importId }).limit(1000).lean();
      if (j.length === 0) return;
      const of = (e: string) => j.filter((x) => x.entity === e).map((x) => x.ref);
      const customerIds = of('customer').map((id) => new Types.ObjectId(id));
      await Policy.deleteMany({ _id: { $in: of('policy').map((id) => new Types.ObjectId(id)) } });
      await CustomerPhoneKey.deleteMany({ phone: { $in: of('phone') }, customerId: { $in: customerIds } });
      await Customer.deleteMany({ _id: { $in: customerIds } });
      await ImportCreated.deleteMany({ _id: { $in: j.map((x) => x._id) } });
    }
  }

  function view(d: Record<string, unknown> & { _id: Types.ObjectId }) {
    const n = (k: string) => (typeof d[k] === 'number' ? (d[k] as number) : 0);
    return {
      id: d._id.toString(),
      fileName: d.fileName as string,
      dryRun: Boolean(d.dryRun),
      status: d.status as string,
      total: n('total'),
      processed: n('processed'),
      valid: n('valid'),
      duplicates: n('duplicates'),
      invalid: n('invalid'),
      createdCustomers: n('createdCustomers'),
      createdPolicies: n('createdPolicies'),
      unknownHeaders: (d.unknownHeaders as string[] | undefined) ?? [],
      error: (d.error as string | undefined) ?? null,
      startedAt: (d.startedAt as Date | undefined)?.toISOString() ?? null,
      finishedAt: (d.finishedAt as Date | undefined)?.toISOString() ?? null,
    };
  }

  async function loadVisible(principal: Principal, id: string) {
    const d = Types.ObjectId.isValid(id) ? await Import.findById(id).lean() : null;
    if (!d) throw notFound('import', '导入记录不存在或无权访问');
    const visible =
      inScope(principal.scope, {
        ownerId: d.ownerId.toString(),
        teamId: d.teamId?.toString(),
        branchId: d.branchId?.toString(),
      }) || d.createdBy.toString() === principal.userId;
    if (!visible) throw notFound('import', '导入记录不存在或无权访问');
    return d;
  }

  async function rowsOf(
    importId: string,
    status: RowReport['status'] | undefined,
    skip: number,
    limit: number,
  ) {
    const q: Record<string, unknown> = { importId: new Types.ObjectId(importId) };
    if (status) q.status = status;
    const [items, total] = await Promise.all([
      ImportRow.find(q, { _id: 0, importId: 0, __v: 0 }).sort({ row: 1 }).skip(skip).limit(limit).lean(),
      ImportRow.countDocuments(q),
    ]);
    return {
      items: items.map((r) => ({
        row: r.row,
        status: r.status,
        action: r.action ?? null,
        reasons: r.reasons,
        duplicateOf: r.duplicateOf ?? null,
        name: r.name ?? null,
        customerId: r.customerId ?? null,
      })),
      total,
    };
  }

  async function execute(
    importId: string,
    upload: StoredUpload,
    mapping: Partial<Record<ImportField, string>>,
    ownership: { ownerId: string; teamId: string | undefined; branchId: string | undefined },
    actor: Actor,
    lockKey: string,
  ) {
    const oid = new Types.ObjectId(importId);
    try {
      await Import.updateOne(
        { _id: oid },
        { $set: { status: 'running', startedAt: deps.clock(), heartbeatAt: deps.clock() } },
      );
      const totals = await process(importId, upload, mapping, ownership, false);
      await Import.updateOne({ _id: oid }, { $set: { status: 'done', finishedAt: deps.clock() } });
      // The journal only matters while a run can still fail.
      await ImportCreated.deleteMany({ importId: oid });
      await deps.audit.record(
        actor,
        'create',
        'import',
        importId,
        [],
        `customers +${totals.createdCustomers}, policies +${totals.createdPolicies}, duplicates ${totals.duplicates}, invalid ${totals.invalid}`,
      );
      log.info({ importId, ...totals }, 'import finished');
    } catch (err) {
      log.warn({ importId, err: (err as Error).message }, 'import failed; rolling back');
      await rollback(oid);
      await ImportRow.updateMany(
        { importId: oid, status: 'valid' },
        { $unset: { customerId: '', policyId: '' } },
      );
      const message = err instanceof AppError ? err.userMessage : '导入失败，已全部回滚，请稍后重试';
      await Import.updateOne(
        { _id: oid },
        {
          $set: {
            status: 'rolled_back',
            error: message,
            finishedAt: deps.clock(),
            createdCustomers: 0,
            createdPolicies: 0,
          },
        },
      );
    } finally {
      await ImportLock.deleteOne({ key: lockKey, importId: oid });
      await rm(upload.path, { force: true });
    }
  }

  return {
    storeUpload,
    limits,

    /**
     * Dry run (`dryRun`) → the finished report; real run → the queued import, processed in the
     * background (poll GET /imports/:id). The upload file is consumed either way.
     */
    async start(
      actor: Actor,
      upload: StoredUpload,
      opts: {
        dryRun: boolean;
        ownerId?: string | undefined;
        mapping?: Partial<Record<ImportField, string>> | undefined;
      },
    ) {
      let ownership;
      try {
        ownership = await resolveOwner(actor.principal, opts.ownerId);
      } catch (err) {
        await rm(upload.path, { force: true });
        throw err;
      }
      const caller = await deps.users.findUserById(actor.principal.userId);
      const doc = await Import.create({
        fileName: upload.fileName,
        fileHash: upload.sha256,
        bytes: upload.bytes,
        ownerId: new Types.ObjectId(ownership.ownerId),
        createdBy: new Types.ObjectId(actor.principal.userId),
        teamId: caller?.teamId
          ? new Types.ObjectId(caller.teamId)
          : ownership.teamId
            ? new Types.ObjectId(ownership.teamId)
            : undefined,
        branchId: caller?.branchId
          ? new Types.ObjectId(caller.branchId)
          : ownership.branchId
            ? new Types.ObjectId(ownership.branchId)
            : undefined,
        dryRun: opts.dryRun,
        mapping: opts.mapping ?? {},
        status: opts.dryRun ? 'running' : 'queued',
      });
      const id = doc._id.toString();
      if (opts.dryRun) {
        try {
          await process(id, upload, opts.mapping ?? {}, ownership, true);
          await Import.updateOne({ _id: doc._id }, { $set: { status: 'done', finishedAt: deps.clock() } });
        } catch (err) {
          await Import.updateOne(
            { _id: doc._id },
            {
              $set: {
                status: 'failed',
                error: err instanceof AppError ? err.userMessage : 'internal',
                finishedAt: deps.clock(),
              },
            },
          );
          throw err;
        } finally {
          await rm(upload.path, { force: true });
        }
        const d = await Import.findById(doc._id).lean();
        return { import: view(d as never), rows: await rowsOf(id, undefined, 0, 1000) };
      }
      const lockKey = `${upload.sha256}:${ownership.ownerId}`;
      try {
        await ImportLock.create({ key: lockKey, importId: doc._id, at: deps.clock() });
      } catch (err) {
        await Import.updateOne({ _id: doc._id }, { $set: { status: 'failed', error: '同一文件正在导入中' } });
        await rm(upload.path, { force: true });
        if ((err as { code?: unknown }).code === 11000) {
          throw new AppError('IMPORT_ALREADY_RUNNING', 'same file already importing', {
            userMessage: '同一文件正在导入中，请等待完成',
          });
        }
        throw err;
      }
      const p = execute(id, upload, opts.mapping ?? {}, ownership, actor, lockKey).finally(() =>
        running.delete(id),
      );
      running.set(id, p);
      return { import: view(doc.toObject() as never), rows: undefined };
    },

    async get(principal: Principal, id: string) {
      return view((await loadVisible(principal, id)) as never);
    },

    async rows(
      principal: Principal,
      id: string,
      q: { status?: RowReport['status'] | undefined; page: number; pageSize: number },
    ) {
      await loadVisible(principal, id);
      return {
        ...(await rowsOf(id, q.status, (q.page - 1) * q.pageSize, q.pageSize)),
        page: q.page,
        pageSize: q.pageSize,
      };
    },

    /** Resolves when the background run of `id` (if any, in this process) has finished. */
    async settled(id: string): Promise<void> {
      await running.get(id);
    },

    /**
     * Imports left `queued`/`running` by a process that died are rolled back and marked, so nothing
     * stays half-imported. Call at start-up of the process that runs imports.
     */
    async recoverInterrupted(): Promise<number> {
      // Only runs silent for 10 minutes: a live run stores a heartbeat after every batch of 500 rows, so
      // another process starting up never rolls back an import that is still going.
      const cutoff = new Date(deps.clock().getTime() - 10 * 60_000);
      const stale = await Import.find({
        status: { $in: ['queued', 'running'] },
        dryRun: false,
        updatedAt: { $lt: cutoff },
        $or: [{ heartbeatAt: { $lt: cutoff } }, { heartbeatAt: { $exists: false } }],
      })
        .limit(100)
        .lean();
      let n = 0;
      for (const d of stale) {
        if (running.has(d._id.toString())) continue;
        await rollback(d._id);
        await ImportLock.deleteMany({ importId: d._id });
        await Import.updateOne(
          { _id: d._id },
          {
            $set: {
              status: 'rolled_back',
              error: '导入进程中断，已全部回滚，请重新导入',
              createdCustomers: 0,
              createdPolicies: 0,
            },
          },
        );
        n++;
      }
      return n;
    },
  };
}
export type ImportService = ReturnType<typeof createImportService>;
