import type { Models } from '../../db/database.js';
import type { UserRepository } from '../../user/user.repository.js';
import type { CustomerLookup } from './archive.service.js';

interface Cached<T> {
  value: T;
  until: number;
}

/**
 * The archive pipeline's identity links: a customer's external_userid → the customer
 * (`identities.externalUserId`, set by lead intake and the customer API), a member's userid → the
 * Qibao user. System reads, not scoped: the pipeline stores the link, and every read of archived
 * messages is scoped through the customer (see ArchiveRepository.messagesForCustomer).
 *
 * A pull reads up to 1000 messages, mostly between a few agents and customers, and the embedded
 * database scans rather than uses indexes; a short cache keeps that to one query per person per pull.
 * Misses are cached briefly only, so a customer linked a minute ago is found on the next pull.
 */
export function createArchiveLookup(deps: {
  models: Pick<Models, 'Customer'>;
  users: Pick<UserRepository, 'findUserByWecomId'>;
  clock: () => Date;
  hitTtlMs?: number;
  missTtlMs?: number;
  maxEntries?: number;
}): Required<CustomerLookup> {
  const hitTtl = deps.hitTtlMs ?? 10 * 60_000;
  const missTtl = deps.missTtlMs ?? 60_000;
  const max = deps.maxEntries ?? 5000;
  const customers = new Map<string, Cached<string | undefined>>();
  const agents = new Map<string, Cached<{ id: string; wecomUserId: string } | undefined>>();

  async function cached<T>(
    cache: Map<string, Cached<T | undefined>>,
    key: string,
    load: () => Promise<T | undefined>,
  ): Promise<T | undefined> {
    const now = deps.clock().getTime();
    const hit = cache.get(key);
    if (hit && hit.until > now) return hit.value;
    const value = await load();
    // Oldest entry out first (Map keeps insertion order); bounded whatever the traffic.
    if (cache.size >= max) {
      const oldest = cache.keys().next();
      if (!oldest.done) cache.delete(oldest.value);
    }
    cache.delete(key);
    cache.set(key, { value, until: now + (value === undefined ? missTtl : hitTtl) });
    return value;
  }

  return {
    findIdByExternalUserId: (externalUserId) =>
      cached(customers, externalUserId, async () => {
        const d = await deps.models.Customer.findOne(
          { 'identities.externalUserId': externalUserId },
          { _id: 1 },
        ).lean<{ _id: { toString(): string } }>();
        return d ? d._id.toString() : undefined;
      }),
    findAgentByWecomUserId: (wecomUserId) =>
      cached(agents, wecomUserId, async () => {
        const u = await deps.users.findUserByWecomId(wecomUserId);
        return u ? { id: u.id, wecomUserId: u.wecomUserId } : undefined;
      }),
  };
}
