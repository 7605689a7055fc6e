import { shanghaiDate } from '../customer/business-date.js';
import type { TaskRecord } from './task.repository.js';

/** A task as the API returns it; `overdue` is judged against today in Asia/Shanghai. */
export function taskView(t: TaskRecord, now: Date) {
  const { ownership, ...rest } = t;
  return {
    ...rest,
    ownerId: ownership.ownerId,
    overdue: t.status === 'open' && t.dueDate < shanghaiDate(now),
  };
}
export type TaskView = ReturnType<typeof taskView>;
