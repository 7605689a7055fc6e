import { Types } from 'mongoose';
import type { DataScope } from '../auth/scope.js';
import type { Models } from '../db/database.js';
import type { LeadSlaHook } from '../notification/lead-sla.hook.js';
import type { NotificationService } from '../notification/notification.service.js';
import { addDays, daysBetween, shanghaiDateOf, shanghaiInstant } from '../notification/shanghai-time.js';
import type { UserRepository } from '../user/user.repository.js';

/** WeCom markdown app messages carry at most 2048 bytes. */
export const DIGEST_MAX_BYTES = 2048;
const EXAMPLES = 3;
// "No contact" for an expiring policy means none within this many days.
const NO_CONTACT_DAYS = 30;

const bytes = (s: string) => Buffer.byteLength(s, 'utf8');
const oid = (id: string) => new Types.ObjectId(id);

export interface DigestDeps {
  models: Models;
  users: UserRepository;
  outbox: Pick<NotificationService, 'enqueue'>;
  clock: () => Date;
  leads?: LeadSlaHook | undefined;
}

type ManagerScope = Extract<DataScope, { level: 'team' } | { level: 'branch' }>;

function scopeFields(scope: ManagerScope): Record<string, Types.ObjectId> {
  return scope.level === 'team' ? { teamId: oid(scope.teamId) } : { branchId: oid(scope.branchId) };
}

/** One digest section: a headline with a count and what to do, plus a few named examples. */
interface Section {
  headline: string;
  examples: string[];
}

/**
 * Renders the digest markdown within `maxBytes`: first with up to three examples per section, then
 * fewer, then headlines only, so the actionable counts always fit.
 */
export function renderDigest(
  title: string,
  kpis: string,
  sections: Section[],
  footer: string,
  maxBytes = DIGEST_MAX_BYTES,
): string {
  for (const perSection of [EXAMPLES, 2, 1, 0]) {
    const body = sections.length
      ? sections
          .map((s) => {
            const ex = s.examples.slice(0, perSection);
            return `- ${s.headline}${ex.length ? `：${ex.join('；')}${s.examples.length > ex.length ? ' 等' : ''}` : ''}`;
          })
          .join('\n')
      : '- 今日无异常事项';
    const text = `**${title}**\n> ${kpis}\n\n**今日需关注**\n${body}\n\n${footer}`;
    if (bytes(text) <= maxBytes) return text;
  }
  // Still too long (very many sections): cut at a character boundary.
  let text = `**${title}**\n> ${kpis}\n\n**今日需关注**\n${sections.map((s) => `- ${s.headline}`).join('\n')}`;
  while (bytes(text) > maxBytes - 4) text = text.slice(0, -1);
  return `${text}…`;
}

/**
 * The daily digest (product.md §3.8) for each team lead (team scope) and branch manager (branch
 * scope): yesterday's KPIs and today's exceptions, each line saying what to do, one markdown app
 * message per manager per day (dedupe key digest:<managerId>:<date>).
 */
