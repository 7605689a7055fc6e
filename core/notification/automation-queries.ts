import { Types } from 'mongoose';
import type { Models } from '../db/database.js';

// Read-only scans the automations need across every owner (system scope), with narrow projections and
// cursor batches so memory stays flat however many rows match. Customer data itself is
// written only by its own domain; these never write.

const oid = (id: string) => new Types.ObjectId(id);

export interface PolicyForReminder {
  id: string;
  number: string;
  insurer: string;
  product: string;
  customerId: string;
  expiryDate: string;
  effectiveDate: string;
  renewalOutcome: string | undefined;
  ownerId: string;
  teamId: string | undefined;
  branchId: string | undefined;
}

export interface CustomerContact {
  id: string;
  name: string;
  gender: string | undefined;
  openid: string | undefined;
  externalUserId: string | undefined;
  lastInteractionAt: Date | undefined;
  ownerId: string;
  teamId: string | undefined;
  branchId: string | undefined;
}

interface PolicyLean {
  _id: Types.ObjectId;
  number: string;
  insurer: string;
  product: string;
  customerId: Types.ObjectId;
  expiryDate: string;
  effectiveDate: string;
  renewalOutcome?: string | null;
  ownerId: Types.ObjectId;
  teamId?: Types.ObjectId | null;
  branchId?: Types.ObjectId | null;
}

interface CustomerLean {
  _id: Types.ObjectId;
  name: string;
  gender?: string | null;
  identities?: { openid?: string | null; externalUserId?: string | null } | null;
  lastInteractionAt?: Date | null;
  ownerId: Types.ObjectId;
  teamId?: Types.ObjectId | null;
  branchId?: Types.ObjectId | null;
  createdAt?: Date;
  birthdayMd?: string | null;
  family?: { _id?: Types.ObjectId; relation: string; name: string; birthdayMd?: string | null }[] | null;
  anniversaries?: { _id?: Types.ObjectId; label: string; date: string; md?: string | null }[] | null;
}

const toPolicy = (d: PolicyLean): PolicyForReminder => ({
  id: d._id.toString(),
  number: d.number,
  insurer: d.insurer,
  product: d.product,
  customerId: d.customerId.toString(),
  expiryDate: d.expiryDate,
  effectiveDate: d.effectiveDate,
  renewalOutcome: d.renewalOutcome ?? undefined,
  ownerId: d.ownerId.toString(),
  teamId: d.teamId?.toString(),
  branchId: d.branchId?.toString(),
});

const toContact = (d: CustomerLean): CustomerContact => ({
  id: d._id.toString(),
  name: d.name,
  gender: d.gender ?? undefined,
  openid: d.identities?.openid ?? undefined,
  externalUserId: d.identities?.externalUserId ?? undefined,
  lastInteractionAt: d.lastInteractionAt ?? undefined,
  ownerId: d.ownerId.toString(),
  teamId: d.teamId?.toString(),
  branchId: d.branchId?.toString(),
});

const POLICY_FIELDS = {
  number: 1,
  insurer: 1,
  product: 1,
  customerId: 1,
  expiryDate: 1,
  effectiveDate: 1,
  renewalOutcome: 1,
  ownerId: 1,
  teamId: 1,
  branchId: 1,
};
const CONTACT_FIELDS = {
  name: 1,
  gender: 1,
  identities: 1,
  lastInteractionAt: 1,
  ownerId: 1,
  teamId: 1,
  branchId: 1,
};

/**
 * Streams a query's rows in arrays of `size`: one server-side cursor read batch by batch, so memory
 * holds one batch whatever the number of matches. (Keyset pages — `_id > last` sorted — cost a full
 * scan per page on FerretDB, which does not push that sort down: quadratic on a large book.)
 */
async function* batches<T>(
  query: { cursor(opts: { batchSize: number }): AsyncIterable<T> },
  size: number,
): AsyncGenerator<T[]> {
  let batch: T[] = [];
  for await (const row of query.cursor({ batchSize: size })) {
    batch.push(row);
    if (batch.length >= size) {
      yield batch;
      batch = [];
    }
  }
  if (batch.length > 0) yield batch;
}

