// Indexes: `explain` for every query the benchmarks drive, on the database they ran against. On MongoDB the
// winning plan names the index (IXSCAN) or admits a COLLSCAN; on the embedded FerretDB 1.24 (SQLite) the
// answer is the same for every filter but one: only a filter that is exactly `{ _id: <value> }` is pushed
// down to SQLite (internal/backends/sqlite/collection.go, Query and Explain), everything else is read
// in full and filtered, sorted and counted in FerretDB's memory — see bench/README.md.
import { Types } from 'mongoose';
import { scaleId } from '../../scripts/seed/scale.js';
import type { SuiteResult } from '../lib/report.js';
import type { BenchContext } from './context.js';

interface Probe {
  label: string;
  collection: string;
  filter: Record<string, unknown>;
  sort?: Record<string, 1 | -1>;
  limit?: number;
  count?: boolean;
}

type PlanNode = {
  stage?: string;
  indexName?: string;
  inputStage?: PlanNode;
  inputStages?: PlanNode[];
  queryPlan?: PlanNode;
};

/** Stages of a MongoDB plan tree, e.g. `LIMIT < FETCH < IXSCAN(branchId_1_updatedAt_-1)`. */
function stages(n: PlanNode | undefined): string {
  if (!n) return '?';
  const here =
    n.stage === 'IXSCAN' || n.stage === 'COUNT_SCAN' ? `${n.stage}(${n.indexName ?? ''})` : (n.stage ?? '?');
  const inner = n.queryPlan ? [n.queryPlan] : n.inputStage ? [n.inputStage] : (n.inputStages ?? []);
  return inner.length ? `${here} < ${inner.map(stages).join(' | ')}` : here;
}

export async function indexesSuite(ctx: BenchContext): Promise<SuiteResult> {
  const c = await ctx.db.models.Customer.findOne({
    _id: scaleId('customer', ctx.seed, Math.floor(ctx.customers / 2)),
  }).lean();
  const manager = await ctx.db.models.User.findOne({ wecomUserId: 'wangjun' }).lean();
  const branchId = manager?.branchId ?? new Types.ObjectId();
  const id = c?._id ?? new Types.ObjectId();
  const name = c?.name ?? '张三';
  const initials = c?.nameInitials ?? 'zs';
  const phone = c?.phones[0]?.number ?? '+8613800000000';
  const scope = { branchId };
  const byUpdated = { updatedAt: -1 as const, _id: -1 as const };
  const probes: Probe[] = [
    {
      label: 'search by name: customers',
      collection: 'customers',
      filter: { ...scope, $or: [{ name: { $regex: name } }] },
      sort: byUpdated,
      limit: 20,
    },
    {
      label: 'search by name: count',
      collection: 'customers',
      filter: { ...scope, $or: [{ name: { $regex: name } }] },
      count: true,
    },
    {
      label: 'search (any q): policy number lookup',
      collection: 'policies',
      filter: { ...scope, number: name },
      limit: 50,
    },
    {
      label: 'search by pinyin initials',
      collection: 'customers',
      filter: {
        ...scope,
        $or: [
          { name: { $regex: initials } },
          { nameInitials: { $regex: `^${initials}` } },
          { namePinyin: { $regex: `^${initials}` } },
        ],
      },
      sort: byUpdated,
      limit: 20,
    },
    {
      label: 'search by phone',
      collection: 'customers',
      filter: { ...scope, $or: [{ 'phones.number': phone }] },
      sort: byUpdated,
      limit: 20,
    },
    {
      label: 'search by last 4 digits',
      collection: 'customers',
      filter: { ...scope, $or: [{ phoneLast4: phone.slice(-4) }] },
      sort: byUpdated,
      limit: 20,
    },
    { label: 'customer list page 1', collection: 'customers', filter: scope, sort: byUpdated, limit: 20 },
    { label: 'customer list: count', collection: 'customers', filter: scope, count: true },
    { label: '360: customer (scoped)', collection: 'customers', filter: { ...scope, _id: id }, limit: 1 },
    { label: '360: customer by _id alone', collection: 'customers', filter: { _id: id }, limit: 1 },
    {
      label: '360: policies',
      collection: 'policies',
      filter: { ...scope, customerId: id },
      sort: { expiryDate: 1, _id: 1 },
      limit: 200,
    },
    {
      label: '360: claims',
      collection: 'claims',
      filter: { ...scope, customerId: id },
      sort: { createdAt: -1, _id: -1 },
      limit: 100,
    },
    {
      label: '360: recent interactions',
      collection: 'interactions',
      filter: { ...scope, customerId: id },
      sort: { occurredAt: -1, _id: -1 },
      limit: 5,
    },
    { label: '360: open tasks', collection: 'tasks', filter: { ...scope, customerId: id, status: 'open' } },
    {
      label: '360: open tickets',
      collection: 'tickets',
      filter: { ...scope, customerId: id, status: { $in: ['open', 'in_progress'] } },
    },
    { label: 'bot 查: user by WeCom id', collection: 'users', filter: { wecomUserId: 'zhangwei' }, limit: 1 },
    {
      label: 'renewals.scan: due policies',
      collection: 'policies',
      filter: { status: 'in_force', expiryDate: { $gte: '2026-01-01', $lte: '2026-03-01' } },
    },
    { label: 'callback store: dedupe', collection: 'wecom_callbacks', filter: { dedupeKey: 'x' }, limit: 1 },
  ];
  const lines = [
    ctx.embedded
      ? 'embedded FerretDB 1.24 (SQLite): pushdown = the filter reached SQLite; plan = SQLite EXPLAIN QUERY PLAN (SCAN = whole table)'
      : 'MongoDB: winning plan stages (IXSCAN = index, COLLSCAN = whole collection)',
  ];
  const admin = ctx.db.connection.db;
  if (!admin) throw new Error('no database handle');
  for (const p of probes) {
    const cmd = p.count
      ? { count: p.collection, query: p.filter }
      : {
          find: p.collection,
          filter: p.filter,
          ...(p.sort ? { sort: p.sort } : {}),
          ...(p.limit ? { limit: p.limit } : {}),
        };
    try {
      const ex = (await admin.command({ explain: cmd, verbosity: 'queryPlanner' })) as {
        filterPushdown?: boolean;
        sortPushdown?: boolean;
        queryPlanner?: { winningPlan?: PlanNode; Plan?: string[] };
      };
      if (ctx.embedded) {
        const plan = (ex.queryPlanner?.Plan ?? []).map((l) => l.replace(/^.*detail=/, '')).join('; ');
        lines.push(`${p.label.padEnd(40)} pushdown ${ex.filterPushdown ? 'yes' : 'no '} | ${plan}`);
      } else {
        lines.push(`${p.label.padEnd(40)} ${stages(ex.queryPlanner?.winningPlan)}`);
      }
    } catch (err) {
      lines.push(`${p.label.padEnd(40)} explain failed: ${(err as Error).message.split('\n')[0]}`);
    }
  }
  return { name: 'Indexes (explain)', lines };
}
