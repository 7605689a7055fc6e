// Indexes: `explain` for every query the benchmarks drive, on the database they ran against. On MongoDB the
// winning plan names the index (IXSCAN) or admits a COLLSCAN; on the embedded FerretDB 1.24 (SQLite) it
// says whether the filter, sort and limit reached SQLite (embedded-db/ferretdb-overlay translates them)
// and prints SQLite's EXPLAIN QUERY PLAN: SEARCH … USING INDEX, or SCAN — see bench/README.md.
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
      label: 'search by phone: phone key',
      collection: 'customer_phone_keys',
      filter: { phone },
      limit: 500,
    },
    {
      label: 'search by last 4 digits: phone keys',
      collection: 'customer_phone_keys',
      filter: { phone: { $regex: `${phone.slice(-4)}$` } },
      limit: 500,
    },
    {
      label: 'search by phone: customers by id',
      collection: 'customers',
      filter: { ...scope, $or: [{ _id: { $in: [id] } }] },
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
    { label: 'callback store: dedupe', collection: 'wecomcallbacks', filter: { dedupeKey: 'x' }, limit: 1 },
  ];
  const lines = [
    ctx.embedded
      ? 'embedded FerretDB 1.24 (SQLite): filter/sort/limit/count(*) = answered by SQLite (embedded-db/ferretdb-overlay); plan = SQLite EXPLAIN QUERY PLAN (SEARCH … USING INDEX = index, SCAN = whole table)'
      : 'MongoDB: winning plan stages (IXSCAN = index, COLLSCAN = whole collection)',
  ];
  const admin = ctx.db.connection.db;
  if (!admin) throw new Error('no database handle');
  for (const p of probes) {
    // On the embedded database a count is answered by SQLite's count(*) exactly when a limit would be
    // pushed down, so the count probe is explained as a find with limit 1 there.
    const cmd =
      p.count && !ctx.embedded
        ? { count: p.collection, query: p.filter }
        : {
            find: p.collection,
            filter: p.filter,
            ...(p.sort ? { sort: p.sort } : {}),
            ...(p.limit || p.count ? { limit: p.limit ?? 1 } : {}),
          };
    try {
      const ex = (await admin.command({ explain: cmd, verbosity: 'queryPlanner' })) as {
        filterPushdown?: boolean;
        sortPushdown?: boolean;
        limitPushdown?: boolean;
        queryPlanner?: { winningPlan?: PlanNode; Plan?: string[] };
      };
      if (ctx.embedded) {
        const plan = (ex.queryPlanner?.Plan ?? []).map((l) => l.replace(/^.*detail=/, '')).join('; ');
        const yes = (b: boolean | undefined) => (b ? 'yes' : 'no ');
        const last = p.count
          ? `count(*) ${yes(ex.limitPushdown)}`
          : `sort ${p.sort ? yes(ex.sortPushdown) : '-  '} limit ${p.limit ? yes(ex.limitPushdown) : '-  '}`;
        lines.push(`${p.label.padEnd(40)} filter ${yes(ex.filterPushdown)} ${last} | ${plan}`);
      } else {
        lines.push(`${p.label.padEnd(40)} ${stages(ex.queryPlanner?.winningPlan)}`);
      }
    } catch (err) {
      lines.push(`${p.label.padEnd(40)} explain failed: ${(err as Error).message.split('\n')[0]}`);
    }
  }
  return { name: 'Indexes (explain)', lines };
}
