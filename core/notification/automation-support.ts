import { createHash } from 'node:crypto';
import type { Config } from '#config/config';
import { isDuplicateKeyError } from '../db/errors.js';
import type { EventRepository } from '../events/events.repository.js';
import type { Logger } from '../logger.js';
import type { TaskRepository } from '../task/task.repository.js';
import type { UserRecord, UserRepository } from '../user/user.repository.js';
import type { AutomationQueries } from './automation-queries.js';
import type { NotificationRepository } from './notification.repository.js';
import type { NotificationService } from './notification.service.js';

/** What every automation (renewals, claims, care, dormant, tickets, digest) is built from. */
export interface AutomationDeps {
  queries: AutomationQueries;
  users: UserRepository;
  tasks: TaskRepository;
  events: EventRepository;
  outbox: Pick<NotificationService, 'enqueue' | 'enqueueMany' | 'dispatchDue'>;
  notifications: NotificationRepository;
  settings: Config['notifications'];
  clock: () => Date;
  logger: Logger;
}

/** System-created tasks name no human creator; this id marks them (never a real user). */
export const SYSTEM_ACTOR_ID = '000000000000000000000000';

/**
 * A task id derived from the automation's dedupe key: inserting it twice hits the _id unique index,
 * so a care or wake-up task is created once however often its job runs (style rule 7).
 */
export function taskIdFor(dedupeKey: string): string {
  return createHash('sha256').update(dedupeKey).digest('hex').slice(0, 24);
}

/** Creates the task unless the same dedupe key already created it. */
export async function createSystemTask(
  tasks: TaskRepository,
  dedupeKey: string,
  t: {
    title: string;
    note: string;
    customerId?: string | undefined;
    dueDate: string;
    ownership: { ownerId: string; teamId: string | undefined; branchId: string | undefined };
  },
): Promise<{ created: boolean; id: string }> {
  const id = taskIdFor(dedupeKey);
  try {
    await tasks.insert(
      {
        id,
        title: t.title,
        note: t.note,
        customerId: t.customerId,
        dueDate: t.dueDate,
        sourceType: 'system',
        sourceId: undefined,
        createdBy: SYSTEM_ACTOR_ID,
      },
      t.ownership,
    );
    return { created: true, id };
  } catch (err) {
    if (isDuplicateKeyError(err)) return { created: false, id };
    throw err;
  }
}

/** Users by id and the leads/managers above them, cached for one job run. */
export function userDirectory(users: UserRepository) {
  const byId = new Map<string, Promise<UserRecord | undefined>>();
  const leads = new Map<string, Promise<UserRecord[]>>();
  const managers = new Map<string, Promise<UserRecord[]>>();
  const all = async (filter: Parameters<UserRepository['listUsers']>[0]) =>
    (await users.listUsers(filter, { skip: 0, limit: 100 })).items;
  return {
    get(id: string): Promise<UserRecord | undefined> {
      let p = byId.get(id);
      if (!p) byId.set(id, (p = users.findUserById(id)));
      return p;
    },
    teamLeads(teamId: string): Promise<UserRecord[]> {
      let p = leads.get(teamId);
      if (!p) leads.set(teamId, (p = all({ role: 'team_lead', teamId, active: true })));
      return p;
    },
    branchManagers(branchId: string): Promise<UserRecord[]> {
      let p = managers.get(branchId);
      if (!p) managers.set(branchId, (p = all({ role: 'branch_manager', branchId, active: true })));
      return p;
    },
  };
}
export type UserDirectory = ReturnType<typeof userDirectory>;

/** "张先生" / "李女士" for a greeting, the full name when the gender is unknown. */
export function honorific(name: string, gender: string | undefined): string {
  const surname = name.slice(0, 1);
  if (gender === 'male') return `${surname}先生`;
  if (gender === 'female') return `${surname}女士`;
  return name;
}
