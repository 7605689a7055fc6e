import type { Config } from '#config/config';
import type { Logger } from '../logger.js';
import { openDatabase, type Database } from './database.js';
import { startEmbeddedDatabase } from './embedded.js';

/** The configured database, open, with the embedded server behind it when MONGODB_URI is unset. */
export interface ConfiguredDatabase {
  db: Database;
  /** True when this process started the embedded server. */
  embedded: boolean;
  /** Resolves if the embedded server exits by itself (never, for an external MongoDB). */
  lost: Promise<number | null>;
  /** Closes the connection, then stops the embedded server if there is one. */
  close(): Promise<void>;
}

/** Starts the embedded database if needed (building it on first use) and opens the connection. */
export async function connectConfiguredDatabase(
  config: Pick<Config, 'mongo' | 'dataDir'>,
  logger: Logger,
): Promise<ConfiguredDatabase> {
  if (config.mongo.uri) {
    const db = await openDatabase({ uri: config.mongo.uri, dbName: config.mongo.dbName, logger });
    return { db, embedded: false, lost: new Promise(() => undefined), close: () => db.close() };
  }
  const server = await startEmbeddedDatabase({ dataDir: config.dataDir, logger });
  try {
    const db = await openDatabase({ uri: server.uri, dbName: config.mongo.dbName, logger });
    return {
      db,
      embedded: true,
      lost: server.exited,
      async close() {
        await db.close().catch((err: unknown) => logger.warn({ err }, 'closing database connection'));
        await server.stop();
      },
    };
  } catch (err) {
    await server.stop();
    throw err;
  }
}
