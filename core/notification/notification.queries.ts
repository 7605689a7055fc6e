import type { Principal } from '../auth/scope.js';
import type {
  GroupSendRecord,
  NotificationRecord,
  NotificationRepository,
} from './notification.repository.js';
import type { ListNotificationsQuery } from './notification.schemas.js';

/** What the API shows of a notification: everything but the lease and monthly-cap internals. */
export type NotificationView = Omit<NotificationRecord, 'lockedBy' | 'lockedUntil' | 'groupSend'> & {
  groupSend: Omit<GroupSendRecord, 'capSlot'> | undefined;
};

function view({ lockedBy: _l, lockedUntil: _u, groupSend, ...rest }: NotificationRecord): NotificationView {
  if (!groupSend) return { ...rest, groupSend: undefined };
  const { capSlot: _c, ...shown } = groupSend;
  return { ...rest, groupSend: shown };
}

/** Read side of the outbox for the API: scoped to the caller (agent own, lead team, manager branch). */
export function createNotificationQueries(deps: { repo: NotificationRepository }) {
  return {
    async list(principal: Principal, query: ListNotificationsQuery) {
      const { items, total } = await deps.repo.list(
        principal.scope,
        {
          status: query.status,
          channel: query.channel,
          kind: query.kind,
          customerId: query.customerId,
          relatedId: query.relatedId,
          from: query.from ? new Date(query.from) : undefined,
          to: query.to ? new Date(query.to) : undefined,
        },
        { skip: (query.page - 1) * query.pageSize, limit: query.pageSize },
      );
      return { items: items.map(view), total, page: query.page, pageSize: query.pageSize };
    },
  };
}
export type NotificationQueries = ReturnType<typeof createNotificationQueries>;
