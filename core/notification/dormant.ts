import { createSystemTask, userDirectory, type AutomationDeps } from './automation-support.js';
import { addDays, shanghaiDateOf } from './shanghai-time.js';

export const DORMANT_DAYS = 365;
// A first run over an old book could hand an agent hundreds of tasks; the rest follow on later days.
export const WAKE_UP_TASKS_PER_AGENT_PER_DAY = 20;

/**
 * Dormant customers (product.md §3.7): no interaction for 365 days → a wake-up task for the owner.
 * The dedupe key holds the date of the last contact, so a customer who is woken and falls asleep
 * again gets a new task, and never two for the same silence.
 */
export function createDormantAutomation(deps: AutomationDeps) {
  return {
    async run(): Promise<{ tasks: number; deferred: number }> {
      const now = deps.clock();
      const today = shanghaiDateOf(now);
      const cutoff = new Date(now.getTime() - DORMANT_DAYS * 86_400_000);
      const directory = userDirectory(deps.users);
      const perAgent = new Map<string, number>();
      let tasks = 0;
      let deferred = 0;
      for await (const batch of deps.queries.dormantCustomers(cutoff)) {
        for (const c of batch) {
          const used = perAgent.get(c.ownerId) ?? 0;
          if (used >= WAKE_UP_TASKS_PER_AGENT_PER_DAY) {
            deferred++;
            continue;
          }
          const agent = await directory.get(c.ownerId);
          if (!agent?.active) continue;
          const since = shanghaiDateOf(c.since);
          const r = await createSystemTask(deps.tasks, `dormant:${c.id}:${since}`, {
            title: `唤醒沉睡客户：${c.name}（自 ${since} 起无沟通记录）`,
            note: '建议以关怀或保单检视为由联系，了解近况与新需求，并记录沟通结果。',
            customerId: c.id,
            dueDate: addDays(today, 7),
            ownership: { ownerId: c.ownerId, teamId: c.teamId, branchId: c.branchId },
          });
          if (r.created) {
            tasks++;
            perAgent.set(c.ownerId, used + 1);
          }
        }
      }
      return { tasks, deferred };
    },
  };
}