export function createAutomationQueries(models: Models, batchSize = 500) {
  const { Policy, Customer, Ticket, Claim } = models;
  return {
    /** In-force policies expiring in [from, to] ('YYYY-MM-DD'), in batches. */
    policiesExpiring(from: string, to: string): AsyncGenerator<PolicyForReminder[]> {
      const base: Record<string, unknown> = { status: 'in_force', expiryDate: { $gte: from, $lte: to } };
      return (async function* () {
        for await (const rows of batches(Policy.find(base, POLICY_FIELDS).lean<PolicyLean[]>(), batchSize)) {
          yield rows.map(toPolicy);
        }
      })();
    },

    /** In-force policies whose effective date's month-day is `md` ('MM-DD') (annual review). */
    policiesWithEffectiveMd(md: string): AsyncGenerator<PolicyForReminder[]> {
      // A regex on the stored 'YYYY-MM-DD' string: a find filter, portable to FerretDB.
      const base: Record<string, unknown> = {
        status: 'in_force',
        effectiveDate: { $regex: `^\\d{4}-${md}$` },
      };
      return (async function* () {
        for await (const rows of batches(Policy.find(base, POLICY_FIELDS).lean<PolicyLean[]>(), batchSize)) {
          yield rows.map(toPolicy);
        }
      })();
    },

    async policyById(id: string): Promise<(PolicyForReminder & { status: string }) | undefined> {
      const d = await Policy.findById(id, { ...POLICY_FIELDS, status: 1 }).lean<
        PolicyLean & { status: string }
      >();
      return d ? { ...toPolicy(d), status: d.status } : undefined;
    },

    async contacts(ids: string[]): Promise<Map<string, CustomerContact>> {
      if (ids.length === 0) return new Map();
      const docs = await Customer.find({ _id: { $in: [...new Set(ids)].map(oid) } }, CONTACT_FIELDS).lean<
        CustomerLean[]
      >();
      return new Map(docs.map((d) => [d._id.toString(), toContact(d)]));
    },

    /** Customers with a birthday, family birthday or anniversary on `md` ('MM-DD'), in batches. */
    careOccasions(md: string): AsyncGenerator<
      (CustomerContact & {
        birthdayMd: string | undefined;
        family: { id: string; relation: string; name: string; birthdayMd: string | undefined }[];
        anniversaries: { id: string; label: string; date: string; md: string | undefined }[];
      })[]
    > {
      const base: Record<string, unknown> = {
        $or: [{ birthdayMd: md }, { 'family.birthdayMd': md }, { 'anniversaries.md': md }],
      };
      return (async function* () {
        for await (const rows of batches(
          Customer.find(base, {
            ...CONTACT_FIELDS,
            birthdayMd: 1,
            family: 1,
            anniversaries: 1,
          }).lean<CustomerLean[]>(),
          batchSize,
        )) {
          yield rows.map((d) => ({
            ...toContact(d),
            birthdayMd: d.birthdayMd ?? undefined,
            family: (d.family ?? []).map((f) => ({
              id: f._id?.toString() ?? f.name,
              relation: f.relation,
              name: f.name,
              birthdayMd: f.birthdayMd ?? undefined,
            })),
            anniversaries: (d.anniversaries ?? []).map((a) => ({
              id: a._id?.toString() ?? a.label,
              label: a.label,
              date: a.date,
              md: a.md ?? undefined,
            })),
          }));
        }
      })();
    },

    /** Customers whose last interaction (or, never contacted, creation) is before `cutoff`. */
    dormantCustomers(cutoff: Date): AsyncGenerator<(CustomerContact & { since: Date })[]> {
      const base: Record<string, unknown> = {
        $or: [
          { lastInteractionAt: { $lt: cutoff } },
          { lastInteractionAt: null, createdAt: { $lt: cutoff } },
        ],
      };
      return (async function* () {
        for await (const rows of batches(
          Customer.find(base, { ...CONTACT_FIELDS, createdAt: 1 }).lean<CustomerLean[]>(),
          batchSize,
        )) {
          yield rows.map((d) => ({ ...toContact(d), since: d.lastInteractionAt ?? d.createdAt ?? cutoff }));
        }
      })();
    },

    /** Every active owner id of customers (festival tasks go to agents who have customers). */
    async customerCountsByOwner(): Promise<Map<string, number>> {
      const rows = await Customer.aggregate<{ _id: Types.ObjectId; n: number }>([
        { $group: { _id: '$ownerId', n: { $sum: 1 } } },
      ]);
      return new Map(rows.map((r) => [r._id.toString(), r.n]));
    },

    /** Unresolved tickets whose SLA is past due at `now`, in batches. */
    breachedTickets(now: Date) {
      const base: Record<string, unknown> = {
        status: { $in: ['open', 'in_progress'] },
        slaDueAt: { $lt: now },
      };
      return (async function* () {
        for await (const rows of batches(
          Ticket.find(base, {
            title: 1,
            type: 1,
            urgency: 1,
            slaDueAt: 1,
            customerId: 1,
            assigneeId: 1,
            ownerId: 1,
            teamId: 1,
            branchId: 1,
          }).lean<
            {
              _id: Types.ObjectId;
              title: string;
              type: string;
              urgency: string;
              slaDueAt: Date;
              customerId: Types.ObjectId;
              assigneeId?: Types.ObjectId | null;
              ownerId: Types.ObjectId;
              teamId?: Types.ObjectId | null;
              branchId?: Types.ObjectId | null;
            }[]
          >(),
          batchSize,
        )) {
          yield rows.map((t) => ({
            id: t._id.toString(),
            title: t.title,
            type: t.type,
            urgency: t.urgency,
            slaDueAt: t.slaDueAt,
            customerId: t.customerId.toString(),
            assigneeId: t.assigneeId?.toString(),
            ownerId: t.ownerId.toString(),
            teamId: t.teamId?.toString(),
            branchId: t.branchId?.toString(),
          }));
        }
      })();
    },

    async claimById(id: string) {
      const d = await Claim.findById(id, {
        number: 1,
        customerId: 1,
        policyId: 1,
        ownerId: 1,
        teamId: 1,
        branchId: 1,
      }).lean<{
        _id: Types.ObjectId;
        number: string;
        customerId: Types.ObjectId;
        policyId: Types.ObjectId;
        ownerId: Types.ObjectId;
        teamId?: Types.ObjectId | null;
        branchId?: Types.ObjectId | null;
      }>();
      return d
        ? {
            id: d._id.toString(),
            number: d.number,
            customerId: d.customerId.toString(),
            policyId: d.policyId.toString(),
            ownerId: d.ownerId.toString(),
            teamId: d.teamId?.toString(),
            branchId: d.branchId?.toString(),
          }
        : undefined;
    },
  };
}
export type AutomationQueries = ReturnType<typeof createAutomationQueries>;
