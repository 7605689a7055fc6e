import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, inject } from 'vitest';
import { openDatabase, type Database } from '#core/db/database';
import { silentLogger } from '#core/logger';

/** A fresh database name per test file, so files run in parallel without seeing each other's data. */
export function uniqueDbName(): string {
  return `qibao_test_${randomBytes(5).toString('hex')}`;
}

/**
 * Opens a database of its own for this test file (real server, real indexes) and drops it afterwards.
 * Returns a getter, valid inside tests and hooks.
 */
export function useTestDatabase(): () => Database {
  let db: Database | undefined;
  beforeAll(async () => {
    db = await openDatabase({
      uri: inject('mongoUri'),
      dbName: uniqueDbName(),
      logger: silentLogger(),
      attempts: 3,
    });
  });
  afterAll(async () => {
    if (!db) return;
    await db.connection.dropDatabase().catch(() => undefined);
    await db.close();
  });
  return () => {
    if (!db) throw new Error('useTestDatabase: database not open yet (use it inside tests or hooks)');
    return db;
  };
}
