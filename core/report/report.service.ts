import { Types } from 'mongoose';
import type { DataScope, Principal } from '../auth/scope.js';
import { addDays, isBusinessDate, shanghaiDate, startOfShanghaiDay } from '../customer/business-date.js';
import { scopeFilter } from '../customer/ownership.js';
import type { Database } from '../db/database.js';
import { AppError } from '../errors.js';
import { leadScopeFilter } from '../lead/lead.repository.js';
import { LEAD_STAGES, STAGE_LABELS } from '../lead/lead.options.js';
import type { UserRepository } from '../user/user.repository.js';

/** Each KPI's definition (also in the OpenAPI document: GET /reports/kpis). */
export const KPI_DEFINITIONS: Record<string, string> = {
  visits: '期间内记录的拜访次数（沟通记录类型 visit，按发生时间）',
  calls: '期间内记录的电话次数（沟通记录类型 call，按发生时间）',
  newLeads: '期间内新建的线索数（按创建日期，已合并的线索不计）',
  taskCompletion: '到期日在期间内的待办中已完成的比例 = 已完成 / (全部 − 已取消)',
  renewalRate: '满期日在期间内的保单中已续保的比例 = 续保结果为已续保 / 全部到期保单',
  conversionBySource: '期间内新建的线索按来源统计：线索数、成交数、转化率 = 成交 / 线索数',
  averagePremium: '生效日在期间内的保单的平均保费（元）',
  ltv: '范围内每位有保单客户的累计保费（元）的平均值（不限期间）',
  churnRate: '范围内客户中生命周期为「流失」的比例（分层每晚与变更时重算）',
  activeCustomers: '范围内生命周期为「活跃」的客户数',
  nps: '期间内回收的满意度问卷（1–5 分）：NPS = (5 分占比 − 1–3 分占比) × 100',
  csat: '期间内回收的满意度问卷中 4–5 分的比例',
  perAgent: '每位顾问期间内的拜访+电话次数、成交线索数、新保单保费',
  salesCycleDays: '期间内成交的线索从创建到成交的平均天数',
  funnel: '期间内新建的线索到达过各阶段的数量（新线索 → 已分配 → 已联系 → 需求分析 → 方案 → 成交/流失）',
  lossReasons: '期间内流失的线索按流失原因统计',
};

export interface KpiQuery {
  scope?: string | undefined;
  from?: string | undefined;
  to?: string | undefined;
}

const ratio = (n: number, d: number) => (d === 0 ? null : Math.round((n / d) * 10_000) / 10_000);

/**
 * KPIs per scope and period. Portable aggregates only ($match/$group/$sum/$unwind); joins (agent names)
 * in code. Business dates are Asia/Shanghai; `to` is inclusive.
 */
