import type { Principal } from '../auth/scope.js';
import { maskPhone } from '../security/pii.js';
import type { CustomerRecord } from './customer.repository.js';
import { inScope } from './ownership.js';

/**
 * Phones are shown in full to the owner chain (owner agent, their team lead, branch manager, admin —
 * exactly the principals whose scope contains the customer) and masked for anyone else.
 */
export function seesFullPhones(principal: Principal, c: CustomerRecord): boolean {
  return inScope(principal.scope, c.ownership);
}

/** Roles that may see an unmasked ID number: the owner agent (fills in applications) and admins. */
export function maySeeIdNumber(principal: Principal, c: CustomerRecord): boolean {
  return principal.role === 'admin' || principal.userId === c.ownership.ownerId;
}

/** The list form of a customer: no ID number at all; phones masked outside the owner chain. */
export function customerSummary(c: CustomerRecord, principal: Principal) {
  const full = seesFullPhones(principal, c);
  return {
    id: c.id,
    name: c.name,
    gender: c.gender,
    region: c.region,
    phones: c.phones.map((p) => ({ number: full ? p.number : maskPhone(p.number), label: p.label })),
    tags: c.tags,
    segmentation: c.segmentation
      ? { tier: c.segmentation.tier, book: c.segmentation.book, lifecycle: c.segmentation.lifecycle }
      : undefined,
    ownerId: c.ownership.ownerId,
    lastInteractionAt: c.lastInteractionAt,
    updatedAt: c.updatedAt,
  };
}
export type CustomerSummary = ReturnType<typeof customerSummary>;

/** The detail form: the ID number masked unless `idNumberPlain` was decrypted for an allowed, audited read. */
export function customerDetail(c: CustomerRecord, principal: Principal, idNumberPlain?: string) {
  const full = seesFullPhones(principal, c);
  return {
    id: c.id,
    name: c.name,
    gender: c.gender,
    birthday: c.birthday,
    occupation: c.occupation,
    phones: c.phones.map((p) => ({ number: full ? p.number : maskPhone(p.number), label: p.label })),
    idNumber: idNumberPlain ?? c.idNumberMasked,
    idNumberMasked: idNumberPlain === undefined,
    address: c.address,
    region: c.region,
    identities: c.identities,
    family: c.family,
    anniversaries: c.anniversaries,
    preferences: c.preferences,
    softInfo: c.softInfo,
    tags: c.tags,
    sourceChannel: c.sourceChannel,
    referrerId: c.referrerId,
    ownerId: c.ownership.ownerId,
    teamId: c.ownership.teamId,
    branchId: c.ownership.branchId,
    segmentation: c.segmentation,
    lastInteractionAt: c.lastInteractionAt,
    createdAt: c.createdAt,
    updatedAt: c.updatedAt,
  };
}
export type CustomerDetail = ReturnType<typeof customerDetail>;

/** What the audit log keeps of a customer: PII only in masked form (the log must not become a copy). */
export function auditSnapshot(c: CustomerRecord | undefined): Record<string, unknown> | undefined {
  if (!c) return undefined;
  return {
    name: c.name,
    gender: c.gender,
    birthday: c.birthday,
    occupation: c.occupation,
    phones: c.phones.map((p) => `${maskPhone(p.number)}(${p.label})`),
    // The hash prefix makes a change visible even when the masked form stays the same.
    idNumber: c.idNumberMasked ? `${c.idNumberMasked}#${(c.idNumberHash ?? '').slice(0, 8)}` : undefined,
    address: c.address,
    region: c.region,
    identities: c.identities,
    family: c.family.map(({ id: _id, ...f }) => f),
    anniversaries: c.anniversaries.map(({ id: _id, ...a }) => a),
    preferences: c.preferences,
    softInfo: c.softInfo,
    tags: c.tags,
    sourceChannel: c.sourceChannel,
    referrerId: c.referrerId,
    ownerId: c.ownership.ownerId,
  };
}
export const CUSTOMER_AUDIT_FIELDS = [
  'name',
  'gender',
  'birthday',
  'occupation',
  'phones',
  'idNumber',
  'address',
  'region',
  'identities',
  'family',
  'anniversaries',
  'preferences',
  'softInfo',
  'tags',
  'sourceChannel',
  'referrerId',
  'ownerId',
] as const;
