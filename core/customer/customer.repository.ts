import { Types } from 'mongoose';
import type { DataScope } from '../auth/scope.js';
import type { CustomerModels } from './customer.model.js';
import type {
  FAMILY_RELATIONS,
  GENDERS,
  OCCUPATIONS,
  PHONE_LABELS,
  PREFERRED_CHANNELS,
  RISK_PREFERENCES,
  SOURCE_CHANNELS,
} from './customer.options.js';
import { createKeyedLock } from './keyed-lock.js';
import { escapeRegExp } from './search-keys.js';
import {
  oid,
  ownershipToDoc,
  scopeFilter,
  toOwnership,
  type Ownership,
  type OwnershipDoc,
} from './ownership.js';

export type Tier = 'high' | 'medium' | 'low';
export type Book = 'general' | 'screened' | 'deal' | 'select' | 'core';
export type Lifecycle = 'active' | 'potential' | 'dormant' | 'churned';
/** 财产风险等级 (core/segmentation/segmentation.rules.ts). */
export type PropertyRisk = 'high' | 'medium' | 'low';

/** RFM on policy events: scores 1–3 each (0 = no event / no premium), e.g. code 'R3F2M3'. */
export interface Rfm {
  /** Days since the last purchase or renewal; undefined when there is none. */
  recencyDays: number | undefined;
  /** Policy events (distinct days) in the last three years. */
  frequency: number;
  /** Annualized premium in force (CNY). */
  monetary: number;
  r: number;
  f: number;
  m: number;
  code: string;
}

export interface Segmentation {
  tier: Tier;
  book: Book;
  lifecycle: Lifecycle;
  /** Undefined on records computed before property risk and RFM existed (the nightly run fills them). */
  propertyRisk: PropertyRisk | undefined;
  rfm: Rfm | undefined;
  reasons: { tier: string[]; book: string[]; lifecycle: string[]; propertyRisk: string[]; rfm: string[] };
  annualPremium: number;
  computedAt: Date;
}

export interface FamilyMember {
  id: string;
  relation: (typeof FAMILY_RELATIONS)[number];
  name: string;
  birthday: string | undefined;
  linkedCustomerId: string | undefined;
}

export interface Anniversary {
  id: string;
  label: string;
  date: string;
}

/** A customer as stored (the ID number only as ciphertext, hash and masked form). */
export interface CustomerRecord {
  id: string;
  name: string;
  nameInitials: string;
  namePinyin: string;
  gender: (typeof GENDERS)[number];
  birthday: string | undefined;
  occupation: (typeof OCCUPATIONS)[number] | undefined;
  phones: { number: string; label: (typeof PHONE_LABELS)[number] }[];
  idNumberEnc: string | undefined;
  idNumberHash: string | undefined;
  idNumberMasked: string | undefined;
  address: string | undefined;
  region: string | undefined;
  identities: {
    corpId: string | undefined;
    externalUserId: string | undefined;
    unionid: string | undefined;
    openid: string | undefined;
  };
  family: FamilyMember[];
  anniversaries: Anniversary[];
  preferences: {
    channel: (typeof PREFERRED_CHANNELS)[number] | undefined;
    risk: (typeof RISK_PREFERENCES)[number] | undefined;
    contactTime: string | undefined;
  };
  softInfo: { notes: string; tags: string[] };
  tags: string[];
  sourceChannel: (typeof SOURCE_CHANNELS)[number];
  referrerId: string | undefined;
  ownership: Ownership;
  segmentation: Segmentation | undefined;
  lastInteractionAt: Date | undefined;
  createdAt: Date;
  updatedAt: Date;
}

/** The writable part of a customer (everything the service computes before insert/update). */
export type CustomerWrite = Omit<
  CustomerRecord,
  'id' | 'createdAt' | 'updatedAt' | 'segmentation' | 'lastInteractionAt' | 'ownership'
>;