export function createReportService(deps: { db: Database; users: UserRepository; clock: () => Date }) {
  const m = deps.db.models;

  /** The requested scope, which must lie inside the caller's own. */
  async function resolveScope(
    principal: Principal,
    requested: string | undefined,
  ): Promise<{ scope: DataScope; label: string }> {
    const own = principal.scope;
    const refuse = () =>
      new AppError('REPORT_SCOPE_INVALID', `scope ${requested} outside caller scope`, {
        userMessage: '无权查看该范围的报表',
      });
    if (!requested || requested === 'mine') return { scope: own, label: own.level };
    const [kind, id] = requested.split(':');
    if (kind === 'all') {
      if (own.level !== 'all') throw refuse();
      return { scope: own, label: 'all' };
    }
    if (!id || !Types.ObjectId.isValid(id)) throw refuse();
    if (kind === 'agent') {
      const u = await deps.users.findUserById(id);
      if (!u) throw refuse();
      const ok =
        own.level === 'all' ||
        (own.level === 'branch' && u.branchId === own.branchId) ||
        (own.level === 'team' && u.teamId === own.teamId) ||
        (own.level === 'own' && u.id === own.userId);
      if (!ok) throw refuse();
      return { scope: { level: 'own', userId: id }, label: `agent:${u.name}` };
    }
    if (kind === 'team') {
      const team = await deps.users.findTeamById(id);
      if (!team) throw refuse();
      const ok =
        own.level === 'all' ||
        (own.level === 'branch' && team.branchId === own.branchId) ||
        (own.level === 'team' && own.teamId === id);
      if (!ok) throw refuse();
      return { scope: { level: 'team', teamId: id }, label: `team:${team.name}` };
    }
    if (kind === 'branch') {
      const ok = own.level === 'all' || (own.level === 'branch' && own.branchId === id);
      if (!ok) throw refuse();
      return { scope: { level: 'branch', branchId: id }, label: `branch:${id}` };
    }
    throw refuse();
  }

  function period(q: KpiQuery) {
    const today = shanghaiDate(deps.clock());
    const to = q.to ?? today;
    const from = q.from ?? addDays(to, -29);
    const bad = (msg: string) => new AppError('REPORT_PERIOD_INVALID', 'bad period', { userMessage: msg });
    if (!isBusinessDate(from) || !isBusinessDate(to)) throw bad('日期格式应为 YYYY-MM-DD');
    if (from > to) throw bad('开始日期不能晚于结束日期');
    if (addDays(from, 366) < to) throw bad('统计期间最长 366 天');
    return { from, to, fromAt: startOfShanghaiDay(from), toAt: startOfShanghaiDay(addDays(to, 1)) };
  }

  async function group(
    // Method syntax on purpose, so every mongoose Model fits (its aggregate is generic in the pipeline).
    model: { aggregate(p: object[]): { exec(): Promise<unknown[]> } },
    match: object,
    by: string | object,
  ) {
    return (await model.aggregate([{ $match: match }, { $group: { _id: by, n: { $sum: 1 } } }]).exec()) as {
      _id: unknown;
      n: number;
    }[];
  }

  return {
    definitions: KPI_DEFINITIONS,

    async kpis(principal: Principal, q: KpiQuery) {
      const { scope, label } = await resolveScope(principal, q.scope);
      const p = period(q);
      const own = scopeFilter(scope);
      const leadScope = leadScopeFilter(scope);
      const inRange = { $gte: p.fromAt, $lt: p.toAt };
      const dates = { $gte: p.from, $lte: p.to };

      const [
        interactions,
        newLeads,
        tasks,
        expiring,
        leadsBySource,
        lifecycles,
        surveys,
        funnel,
        losses,
        agentInteractions,
        agentWins,
      ] = await Promise.all([
        group(m.Interaction, { ...own, occurredAt: inRange, type: { $in: ['visit', 'call'] } }, '$type'),
        m.Lead.countDocuments({ ...leadScope, createdDate: dates, mergedInto: { $exists: false } }),
        group(m.Task, { ...own, dueDate: dates }, '$status'),
        group(m.Policy, { ...own, expiryDate: dates }, { outcome: '$renewalOutcome', status: '$status' }),
        group(
          m.Lead,
          { ...leadScope, createdDate: dates, mergedInto: { $exists: false } },
          { source: '$source', stage: '$stage' },
        ),
        group(m.Customer, { ...own }, '$segmentation.lifecycle'),
        group(m.Survey, { ...own, status: 'answered', answeredAt: inRange }, '$score'),
        m.Lead.aggregate([
          { $match: { ...leadScope, createdDate: dates, mergedInto: { $exists: false } } },
          { $unwind: '$reachedStages' },
          { $group: { _id: '$reachedStages', n: { $sum: 1 } } },
        ]).exec() as Promise<{ _id: string; n: number }[]>,
        group(m.Lead, { ...leadScope, stage: 'lost', lostDate: dates }, '$lossReason'),
        group(m.Interaction, { ...own, occurredAt: inRange, type: { $in: ['visit', 'call'] } }, '$agentId'),
        group(m.Lead, { ...leadScope, stage: 'won', wonDate: dates }, '$assigneeId'),
      ]);
      // Premium sums in code over bounded batches: FerretDB 1.x answers 0 for $sum over a field path.
      const premium = { periodSum: 0, periodN: 0, allSum: 0, byOwner: new Map<string, number>() };
      const payingCustomers = new Set<string>();
      let after: Types.ObjectId | undefined;
      for (;;) {
        const batch = await m.Policy.find(after ? { ...own, _id: { $gt: after } } : own, {
          premium: 1,
          customerId: 1,
          ownerId: 1,
          effectiveDate: 1,
        })
          .sort({ _id: 1 })
          .limit(2000)
          .lean();
        for (const d of batch) {
          premium.allSum += d.premium;
          payingCustomers.add(d.customerId.toString());
          if (d.effectiveDate >= p.from && d.effectiveDate <= p.to) {
            premium.periodSum += d.premium;
            premium.periodN++;
            const o = d.ownerId.toString();
            premium.byOwner.set(o, (premium.byOwner.get(o) ?? 0) + d.premium);
          }
        }
        if (batch.length < 2000) break;
        after = batch[batch.length - 1]?._id;
      }

      const count = (rows: { _id: unknown; n: number }[], key: unknown) =>
        rows.find((r) => r._id === key)?.n ?? 0;
      const taskTotal = tasks.reduce((a, r) => a + r.n, 0) - count(tasks, 'cancelled');
      const expTotal = expiring.reduce((a, r) => a + r.n, 0);
      const renewed = expiring
        .filter((r) => {
          const k = r._id as { outcome?: string; status?: string };
          return k.outcome === 'renewed' || k.status === 'renewed';
        })
        .reduce((a, r) => a + r.n, 0);
      const sources = new Map<string, { leads: number; won: number }>();
      for (const r of leadsBySource) {
        const k = r._id as { source: string; stage: string };
        const s = sources.get(k.source) ?? { leads: 0, won: 0 };
        s.leads += r.n;
        if (k.stage === 'won') s.won += r.n;
        sources.set(k.source, s);
      }
      const customersTotal = lifecycles.reduce((a, r) => a + r.n, 0);
      const answered = surveys.reduce((a, r) => a + r.n, 0);
      const promoters = count(surveys, 5);
      const detractors = count(surveys, 1) + count(surveys, 2) + count(surveys, 3);

      // Sales cycle in code over bounded batches (date arithmetic is not portable inside pipelines).
      let cycleDays = 0;
      let cycleN = 0;
      const won = await m.Lead.find(
        { ...leadScope, stage: 'won', wonDate: dates },
        { createdAt: 1, wonAt: 1 },
      )
        .limit(20_000)
        .lean();
      for (const l of won) {
        if (l.wonAt && l.createdAt) {
          cycleDays += (l.wonAt.getTime() - l.createdAt.getTime()) / 86_400_000;
          cycleN++;
        }
      }

      const agentIds = new Set<string>();
      for (const rows of [agentInteractions, agentWins])
        for (const r of rows) if (r._id) agentIds.add(String(r._id));
      for (const id of premium.byOwner.keys()) agentIds.add(id);
      const perAgent = [];
      for (const id of [...agentIds].slice(0, 500)) {
        const u = await deps.users.findUserById(id);
        perAgent.push({
          agentId: id,
          name: u?.name ?? null,
          visitsAndCalls: agentInteractions.find((r) => String(r._id) === id)?.n ?? 0,
          wonLeads: agentWins.find((r) => String(r._id) === id)?.n ?? 0,
          newPremium: premium.byOwner.get(id) ?? 0,
        });
      }
      perAgent.sort((a, b) => b.newPremium - a.newPremium || b.wonLeads - a.wonLeads);

      return {
        scope: label,
        from: p.from,
        to: p.to,
        visits: count(interactions, 'visit'),
        calls: count(interactions, 'call'),
        newLeads,
        taskCompletion: {
          done: count(tasks, 'done'),
          total: taskTotal,
          rate: ratio(count(tasks, 'done'), taskTotal),
        },
        renewalRate: { renewed, expiring: expTotal, rate: ratio(renewed, expTotal) },
        conversionBySource: [...sources.entries()]
          .map(([source, s]) => ({ source, leads: s.leads, won: s.won, rate: ratio(s.won, s.leads) }))
          .sort((a, b) => b.leads - a.leads),
        averagePremium: premium.periodN
          ? Math.round((premium.periodSum / premium.periodN) * 100) / 100
          : null,
        ltv: payingCustomers.size ? Math.round((premium.allSum / payingCustomers.size) * 100) / 100 : null,
        churnRate: ratio(count(lifecycles, 'churned'), customersTotal),
        activeCustomers: count(lifecycles, 'active'),
        nps: answered ? Math.round(((promoters - detractors) / answered) * 1000) / 10 : null,
        csat: ratio(count(surveys, 4) + count(surveys, 5), answered),
        surveys: answered,
        perAgent,
        salesCycleDays: cycleN ? Math.round((cycleDays / cycleN) * 10) / 10 : null,
        funnel: LEAD_STAGES.map((s) => ({
          stage: s,
          label: STAGE_LABELS[s],
          count: funnel.find((r) => r._id === s)?.n ?? 0,
        })),
        lossReasons: losses
          .map((r) => ({ reason: (r._id as string | null) ?? '未填写', count: r.n }))
          .sort((a, b) => b.count - a.count),
      };
    },
  };
}
export type ReportService = ReturnType<typeof createReportService>;
export type Kpis = Awaited<ReturnType<ReportService['kpis']>>;

