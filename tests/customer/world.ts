import type { Database } from '#core/db/database';
import type { UserRecord } from '#core/user/user.repository';
import { customerFactory } from '../factories/customers.js';
import { orgFactory } from '../factories/org.js';
import { buildTestApp, type TestApp } from '../setup/test-app.js';

/**
 * A small org for customer tests: branch A with teams A1 (agent a1, a1b, lead) and A2 (agent a2, lead),
 * branch B with team B1 (agent b1); a branch manager per branch and an admin.
 */
export async function buildWorld(db: () => Database, opts: { clock?: () => Date } = {}) {
  const org = orgFactory(db);
  const t: TestApp = buildTestApp(db(), opts.clock ? { clock: opts.clock } : {});
  const branchA = await org.branch();
  const branchB = await org.branch();
  const teamA1 = await org.team(branchA);
  const teamA2 = await org.team(branchA);
  const teamB1 = await org.team(branchB);
  const users = {
    a1: await org.user('agent', { team: teamA1 }, { name: '张伟' }),
    a1b: await org.user('agent', { team: teamA1 }, { name: '刘洋' }),
    leadA1: await org.user('team_lead', { team: teamA1 }),
    a2: await org.user('agent', { team: teamA2 }),
    leadA2: await org.user('team_lead', { team: teamA2 }),
    managerA: await org.user('branch_manager', { branch: branchA }),
    b1: await org.user('agent', { team: teamB1 }),
    managerB: await org.user('branch_manager', { branch: branchB }),
    admin: await org.user('admin'),
  };
  // A fresh token per call: tests move the clock, and a cached token would expire under them.
  async function auth(u: UserRecord) {
    return `Bearer ${await t.tokenFor(u)}`;
  }
  return { t, org, users, teams: { teamA1, teamA2, teamB1 }, f: customerFactory(() => t.services), auth };
}
export type World = Awaited<ReturnType<typeof buildWorld>>;
