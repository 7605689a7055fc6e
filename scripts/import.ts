// `npm run import -- file.xlsx --owner <userId> [--dry-run] [--mapping '{"phone":"联系方式"}']`: imports an
// Excel/CSV file of customers (and policies) for an owner agent, with a progress bar; same rules as the API.
import { createReadStream } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig, readEnvironment } from '#config/config';
import { resolveSecret } from '#config/secret';
import { connectConfiguredDatabase } from '#core/db/bootstrap';
import { createLogger } from '#core/logger';
import { createServices } from '#core/services';
import { scopeFor } from '#core/auth/scope';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    owner: { type: 'string' },
    'dry-run': { type: 'boolean', default: false },
    mapping: { type: 'string' },
  },
});
const file = positionals[0];
if (!file || !values.owner) {
  console.error(
    'usage: npm run import -- <file.xlsx|file.csv> --owner <userId> [--dry-run] [--mapping <json>]',
  );
  process.exit(2);
}

const config = loadConfig(readEnvironment());
const logger = createLogger({ level: 'warn', name: 'import' });
const database = await connectConfiguredDatabase(config, logger);
let exitCode = 0;
try {
  const services = createServices({
    db: database.db,
    secret: resolveSecret(config),
    sessionTtlSeconds: config.sessionTtlSeconds,
    clock: () => new Date(),
    logger,
    imports: config.imports,
  });
  const owner = await services.repositories.users.findUserById(values.owner);
  if (!owner) throw new Error(`no user ${values.owner}`);
  // The CLI acts as the owner themself (an operator with shell access to the server).
  const actor = {
    principal: { kind: 'staff' as const, userId: owner.id, role: owner.role, scope: scopeFor(owner) },
    origin: { source: 'job' as const, requestId: undefined, ip: undefined },
  };
  const upload = await services.imports.storeUpload(createReadStream(file), path.basename(file));
  const started = await services.imports.start(actor, upload, {
    dryRun: values['dry-run'],
    ownerId: owner.id,
    mapping: values.mapping ? (JSON.parse(values.mapping) as Record<string, string>) : undefined,
  });
  const id = started.import.id;
  const principal = actor.principal;
  if (!values['dry-run']) {
    const done = services.imports.settled(id);
    let finished = false;
    void done.then(() => (finished = true));
    while (!finished) {
      const s = await services.imports.get(principal, id);
      const width = 30;
      const filled = s.total
        ? Math.min(width, Math.round((s.processed / Math.max(s.processed, s.total)) * width))
        : 0;
      process.stdout.write(
        `\r[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${s.processed} 行  新客户 ${s.createdCustomers}  重复 ${s.duplicates}  无效 ${s.invalid}`,
      );
      await new Promise((r) => setTimeout(r, 500));
    }
    process.stdout.write('\n');
  }
  const s = await services.imports.get(principal, id);
  console.log(JSON.stringify(s, null, 2));
  const invalid = await services.imports.rows(principal, id, { status: 'invalid', page: 1, pageSize: 20 });
  for (const r of invalid.items) console.log(`第 ${r.row} 行：${r.reasons.join('；')}`);
  if (s.status !== 'done') exitCode = 1;
} catch (err) {
  console.error((err as Error).message);
  exitCode = 1;
} finally {
  await database.close();
}
process.exit(exitCode);