type Opt<T> = T | null | undefined;
interface CustomerLean extends OwnershipDoc {
  _id: Types.ObjectId;
  name: string;
  nameInitials: string;
  namePinyin: string;
  gender: CustomerRecord['gender'];
  birthday?: Opt<string>;
  occupation?: Opt<CustomerRecord['occupation']>;
  phones?: CustomerRecord['phones'] | null;
  idNumberEnc?: Opt<string>;
  idNumberHash?: Opt<string>;
  idNumberMasked?: Opt<string>;
  address?: Opt<string>;
  region?: Opt<string>;
  identities?: Opt<{
    corpId?: Opt<string>;
    externalUserId?: Opt<string>;
    unionid?: Opt<string>;
    openid?: Opt<string>;
  }>;
  family?: Opt<
    {
      _id: Types.ObjectId;
      relation: FamilyMember['relation'];
      name: string;
      birthday?: Opt<string>;
      linkedCustomerId?: Opt<Types.ObjectId>;
    }[]
  >;
  anniversaries?: Opt<{ _id: Types.ObjectId; label: string; date: string }[]>;
  preferences?: Opt<{
    channel?: Opt<CustomerRecord['preferences']['channel']>;
    risk?: Opt<CustomerRecord['preferences']['risk']>;
    contactTime?: Opt<string>;
  }>;
  softInfo?: Opt<{ notes?: Opt<string>; tags?: Opt<string[]> }>;
  tags?: Opt<string[]>;
  sourceChannel: CustomerRecord['sourceChannel'];
  referrerId?: Opt<Types.ObjectId>;
  segmentation?: Opt<Segmentation>;
  lastInteractionAt?: Opt<Date>;
  createdAt: Date;
  updatedAt: Date;
}

const u = <T>(v: Opt<T>): T | undefined => v ?? undefined;

const toCustomer = (d: CustomerLean): CustomerRecord => ({
  id: d._id.toString(),
  name: d.name,
  nameInitials: d.nameInitials,
  namePinyin: d.namePinyin,
  gender: d.gender,
  birthday: u(d.birthday),
  occupation: u(d.occupation),
  phones: (d.phones ?? []).map((p) => ({ number: p.number, label: p.label })),
  idNumberEnc: u(d.idNumberEnc),
  idNumberHash: u(d.idNumberHash),
  idNumberMasked: u(d.idNumberMasked),
  address: u(d.address),
  region: u(d.region),
  identities: {
    corpId: u(d.identities?.corpId),
    externalUserId: u(d.identities?.externalUserId),
    unionid: u(d.identities?.unionid),
    openid: u(d.identities?.openid),
  },
  family: (d.family ?? []).map((f) => ({
    id: f._id.toString(),
    relation: f.relation,
    name: f.name,
    birthday: u(f.birthday),
    linkedCustomerId: f.linkedCustomerId?.toString(),
  })),
  anniversaries: (d.anniversaries ?? []).map((a) => ({ id: a._id.toString(), label: a.label, date: a.date })),
  preferences: {
    channel: u(d.preferences?.channel),
    risk: u(d.preferences?.risk),
    contactTime: u(d.preferences?.contactTime),
  },
  softInfo: { notes: d.softInfo?.notes ?? '', tags: d.softInfo?.tags ?? [] },
  tags: d.tags ?? [],
  sourceChannel: d.sourceChannel,
  referrerId: d.referrerId?.toString(),
  ownership: toOwnership(d),
  segmentation: d.segmentation
    ? {
        tier: d.segmentation.tier,
        book: d.segmentation.book,
        lifecycle: d.segmentation.lifecycle,
        propertyRisk: d.segmentation.propertyRisk ?? undefined,
        rfm: d.segmentation.rfm
          ? { ...d.segmentation.rfm, recencyDays: d.segmentation.rfm.recencyDays ?? undefined }
          : undefined,
        reasons: {
          tier: d.segmentation.reasons?.tier ?? [],
          book: d.segmentation.reasons?.book ?? [],
          lifecycle: d.segmentation.reasons?.lifecycle ?? [],
          propertyRisk: d.segmentation.reasons?.propertyRisk ?? [],
          rfm: d.segmentation.reasons?.rfm ?? [],
        },
        annualPremium: d.segmentation.annualPremium,
        computedAt: d.segmentation.computedAt,
      }
    : undefined,
  lastInteractionAt: u(d.lastInteractionAt),
  createdAt: d.createdAt,
  updatedAt: d.updatedAt,
});