/** The KPIs as CSV rows (指标, 值): flat lines a spreadsheet opens as is. */
export function kpiCsvRows(k: Kpis): [string, string | number | null][] {
  const rows: [string, string | number | null][] = [
    ['范围', k.scope],
    ['开始日期', k.from],
    ['结束日期', k.to],
    ['拜访次数', k.visits],
    ['电话次数', k.calls],
    ['新线索', k.newLeads],
    ['待办完成率', k.taskCompletion.rate],
    ['续保率', k.renewalRate.rate],
    ['平均保费', k.averagePremium],
    ['客户终身价值(LTV)', k.ltv],
    ['流失率', k.churnRate],
    ['活跃客户数', k.activeCustomers],
    ['NPS', k.nps],
    ['CSAT', k.csat],
    ['平均成交周期(天)', k.salesCycleDays],
  ];
  for (const s of k.conversionBySource) rows.push([`来源转化率:${s.source}`, s.rate]);
  for (const f of k.funnel) rows.push([`漏斗:${f.label}`, f.count]);
  for (const l of k.lossReasons) rows.push([`流失原因:${l.reason}`, l.count]);
  for (const a of k.perAgent) rows.push([`顾问新保费:${a.name ?? a.agentId}`, a.newPremium]);
  return rows;
}
