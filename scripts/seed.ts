// `npm run seed`: demo data for a fresh install. Safe to run again (idempotent).
import { loadConfig, readEnvironment } from '#config/config';
import { connectConfiguredDatabase } from '#core/db/bootstrap';
import { createLogger } from '#core/logger';
import { createUserRepository } from '#core/user/user.repository';
import { seedOrg } from './seed/org.js';

const config = loadConfig(readEnvironment());
const logger = createLogger({ level: 'warn', name: 'seed' });
const database = await connectConfiguredDatabase(config, logger);
try {
  const users = await seedOrg(createUserRepository(database.db.models));
  console.log(`seeded org: ${users.length} users`);
  for (const u of users) console.log(`  ${u.role.padEnd(15)} ${u.wecomUserId.padEnd(10)} ${u.name}`);
  console.log('sign in (development): POST /api/v1/auth/dev-login {"userId":"admin"}');
} finally {
  await database.close();
}