export function createDigestService(deps: DigestDeps) {
  const { Interaction, Customer, Task, Policy, Ticket, ComplianceHit, WecomExternalContact, User } =
    deps.models;

  async function compose(scope: ManagerScope, now: Date) {
    const today = shanghaiDateOf(now);
    const yesterday = addDays(today, -1);
    const range = { $gte: shanghaiInstant(yesterday), $lt: shanghaiInstant(today) };
    const s = scopeFields(scope);
    // Independent reads in parallel: a branch digest is a dozen queries.
    const [
      staff,
      interactions,
      newCustomers,
      tasksDone,
      leadLines,
      expiring,
      breached,
      overdue,
      hits,
      scopeName,
    ] = await Promise.all([
      User.find({ ...s, active: true }, { name: 1, wecomUserId: 1 }).lean<
        { _id: Types.ObjectId; name: string; wecomUserId: string }[]
      >(),
      Interaction.countDocuments({ ...s, occurredAt: range }),
      Customer.countDocuments({ ...s, createdAt: range }),
      Task.countDocuments({ ...s, status: 'done', completedAt: range }),
      deps.leads ? deps.leads.digestLines(scope, now, EXAMPLES) : Promise.resolve([] as string[]),
      Policy.find(
        { ...s, status: 'in_force', expiryDate: { $gte: today, $lte: addDays(today, 7) } },
        { customerId: 1, product: 1, expiryDate: 1, ownerId: 1, renewalOutcome: 1 },
      )
        .sort({ expiryDate: 1, _id: 1 })
        .limit(500)
        .lean<
          {
            _id: Types.ObjectId;
            customerId: Types.ObjectId;
            product: string;
            expiryDate: string;
            ownerId: Types.ObjectId;
            renewalOutcome?: string | null;
          }[]
        >(),
      Ticket.find(
        { ...s, status: { $in: ['open', 'in_progress'] }, slaDueAt: { $lt: now } },
        { title: 1, assigneeId: 1, ownerId: 1, slaDueAt: 1 },
      )
        .sort({ slaDueAt: 1 })
        .limit(200)
        .lean<
          {
            _id: Types.ObjectId;
            title: string;
            assigneeId?: Types.ObjectId | null;
            ownerId: Types.ObjectId;
          }[]
        >(),
      Task.aggregate<{ _id: Types.ObjectId; n: number }>([
        { $match: { ...s, status: 'open', dueDate: { $lt: today } } },
        { $group: { _id: '$ownerId', n: { $sum: 1 } } },
        { $sort: { n: -1 } },
      ]),
      ComplianceHit.aggregate<{ _id: string; n: number }>([
        { $match: { ...s, occurredAt: range } },
        { $group: { _id: '$category', n: { $sum: 1 } } },
        { $sort: { n: -1 } },
      ]),
      scope.level === 'team'
        ? deps.models.Team.findById(scope.teamId, { name: 1 })
            .lean<{ name: string }>()
            .then((t) => t?.name ?? '团队')
        : deps.models.Branch.findById(scope.branchId, { name: 1 })
            .lean<{ name: string }>()
            .then((b) => b?.name ?? '分支'),
    ]);
    const nameOf = new Map(staff.map((u) => [u._id.toString(), u.name]));
    const agentName = (id: Types.ObjectId | undefined | null) =>
      id ? (nameOf.get(id.toString()) ?? '—') : '—';
    const open = expiring.filter((p) => !p.renewalOutcome || p.renewalOutcome === 'pending');
    const wecomIds = staff.map((u) => u.wecomUserId);
    const [customerRows, deleted] = await Promise.all([
      open.length
        ? Customer.find(
            { _id: { $in: [...new Set(open.map((p) => p.customerId.toString()))].map(oid) } },
            { name: 1, lastInteractionAt: 1 },
          ).lean<{ _id: Types.ObjectId; name: string; lastInteractionAt?: Date | null }[]>()
        : Promise.resolve([]),
      wecomIds.length
        ? WecomExternalContact.find(
            { userId: { $in: wecomIds }, status: 'deleted_by_customer', removedAt: range },
            { userId: 1 },
          ).lean<{ userId: string }[]>()
        : Promise.resolve([]),
    ]);

    const kpis = `昨日（${yesterday}）：沟通 ${interactions} 次 · 新增客户 ${newCustomers} 位 · 完成待办 ${tasksDone} 项`;
    const sections: Section[] = [];
    const [leadHeadline, ...leadExamples] = leadLines;
    if (leadHeadline) sections.push({ headline: leadHeadline, examples: leadExamples });

    // Policies expiring within 7 days whose customer has not been contacted for 30 days.
    const customers = new Map(customerRows.map((c) => [c._id.toString(), c]));
    const contactCutoff = now.getTime() - NO_CONTACT_DAYS * 86_400_000;
    const uncontacted = open.filter((p) => {
      const c = customers.get(p.customerId.toString());
      return !c?.lastInteractionAt || c.lastInteractionAt.getTime() < contactCutoff;
    });
    if (uncontacted.length) {
      sections.push({
        headline: `7天内到期且30天未联系的保单 ${uncontacted.length} 单，请督促业务员今天联系`,
        examples: uncontacted.map(
          (p) =>
            `${customers.get(p.customerId.toString())?.name ?? '客户'}《${p.product}》${daysBetween(today, p.expiryDate)}天后到期（${agentName(p.ownerId)}）`,
        ),
      });
    }
    if (breached.length) {
      sections.push({
        headline: `超时未处理工单 ${breached.length} 个，请协调处理`,
        examples: breached.map(
          (t) => `「${t.title.slice(0, 20)}」（${agentName(t.assigneeId ?? t.ownerId)}）`,
        ),
      });
    }
    const overdueTotal = overdue.reduce((n, r) => n + r.n, 0);
    if (overdueTotal) {
      sections.push({
        headline: `逾期待办 ${overdueTotal} 项，请提醒完成或调整`,
        examples: overdue.map((r) => `${agentName(r._id)} ${r.n} 项`),
      });
    }
    const hitTotal = hits.reduce((n, r) => n + r.n, 0);
    if (hitTotal) {
      sections.push({
        headline: `昨日合规命中 ${hitTotal} 条，请在合规页复核`,
        examples: hits.map((h) => `${h._id} ${h.n} 条`),
      });
    }
    if (deleted.length) {
      const byWecom = new Map(staff.map((u) => [u.wecomUserId, u.name]));
      const counts = new Map<string, number>();
      for (const d of deleted) counts.set(d.userId, (counts.get(d.userId) ?? 0) + 1);
      sections.push({
        headline: `昨日 ${deleted.length} 位客户删除了业务员，请了解原因`,
        examples: [...counts].map(([u, n]) => `${byWecom.get(u) ?? u} ${n} 位`),
      });
    }
    return renderDigest(
      `企保日报 · ${today} · ${scopeName}`,
      kpis,
      sections,
      '更多明细请在企保小程序「报表」页查看。',
    );
  }

  return {
    compose,

    /** Enqueues today's digest for every active team lead and branch manager (once per manager per day). */
    async sendAll(): Promise<{ managers: number; enqueued: number }> {
      const now = deps.clock();
      const today = shanghaiDateOf(now);
      let managers = 0;
      let enqueued = 0;
      for (const role of ['team_lead', 'branch_manager'] as const) {
        for (let page = 0; ; page++) {
          const { items } = await deps.users.listUsers(
            { role, active: true },
            { skip: page * 100, limit: 100 },
          );
          for (const m of items) {
            const scope: ManagerScope | undefined =
              role === 'team_lead'
                ? m.teamId
                  ? { level: 'team', teamId: m.teamId }
                  : undefined
                : m.branchId
                  ? { level: 'branch', branchId: m.branchId }
                  : undefined;
            if (!scope) continue;
            managers++;
            const text = await compose(scope, now);
            const { created } = await deps.outbox.enqueue({
              dedupeKey: `digest:${m.id}:${today}`,
              kind: 'daily_digest',
              channel: 'manager_digest',
              to: { userId: m.id, wecomUserId: m.wecomUserId },
              owner: {
                userId: m.id,
                teamId: scope.level === 'team' ? scope.teamId : undefined,
                branchId: m.branchId,
              },
              message: { format: 'markdown', text },
              // Yesterday's digest is noise once today's exists.
              expiresAt: shanghaiInstant(addDays(today, 1)),
            });
            if (created) enqueued++;
          }
          if (items.length < 100) break;
        }
      }
      return { managers, enqueued };
    },
  };
}
export type DigestService = ReturnType<typeof createDigestService>;
