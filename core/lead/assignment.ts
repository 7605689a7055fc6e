import { Types } from 'mongoose';
import { AppError, notFound } from '../errors.js';
import type { UserRecord, UserRepository } from '../user/user.repository.js';
import type { LeadModels } from './lead.model.js';
import type { LeadRepository } from './lead.repository.js';
import type { LeadSettings } from './lead.settings.js';

export type RuleTarget =
  { kind: 'agent'; userId: string } | { kind: 'team'; teamId: string } | { kind: 'pool' };

export interface AssignmentRule {
  id: string;
  name: string;
  order: number;
  enabled: boolean;
  match: { regions: string[]; productInterests: string[]; sources: string[] };
  target: RuleTarget;
}

export type RuleWrite = Omit<AssignmentRule, 'id'>;

/** What decided an assignment; `reason` is the Chinese sentence shown on the lead. */
export type AssignmentDecision =
  | {
      kind: 'agent';
      user: UserRecord;
      ruleId: string | undefined;
      ruleName: string | undefined;
      reason: string;
    }
  | { kind: 'pool'; ruleId: string | undefined; ruleName: string | undefined; reason: string };

export interface AssignableLead {
  region: string | undefined;
  productInterest: string[];
  source: string;
}

interface RuleLean {
  _id: Types.ObjectId;
  name: string;
  order: number;
  enabled: boolean;
  match?: { regions?: string[] | null; productInterests?: string[] | null; sources?: string[] | null } | null;
  target: { kind: 'agent' | 'team' | 'pool'; userId?: Types.ObjectId | null; teamId?: Types.ObjectId | null };
}

const toRule = (d: RuleLean): AssignmentRule => ({
  id: d._id.toString(),
  name: d.name,
  order: d.order,
  enabled: d.enabled,
  match: {
    regions: d.match?.regions ?? [],
    productInterests: d.match?.productInterests ?? [],
    sources: d.match?.sources ?? [],
  },
  target:
    d.target.kind === 'agent'
      ? { kind: 'agent', userId: d.target.userId?.toString() ?? '' }
      : d.target.kind === 'team'
        ? { kind: 'team', teamId: d.target.teamId?.toString() ?? '' }
        : { kind: 'pool' },
});

const targetDoc = (t: RuleTarget) =>
  t.kind === 'agent'
    ? { kind: 'agent' as const, userId: new Types.ObjectId(t.userId) }
    : t.kind === 'team'
      ? { kind: 'team' as const, teamId: new Types.ObjectId(t.teamId) }
      : { kind: 'pool' as const };

/** Why a rule matches (its non-empty criteria), e.g. "地区=上海，来源=广告"; undefined when it does not. */
export function ruleMatches(rule: AssignmentRule, lead: AssignableLead): string | undefined {
  const why: string[] = [];
  const { regions, productInterests, sources } = rule.match;
  if (regions.length) {
    const r = regions.find((x) => lead.region?.includes(x));
    if (!r) return undefined;
    why.push(`地区=${r}`);
  }
  if (productInterests.length) {
    const p = productInterests.find((x) => lead.productInterest.includes(x));
    if (!p) return undefined;
    why.push(`意向险种=${p}`);
  }
  if (sources.length) {
    if (!sources.includes(lead.source)) return undefined;
    why.push(`来源=${lead.source}`);
  }
  return why.length ? why.join('，') : '任意线索';
}

/**
 * Assignment rules (ordered, admin-edited) and the decision for a lead: the first enabled matching rule
 * whose target can take the lead wins; a rule whose agent is inactive or full, or whose team has no
 * agent with room, is passed over (the reason says so); nothing matched → round-robin over all active
 * agents with room; nobody has room → the public pool. Inactive agents never receive leads.
 */