const md = (date: string | undefined) => (date ? date.slice(5) : undefined);

/** The stored document for a write: ids as ObjectIds, month-day keys derived. */
function toDoc(w: CustomerWrite) {
  return {
    ...w,
    birthdayMd: md(w.birthday),
    phoneLast4: w.phones.map((p) => p.number.slice(-4)),
    family: w.family.map((f) => ({
      _id: oid(f.id),
      relation: f.relation,
      name: f.name,
      birthday: f.birthday,
      birthdayMd: md(f.birthday),
      linkedCustomerId: f.linkedCustomerId ? oid(f.linkedCustomerId) : undefined,
    })),
    anniversaries: w.anniversaries.map((a) => ({
      _id: oid(a.id),
      label: a.label,
      date: a.date,
      md: md(a.date),
    })),
    referrerId: w.referrerId ? oid(w.referrerId) : undefined,
  };
}

export interface CustomerListFilter {
  /** Name substring, pinyin initials/full pinyin prefix, phone (full or last 4). */
  text?: { nameRegex?: string; pinyinPrefix?: string; phone?: string; last4?: string } | undefined;
  /** Customers matched by another key (e.g. policy number), ORed with `text`. */
  alsoIds?: string[] | undefined;
  tag?: string | undefined;
  tier?: Tier | undefined;
  book?: Book | undefined;
  lifecycle?: Lifecycle | undefined;
  ownerId?: string | undefined;
}

