import { describe, expect, test } from 'vitest';
import { createUserRepository } from '#core/user/user.repository';
import { seedOrg } from '../../scripts/seed/org.js';
import { useTestDatabase } from '../setup/test-db.js';

const db = useTestDatabase();

describe('npm run seed: demo org', () => {
  test('when it runs twice, then the org exists once: 1 branch, 2 teams, 10 users in the right roles', async () => {
    const repo = createUserRepository(db().models);
    await seedOrg(repo);
    const second = await seedOrg(repo);

    expect(await db().models.Branch.countDocuments()).toBe(1);
    expect(await db().models.Team.countDocuments()).toBe(2);
    expect(await db().models.User.countDocuments()).toBe(10);
    const roles = second.map((u) => u.role).sort();
    expect(roles).toEqual([
      'admin',
      'agent',
      'agent',
      'agent',
      'agent',
      'agent',
      'agent',
      'branch_manager',
      'team_lead',
      'team_lead',
    ]);
    // Every agent and team lead sits in a team of the branch; the admin in none.
    for (const u of second) {
      if (u.role === 'agent' || u.role === 'team_lead') expect(u.teamId).toBeDefined();
      if (u.role === 'admin') expect(u.branchId).toBeUndefined();
      else expect(u.branchId).toBeDefined();
    }
  });
});
