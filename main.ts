// Qibao's one entry point: `npm start` (components from QIBAO_COMPONENTS) or `npm run start:api` (one).
import { startApiServer } from '#api/server';
import { ConfigError, loadConfig, readEnvironment, type Component } from '#config/config';
import { resolveSecret } from '#config/secret';
import { connectConfiguredDatabase } from '#core/db/bootstrap';
import { EmbeddedDatabaseError } from '#core/db/embedded';
import { createLogger } from '#core/logger';
import { chatArchiveFromConfig } from '#core/compliance/archive/archive.runtime';
import { createServices } from '#core/services';
import { createUserRepository } from '#core/user/user.repository';
import { resolveWecomSettings } from '#core/wecom/settings';
import { startDevSimulator } from './simulator/dev.js';
import { startJobWorker } from '#jobs/worker';

const SHUTDOWN_DEADLINE_MS = 10_000;

type Stop = () => Promise<void>;

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig(readEnvironment());
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
      process.exit(1);
    }
    throw err;
  }
  const components = parseComponentArgs(process.argv.slice(2)) ?? config.components;
  const logger = createLogger({ level: config.logLevel });
  const clock = () => new Date();
  // Stopped in reverse order of starting: components first, the database (and embedded server) last.
  const stops: { name: string; stop: Stop }[] = [];
  let shuttingDown = false;

  const shutdown = async (reason: string, exitCode: number) => {
    if (shuttingDown) return;
    shuttingDown = true;
    logger.info({ reason }, 'shutting down');
    const deadline = setTimeout(() => {
      logger.error('shutdown did not finish within 10 s, exiting');
      process.exit(1);
    }, SHUTDOWN_DEADLINE_MS);
    deadline.unref();
    for (const { name, stop } of stops.reverse()) {
      try {
        await stop();
      } catch (err) {
        logger.error({ err, name }, 'error while stopping');
      }
    }
    logger.info('stopped');
    process.exit(exitCode);
  };
  process.once('SIGTERM', () => void shutdown('SIGTERM', 0));
  process.once('SIGINT', () => void shutdown('SIGINT', 0));

  const secret = resolveSecret(config);

  let database;
  try {
    database = await connectConfiguredDatabase(config, logger);
  } catch (err) {
    if (err instanceof EmbeddedDatabaseError) {
      console.error(err.message);
      process.exit(1);
    }
    throw err;
  }
  const { db } = database;
  stops.push({ name: 'database', stop: () => database.close() });
  void database.lost.then((code) => {
    if (!shuttingDown) {
      logger.fatal({ code }, 'embedded database exited unexpectedly');
      void shutdown('embedded database exited', 1);
    }
  });
  // Development without WECOM_CORP_ID: a local simulator stands in for WeCom and WeChat.
  const simulator =
    config.env === 'development' && !config.wecom.configured
      ? await startDevSimulator({ config, logger, users: createUserRepository(db.models) })
      : undefined;
  if (simulator) stops.push({ name: 'wecom simulator', stop: () => simulator.close() });
  const services = createServices({
    db,
    secret,
    sessionTtlSeconds: config.sessionTtlSeconds,
    clock,
    logger,
    wecom: { settings: resolveWecomSettings(config, simulator?.url) },
    leads: config.leads,
    imports: config.imports,
    chatArchive: chatArchiveFromConfig(config.chatArchive, config.wecom.corpId),
  });

  const starters: Record<Component, (() => Promise<Stop>) | undefined> = {
    api: async () => {
      const api = await startApiServer(
        { config, logger, db, services, clock },
        { host: config.host, port: config.port },
      );
      // Imports a dead process left half-way are rolled back (they run in the api process).
      void services.imports
        .recoverInterrupted()
        .then((n) => n > 0 && logger.warn({ imports: n }, 'rolled back interrupted imports'))
        .catch((err: unknown) => logger.error({ err }, 'could not recover interrupted imports'));
      return () => api.close();
    },
    // Loaded only when started: the bot's transports pull in wechaty, seconds of imports an api process skips.
    bot: async () => (await import('#bot/server')).startBotComponent({ config, logger, db, services, clock }),
    jobs: () => startJobWorker({ config, logger, db, services, clock, secret }),
  };
  for (const name of components) {
    const start = starters[name];
    if (!start) {
      logger.warn({ component: name }, 'component is not part of this build yet; skipped');
      continue;
    }
    stops.push({ name, stop: await start() });
  }
  // Stored WeCom callbacks are handled in the process whose handlers consume them: the bot's, or the
  // api's until the bot exists. One host only, so a split api process never marks the bot's work done.
  // The sweep also picks up callbacks a previous process acked but did not finish.
  const callbackHost: Component = starters.bot ? 'bot' : 'api';
  if (components.includes(callbackHost)) {
    services.wecom.dispatcher.start();
    stops.push({ name: 'wecom callbacks', stop: () => services.wecom.dispatcher.stop() });
  }
  logger.info({ components, env: config.env, embedded: database.embedded }, 'Qibao started');
}

/** `main.ts api` or `main.ts api,jobs` overrides QIBAO_COMPONENTS (for `npm run start:api`). */
function parseComponentArgs(args: string[]): Component[] | undefined {
  if (args.length === 0) return undefined;
  return loadConfig({ QIBAO_COMPONENTS: args.join(',') }).components;
}

main().catch((err: unknown) => {
  console.error('Qibao failed to start:', err);
  process.exit(1);
});
