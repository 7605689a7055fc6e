// `npm run seed`: demo data for a fresh install. Safe to run again (idempotent).
// `npm run seed -- --customers 100000 --seed 1 [--today YYYY-MM-DD]`: the demo plus a generated book at
// size (scripts/seed/scale.ts), deterministic for the same arguments, resumable.
import { parseArgs } from 'node:util';
import { loadConfig, readEnvironment } from '#config/config';
import { resolveSecret } from '#config/secret';
import { createCustomerDomain } from '#core/customer/customer.domain';
import { connectConfiguredDatabase } from '#core/db/bootstrap';
import { createLogger } from '#core/logger';
import { createUserRepository } from '#core/user/user.repository';
import { seedCustomers } from './seed/customers.js';
import { seedOrg } from './seed/org.js';
import { SCALE_ARG_OPTIONS, scaleArgs, seedScaleWithProgress } from './seed/scale-cli.js';

const scale = scaleArgs(parseArgs({ options: SCALE_ARG_OPTIONS }).values);
const config = loadConfig(readEnvironment());
const logger = createLogger({ level: 'warn', name: 'seed' });
const database = await connectConfiguredDatabase(config, logger);
try {
  const users = await seedOrg(createUserRepository(database.db.models));
  console.log(`seeded org: ${users.length} users`);
  for (const u of users) console.log(`  ${u.role.padEnd(15)} ${u.wecomUserId.padEnd(10)} ${u.name}`);
  // The same secret as the app, or the seeded ID numbers could not be decrypted by it.
  const domain = createCustomerDomain({
    db: database.db,
    secret: resolveSecret(config),
    clock: () => new Date(),
    users: createUserRepository(database.db.models),
  });
  const seeded = await seedCustomers(domain, users, new Date());
  console.log(`seeded customers (new this run): ${JSON.stringify(seeded.counts)}`);
  console.log(`  360 demo: GET /api/v1/customers/${seeded.showcaseCustomerId} (as zhangwei)`);
  if (scale)
    await seedScaleWithProgress(
      database.db,
      createUserRepository(database.db.models),
      users,
      scale,
      resolveSecret(config),
    );
  console.log('sign in (development): POST /api/v1/auth/dev-login {"userId":"admin"}');
} finally {
  await database.close();
}
