import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { loadConfig, readEnvironment } from '#config/config';
import { startEmbeddedDatabase, type EmbeddedDatabase } from '#core/db/embedded';
import { createLogger } from '#core/logger';

declare module 'vitest' {
  export interface ProvidedContext {
    mongoUri: string;
  }
}

let embedded: EmbeddedDatabase | undefined;
let dataDir: string | undefined;

/** One database server for the whole run: MONGODB_URI if set, else the embedded one in a temp dir. */
export async function setup(project: TestProject) {
  const { mongo } = loadConfig(readEnvironment());
  if (mongo.uri) {
    project.provide('mongoUri', mongo.uri);
    return;
  }
  dataDir = mkdtempSync(path.join(tmpdir(), 'qibao-test-'));
  embedded = await startEmbeddedDatabase({
    dataDir,
    logger: createLogger({ level: 'warn', name: 'test-db' }),
  });
  project.provide('mongoUri', embedded.uri);
}

export async function teardown() {
  await embedded?.stop();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
}