export function createAssignment(deps: {
  models: LeadModels;
  users: UserRepository;
  leads: LeadRepository;
  settings: LeadSettings;
}) {
  const { LeadAssignmentRule, LeadAgentCapacity, LeadRoundRobin } = deps.models;

  async function capacities(userIds: string[]): Promise<Map<string, number>> {
    const docs = await LeadAgentCapacity.find({
      userId: { $in: userIds.map((id) => new Types.ObjectId(id)) },
    }).lean();
    const out = new Map(userIds.map((id) => [id, deps.settings.defaultCapacity]));
    for (const d of docs) out.set(d.userId.toString(), d.capacity);
    return out;
  }

  /** Candidates with room, least loaded first (open/capacity, then open count, then oldest account). */
  async function withRoom(candidates: UserRecord[]) {
    const eligible = candidates.filter((u) => u.active && u.role === 'agent');
    const ids = eligible.map((u) => u.id);
    const [open, cap] = await Promise.all([deps.leads.openCounts(ids), capacities(ids)]);
    return eligible
      .map((u) => ({
        user: u,
        open: open.get(u.id) ?? 0,
        capacity: cap.get(u.id) ?? deps.settings.defaultCapacity,
      }))
      .filter((c) => c.open < c.capacity)
      .sort((a, b) => a.open / a.capacity - b.open / b.capacity || a.open - b.open);
  }

  async function activeAgents(filter: { teamId?: string }): Promise<UserRecord[]> {
    const out: UserRecord[] = [];
    for (let skip = 0; ; skip += 200) {
      const page = await deps.users.listUsers(
        { role: 'agent', active: true, ...filter },
        { skip, limit: 200 },
      );
      out.push(...page.items);
      if (page.items.length < 200 || out.length >= 2000) return out;
    }
  }

  async function rules(): Promise<AssignmentRule[]> {
    const docs = await LeadAssignmentRule.find({}).sort({ order: 1, _id: 1 }).limit(500).lean<RuleLean[]>();
    return docs.map(toRule);
  }

  async function validateTarget(t: RuleTarget): Promise<void> {
    const bad = (why: string, msg: string) =>
      new AppError('LEAD_ASSIGNEE_INVALID', why, {
        userMessage: msg,
        details: [{ path: 'target', message: msg }],
      });
    if (t.kind === 'agent') {
      const u = await deps.users.findUserById(t.userId);
      if (!u || u.role !== 'agent') throw bad('rule target is not an agent', '规则指定的顾问不存在');
    } else if (t.kind === 'team') {
      if (!(await deps.users.findTeamById(t.teamId)))
        throw bad('rule target team missing', '规则指定的团队不存在');
    }
  }

  return {
    rules,

    async createRule(w: RuleWrite): Promise<AssignmentRule> {
      await validateTarget(w.target);
      const d = await LeadAssignmentRule.create({ ...w, target: targetDoc(w.target) });
      return toRule(d.toObject() as RuleLean);
    },

    async updateRule(id: string, w: Partial<RuleWrite>): Promise<AssignmentRule> {
      if (w.target) await validateTarget(w.target);
      const set: Record<string, unknown> = { ...w };
      if (w.target) set.target = targetDoc(w.target);
      const d = Types.ObjectId.isValid(id)
        ? await LeadAssignmentRule.findByIdAndUpdate(
            id,
            { $set: set },
            { returnDocument: 'after' },
          ).lean<RuleLean>()
        : null;
      if (!d) throw notFound('assignment rule', '分配规则不存在');
      return toRule(d);
    },

    async deleteRule(id: string): Promise<void> {
      const r = Types.ObjectId.isValid(id)
        ? await LeadAssignmentRule.deleteOne({ _id: id })
        : { deletedCount: 0 };
      if (r.deletedCount === 0) throw notFound('assignment rule', '分配规则不存在');
    },

    async setCapacity(userId: string, capacity: number): Promise<void> {
      const u = await deps.users.findUserById(userId);
      if (!u) throw notFound('user', '用户不存在');
      await LeadAgentCapacity.updateOne(
        { userId: new Types.ObjectId(userId) },
        { $set: { capacity } },
        { upsert: true },
      );
    },

    /** The decision for a lead (no write except the round-robin pointer). */
    async decide(lead: AssignableLead): Promise<AssignmentDecision> {
      const passed: string[] = [];
      const skipped = () => (passed.length ? `（${passed.join('；')}）` : '');
      for (const rule of await rules()) {
        if (!rule.enabled) continue;
        const why = ruleMatches(rule, lead);
        if (!why) continue;
        const base = { ruleId: rule.id, ruleName: rule.name };
        const t = rule.target;
        if (t.kind === 'pool') {
          return {
            kind: 'pool',
            ...base,
            reason: `规则「${rule.name}」命中（${why}）→ 放入公海${skipped()}`,
          };
        }
        if (t.kind === 'agent') {
          const u = await deps.users.findUserById(t.userId);
          const [room] = u ? await withRoom([u]) : [];
          if (room) {
            return {
              kind: 'agent',
              user: room.user,
              ...base,
              reason: `规则「${rule.name}」命中（${why}）→ 指定顾问 ${room.user.name}${skipped()}`,
            };
          }
          passed.push(`跳过规则「${rule.name}」：顾问${u && u.active ? '已满额' : '已停用'}`);
          continue;
        }
        const team = await deps.users.findTeamById(t.teamId);
        const [best] = await withRoom(await activeAgents({ teamId: t.teamId }));
        if (best) {
          return {
            kind: 'agent',
            user: best.user,
            ...base,
            reason:
              `规则「${rule.name}」命中（${why}）→ 团队「${team?.name ?? ''}」中负载最低的顾问 ` +
              `${best.user.name}（在手 ${best.open}/${best.capacity}）${skipped()}`,
          };
        }
        passed.push(`跳过规则「${rule.name}」：团队无可分配顾问`);
      }
      const prefix = passed.length ? `${passed.join('；')}；` : '没有命中的分配规则；';
      const pool = await withRoom(await activeAgents({}));
      if (pool.length === 0) {
        return {
          kind: 'pool',
          ruleId: undefined,
          ruleName: undefined,
          reason: `${prefix}无可分配顾问 → 放入公海`,
        };
      }
      // Round-robin in a stable order (account age), so the fallback spreads leads evenly.
      const ordered = [...pool].sort(
        (a, b) =>
          a.user.createdAt.getTime() - b.user.createdAt.getTime() || a.user.id.localeCompare(b.user.id),
      );
      const state = await LeadRoundRobin.findOneAndUpdate(
        { key: 'fallback' },
        { $inc: { next: 1 } },
        { upsert: true, returnDocument: 'before' },
      ).lean();
      const pick = ordered[(state?.next ?? 0) % ordered.length] ?? ordered[0];
      if (!pick) throw new Error('unreachable: empty pool after length check');
      return {
        kind: 'agent',
        user: pick.user,
        ruleId: undefined,
        ruleName: undefined,
        reason: `${prefix}轮流分配 → ${pick.user.name}`,
      };
    },
  };
}
export type Assignment = ReturnType<typeof createAssignment>;
