import {
  createSystemTask,
  honorific,
  userDirectory,
  type AutomationDeps,
} from '../notification/automation-support.js';
import { addDays, shanghaiDateOf } from '../notification/shanghai-time.js';
import { festivalsBetween } from './festivals.js';

// Festival tasks are created this many days ahead, so there is time for a call or a small gift.
export const FESTIVAL_LEAD_DAYS = 3;
const RELATION_LABEL: Record<string, string> = {
  spouse: '配偶',
  child: '子女',
  parent: '父母',
  other: '家人',
};

const isLeapYear = (y: number) => (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;

/**
 * Care (product.md §3.6): birthdays of customers and their family, anniversaries, festivals and the
 * yearly policy review become agent tasks with a suggested greeting; each agent then gets one app
 * message summarising the day's new care tasks (one message, not one per customer).
 */
export function createCareAutomation(deps: AutomationDeps) {
  return {
    async run(): Promise<{ tasks: number; summaries: number; festivals: string[] }> {
      const now = deps.clock();
      const today = shanghaiDateOf(now);
      const year = Number(today.slice(0, 4));
      const md = today.slice(5);
      // 29 February birthdays are celebrated on 28 February in common years.
      const mds = md === '02-28' && !isLeapYear(year) ? ['02-28', '02-29'] : [md];
      const directory = userDirectory(deps.users);
      const createdByAgent = new Map<string, string[]>();
      const note = (agentId: string, line: string) =>
        createdByAgent.set(agentId, [...(createdByAgent.get(agentId) ?? []), line]);

      for (const d of mds) {
        for await (const batch of deps.queries.careOccasions(d)) {
          for (const c of batch) {
            const ownership = { ownerId: c.ownerId, teamId: c.teamId, branchId: c.branchId };
            const call = honorific(c.name, c.gender);
            if (c.birthdayMd === d) {
              const r = await createSystemTask(deps.tasks, `care:birthday:${c.id}:${year}`, {
                title: `今天是客户${c.name}的生日，送上祝福`,
                note: `建议祝福语：${call}，生日快乐！感谢您一直以来的信任，祝您身体健康、万事顺意。`,
                customerId: c.id,
                dueDate: today,
                ownership,
              });
              if (r.created) note(c.ownerId, `${c.name} 生日`);
            }
            for (const f of c.family.filter((x) => x.birthdayMd === d)) {
              const who = RELATION_LABEL[f.relation] ?? '家人';
              const r = await createSystemTask(deps.tasks, `care:family-birthday:${c.id}:${f.id}:${year}`, {
                title: `今天是客户${c.name}的${who}${f.name}的生日`,
                note: `建议祝福语：${call}，今天是${f.name}的生日，祝${f.name}生日快乐、健康平安！`,
                customerId: c.id,
                dueDate: today,
                ownership,
              });
              if (r.created) note(c.ownerId, `${c.name}的${who}生日`);
            }
            for (const a of c.anniversaries.filter((x) => x.md === d)) {
              const years = year - Number(a.date.slice(0, 4));
              const r = await createSystemTask(deps.tasks, `care:anniversary:${c.id}:${a.id}:${year}`, {
                title: `今天是客户${c.name}的${a.label}${years > 0 ? `（${years}周年）` : ''}`,
                note: `建议祝福语：${call}，今天是您的${a.label}，祝您和家人幸福美满！`,
                customerId: c.id,
                dueDate: today,
                ownership,
              });
              if (r.created) note(c.ownerId, `${c.name} ${a.label}`);
            }
          }
        }
      }

      // The yearly policy review on the anniversary of the policy's effective date.
      for await (const batch of deps.queries.policiesWithEffectiveMd(md)) {
        const contacts = await deps.queries.contacts(batch.map((p) => p.customerId));
        for (const p of batch) {
          if (Number(p.effectiveDate.slice(0, 4)) >= year) continue;
          const name = contacts.get(p.customerId)?.name ?? '客户';
          const r = await createSystemTask(deps.tasks, `care:policy-review:${p.id}:${year}`, {
            title: `年度保单检视：${name}的《${p.product}》生效满 ${year - Number(p.effectiveDate.slice(0, 4))} 年`,
            note: '建议与客户一起检视保障是否仍匹配家庭情况（收入、子女、房贷等变化），并更新需求记录。',
            customerId: p.customerId,
            dueDate: addDays(today, 7),
            ownership: { ownerId: p.ownerId, teamId: p.teamId, branchId: p.branchId },
          });
          if (r.created) note(p.ownerId, `${name} 保单年度检视`);
        }
      }

      // Festivals within the lead window: one task per agent who has customers.
      const festivals = festivalsBetween(today, addDays(today, FESTIVAL_LEAD_DAYS));
      if (festivals.length > 0) {
        const owners = await deps.queries.customerCountsByOwner();
        for (const f of festivals) {
          for (const [agentId, count] of owners) {
            const agent = await directory.get(agentId);
            if (!agent?.active) continue;
            const r = await createSystemTask(deps.tasks, `care:festival:${f.name}:${f.date}:${agentId}`, {
              title: `${f.name}（${f.date}）：为 ${count} 位客户送上节日祝福`,
              note: `建议祝福语：${f.greeting}`,
              dueDate: f.date,
              ownership: { ownerId: agentId, teamId: agent.teamId, branchId: agent.branchId },
            });
            if (r.created) note(agentId, `${f.name}祝福`);
          }
        }
      }

      let summaries = 0;
      for (const [agentId, lines] of createdByAgent) {
        const agent = await directory.get(agentId);
        const shown = lines.slice(0, 10);
        const { created } = await deps.outbox.enqueue({
          dedupeKey: `care-summary:${agentId}:${today}`,
          kind: 'care_summary',
          channel: 'agent_app',
          to: { userId: agentId, wecomUserId: agent?.active ? agent.wecomUserId : undefined },
          owner: { userId: agentId, teamId: agent?.teamId, branchId: agent?.branchId },
          message: {
            format: 'text',
            text:
              `【客户关怀】今天新增 ${lines.length} 项关怀待办：${shown.join('、')}` +
              `${lines.length > shown.length ? ' 等' : ''}。待办中附有建议祝福语。`,
          },
        });
        if (created) summaries++;
      }
      const tasks = [...createdByAgent.values()].reduce((n, l) => n + l.length, 0);
      return { tasks, summaries, festivals: festivals.map((f) => `${f.name} ${f.date}`) };
    },
  };
}