/** Data access for customers. Every read and update of a customer takes the caller's scope. */
export function createCustomerRepository(models: CustomerModels) {
  const { Customer, CustomerPhoneKey } = models;
  // One writer at a time per customer document (see keyed-lock.ts: FerretDB loses concurrent updates).
  const { withLock, withLocks } = createKeyedLock();

  /**
   * Customers holding a phone, or a phone ending in 4 digits, through the phone keys (one small
   * document per phone, `phone` indexed) rather than the customers' phone arrays, which the embedded
   * database cannot index. Unscoped ids: the list query applies the scope.
   */
  async function idsByPhone(text: CustomerListFilter['text']): Promise<string[]> {
    const phone = text?.phone
      ? text.phone
      : text?.last4
        ? { $regex: `${escapeRegExp(text.last4)}$` }
        : undefined;
    if (!phone) return [];
    const keys = await CustomerPhoneKey.find({ phone }, { customerId: 1 })
      .limit(500)
      .lean<{ customerId: Types.ObjectId }[]>();
    return keys.map((k) => k.customerId.toString());
  }

  function listQuery(scope: DataScope, f: CustomerListFilter): Record<string, unknown> {
    const q: Record<string, unknown> = { ...scopeFilter(scope) };
    if (f.tag) q.tags = f.tag;
    if (f.tier) q['segmentation.tier'] = f.tier;
    if (f.book) q['segmentation.book'] = f.book;
    if (f.lifecycle) q['segmentation.lifecycle'] = f.lifecycle;
    if (f.ownerId) {
      // An owner filter narrows the scope; it never widens it (scopeFilter already holds ownerId for agents).
      if ('ownerId' in q && String(q.ownerId) !== f.ownerId) q._id = { $in: [] };
      else q.ownerId = oid(f.ownerId);
    }
    const or: Record<string, unknown>[] = [];
    if (f.text?.nameRegex) or.push({ name: { $regex: escapeRegExp(f.text.nameRegex) } });
    if (f.text?.pinyinPrefix) {
      const p = `^${escapeRegExp(f.text.pinyinPrefix)}`;
      or.push({ nameInitials: { $regex: p } }, { namePinyin: { $regex: p } });
    }
    if (f.alsoIds && f.alsoIds.length > 0) or.push({ _id: { $in: f.alsoIds.map(oid) } });
    if (f.text || f.alsoIds) q.$or = or.length > 0 ? or : [{ _id: { $in: [] } }];
    return q;
  }

  return {
    newId: () => new Types.ObjectId().toString(),

    async insert(id: string, w: CustomerWrite, ownership: Ownership): Promise<CustomerRecord> {
      const doc = await Customer.create({ _id: oid(id), ...toDoc(w), ...ownershipToDoc(ownership) });
      return toCustomer(doc.toObject<CustomerLean>());
    },

    async findById(scope: DataScope, id: string): Promise<CustomerRecord | undefined> {
      if (!Types.ObjectId.isValid(id)) return undefined;
      const d = await Customer.findOne({ ...scopeFilter(scope), _id: oid(id) }).lean<CustomerLean>();
      return d ? toCustomer(d) : undefined;
    },

    /** Bounded batch read (joins in code instead of $lookup). */
    async findByIds(scope: DataScope, ids: string[]): Promise<CustomerRecord[]> {
      const valid = [...new Set(ids)].filter((i) => Types.ObjectId.isValid(i)).slice(0, 500);
      if (valid.length === 0) return [];
      const docs = await Customer.find({ ...scopeFilter(scope), _id: { $in: valid.map(oid) } }).lean<
        CustomerLean[]
      >();
      return docs.map(toCustomer);
    },

    async findByIdNumberHash(scope: DataScope, hash: string): Promise<CustomerRecord | undefined> {
      const d = await Customer.findOne({ ...scopeFilter(scope), idNumberHash: hash }).lean<CustomerLean>();
      return d ? toCustomer(d) : undefined;
    },

    async list(
      scope: DataScope,
      filter: CustomerListFilter,
      page: { skip: number; limit: number },
    ): Promise<{ items: CustomerRecord[]; total: number }> {
      const byPhone = await idsByPhone(filter.text);
      const q = listQuery(
        scope,
        byPhone.length ? { ...filter, alsoIds: [...(filter.alsoIds ?? []), ...byPhone] } : filter,
      );
      const [docs, total] = await Promise.all([
        Customer.find(q)
          .sort({ updatedAt: -1, _id: -1 })
          .skip(page.skip)
          .limit(page.limit)
          .lean<CustomerLean[]>(),
        Customer.countDocuments(q),
      ]);
      return { items: docs.map(toCustomer), total };
    },

    /**
     * Writes the fields of `w` that differ from `before` (the snapshot the change was computed from), so a
     * concurrent writer's other fields — tags added by an interaction — are not overwritten with stale values.
     * Undefined when the customer is not visible.
     */
    async update(
      scope: DataScope,
      id: string,
      w: CustomerWrite,
      before: CustomerWrite,
    ): Promise<CustomerRecord | undefined> {
      const doc = toDoc(w);
      const old = toDoc(before) as Record<string, unknown>;
      const set: Record<string, unknown> = {};
      const unset: Record<string, ''> = {};
      for (const [k, v] of Object.entries(doc)) {
        if (JSON.stringify(v) === JSON.stringify(old[k])) continue;
        if (v === undefined) unset[k] = '';
        else set[k] = v;
      }
      const update = {
        ...(Object.keys(set).length ? { $set: set } : {}),
        ...(Object.keys(unset).length ? { $unset: unset } : {}),
      };
      return withLock(id, async () => {
        const filter = { ...scopeFilter(scope), _id: oid(id) };
        const d = Object.keys(update).length
          ? await Customer.findOneAndUpdate(filter, update, { returnDocument: 'after' }).lean<CustomerLean>()
          : await Customer.findOne(filter).lean<CustomerLean>();
        return d ? toCustomer(d) : undefined;
      });
    },

    /** Runs `fn` as the only writer of this customer document in this process (see keyed-lock.ts). */
    withCustomerLock<T>(id: string, fn: () => Promise<T>): Promise<T> {
      return withLock(id, fn);
    },

    /** Stores a segmentation. Call inside withCustomerLock, with inputs read under the same lock. */
    async setSegmentation(scope: DataScope, id: string, seg: Segmentation): Promise<void> {
      await Customer.updateOne({ ...scopeFilter(scope), _id: oid(id) }, { $set: { segmentation: seg } });
    },

    /**
     * Stores a segmentation computed from inputs read outside the lock (the nightly batch), only if no
     * other recompute stored one since (`expectedComputedAt`, undefined = none stored). Leaves updatedAt
     * alone: a nightly run must not reorder the "recently updated" customer list. False when skipped.
     */
    async setSegmentationIfUnchanged(
      id: string,
      seg: Segmentation,
      expectedComputedAt: Date | undefined,
    ): Promise<boolean> {
      return withLock(id, async () => {
        const r = await Customer.updateOne(
          {
            _id: oid(id),
            'segmentation.computedAt': expectedComputedAt ?? { $exists: false },
          },
          { $set: { segmentation: seg } },
          { timestamps: false },
        );
        return r.modifiedCount > 0;
      });
    },

    /** After an interaction: remember when, and add the needs it revealed to the soft-info tags. */
    async touchInteraction(scope: DataScope, id: string, at: Date, softTags: string[]): Promise<void> {
      await withLock(id, () =>
        Customer.updateOne(
          { ...scopeFilter(scope), _id: oid(id) },
          {
            $max: { lastInteractionAt: at },
            ...(softTags.length ? { $addToSet: { 'softInfo.tags': { $each: softTags } } } : {}),
          },
        ),
      );
    },

    async countReferrals(scope: DataScope, id: string): Promise<number> {
      return Customer.countDocuments({ ...scopeFilter(scope), referrerId: oid(id) });
    },

    // --- phone uniqueness -------------------------------------------------------------------

    /** Which of `phones` already belong to a customer other than `exceptId`. */
    async phoneOwners(phones: string[], exceptId?: string): Promise<Map<string, string>> {
      if (phones.length === 0) return new Map();
      const keys = await CustomerPhoneKey.find({ phone: { $in: phones } }).lean<
        { phone: string; customerId: Types.ObjectId }[]
      >();
      const out = new Map<string, string>();
      for (const k of keys)
        if (k.customerId.toString() !== exceptId) out.set(k.phone, k.customerId.toString());
      return out;
    },

    /**
     * Claims phones for a customer. All or nothing: on a duplicate key the keys inserted by this
     * call are removed again and the error is rethrown.
     */
    async claimPhones(customerId: string, phones: string[]): Promise<void> {
      const inserted: string[] = [];
      try {
        for (const phone of phones) {
          await CustomerPhoneKey.create({ phone, customerId: oid(customerId) });
          inserted.push(phone);
        }
      } catch (err) {
        if (inserted.length)
          await CustomerPhoneKey.deleteMany({ phone: { $in: inserted }, customerId: oid(customerId) });
        throw err;
      }
    },

    async releasePhones(customerId: string, phones: string[]): Promise<void> {
      if (phones.length === 0) return;
      await CustomerPhoneKey.deleteMany({ phone: { $in: phones }, customerId: oid(customerId) });
    },

    /** Deletes a customer that was inserted a moment ago by a write that then failed (compensation). */
    async removeJustInserted(id: string): Promise<void> {
      await Customer.deleteOne({ _id: oid(id) });
    },

    // --- handover ---------------------------------------------------------------------------

    /** Up to `limit` ids of customers owned by `ownerId` (optionally restricted to `onlyIds`). */
    async idsOwnedBy(ownerId: string, limit: number, onlyIds?: string[]): Promise<string[]> {
      const q: Record<string, unknown> = { ownerId: oid(ownerId) };
      if (onlyIds) q._id = { $in: onlyIds.map(oid) };
      const docs = await Customer.find(q, { _id: 1 })
        .sort({ _id: 1 })
        .limit(limit)
        .lean<{ _id: Types.ObjectId }[]>();
      return docs.map((d) => d._id.toString());
    },

    /** Moves a batch to a new owner; only those still owned by `fromId` (a concurrent move is not undone). */
    async reassign(ids: string[], fromId: string, to: Ownership): Promise<number> {
      const r = await withLocks(ids, () =>
        Customer.updateMany(
          { _id: { $in: ids.map(oid) }, ownerId: oid(fromId) },
          { $set: ownershipToDoc(to) },
        ),
      );
      return r.modifiedCount;
    },
  };
}
export type CustomerRepository = ReturnType<typeof createCustomerRepository>;
