import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { Logger } from '../logger.js';

const BINARY_NAME = 'qibao-embedded-db';

/** The embedded database cannot be built or started; the message says what to do. */
export class EmbeddedDatabaseError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'EmbeddedDatabaseError';
  }
}

/** The repository root: the nearest ancestor of this file holding `embedded-db/go.mod` (works from dist/ too). */
export function findProjectRoot(from = path.dirname(fileURLToPath(import.meta.url))): string {
  for (let dir = from; ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, 'embedded-db', 'go.mod'))) return dir;
    if (path.dirname(dir) === dir)
      throw new EmbeddedDatabaseError('embedded-db/go.mod not found above ' + from);
  }
}

/** Content hash of the Go sources: the cache key, so the binary is rebuilt only when they change. */
function sourceHash(srcDir: string): string {
  const h = createHash('sha256');
  const files = readdirSync(srcDir)
    .filter((f) => f === 'go.mod' || f === 'go.sum' || f.endsWith('.go'))
    .sort();
  for (const f of files) {
    h.update(f)
      .update('\0')
      .update(readFileSync(path.join(srcDir, f)))
      .update('\0');
  }
  h.update(`${process.platform}-${process.arch}`);
  return h.digest('hex').slice(0, 16);
}

export interface EnsureBinaryOptions {
  root?: string;
  /** Human-facing progress lines (default: stderr), because a first build takes a minute or two. */
  onProgress?: (line: string) => void;
}

/**
 * Path of the embedded database binary, building it first if its sources changed since the last
 * build. Cached under `.cache/embedded-db/<hash>/` (git-ignored).
 */
export function ensureEmbeddedBinary(opts: EnsureBinaryOptions = {}): string {
  const root = opts.root ?? findProjectRoot();
  const srcDir = path.join(root, 'embedded-db');
  const outDir = path.join(root, '.cache', 'embedded-db', sourceHash(srcDir));
  const binary = path.join(outDir, BINARY_NAME);
  if (existsSync(binary)) return binary;

  const progress = opts.onProgress ?? ((line: string) => process.stderr.write(line + '\n'));
  const goVersion = spawnSync('go', ['version'], { encoding: 'utf8' });
  if (goVersion.error || goVersion.status !== 0) {
    throw new EmbeddedDatabaseError(
      'Go is not installed (or not on PATH), so the embedded database cannot be built. ' +
        'Install Go 1.22 or newer, or set MONGODB_URI to use an existing MongoDB.',
      { cause: goVersion.error },
    );
  }
  progress(`building the embedded database, first run only… (${goVersion.stdout.trim()})`);
  mkdirSync(outDir, { recursive: true });
  // Build to a temporary name and rename: a concurrent start never sees a half-written binary.
  const tmp = `${binary}.${process.pid}.tmp`;
  const started = Date.now();
  const build = spawnSync('go', ['build', '-trimpath', '-o', tmp, '.'], {
    cwd: srcDir,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  if (build.status !== 0) {
    rmSync(tmp, { force: true });
    throw new EmbeddedDatabaseError(
      `building the embedded database failed (go build exit ${build.status}):\n${build.stderr || build.error?.message}`,
    );
  }
  renameSync(tmp, binary);
  progress(`embedded database built in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return binary;
}

/** A running embedded database process. */
export interface EmbeddedDatabase {
  uri: string;
  pid: number;
  /** Stops the process (SIGTERM, then SIGKILL after `graceMs`); resolves when it has exited. */
  stop(graceMs?: number): Promise<void>;
  /** Resolves when the process exits for any reason. */
  exited: Promise<number | null>;
}

export interface StartEmbeddedOptions extends EnsureBinaryOptions {
  /** Data lives in `<dataDir>/db`. */
  dataDir: string;
  logger: Logger;
  readyTimeoutMs?: number;
}

/**
 * Builds (if needed) and starts the embedded FerretDB on 127.0.0.1 with a free port. It exits when
 * this process dies, however it dies: it watches its stdin pipe, which the kernel closes.
 */
export async function startEmbeddedDatabase(opts: StartEmbeddedOptions): Promise<EmbeddedDatabase> {
  const binary = ensureEmbeddedBinary(opts);
  const dbDir = path.join(opts.dataDir, 'db');
  mkdirSync(dbDir, { recursive: true });
  const child: ChildProcessWithoutNullStreams = spawn(binary, ['-data-dir', dbDir, '-log-level', 'error'], {
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const log = opts.logger.child({ component: 'embedded-db', dbPid: child.pid });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const stderrTail: string[] = [];
  createInterface({ input: child.stderr }).on('line', (line) => {
    stderrTail.push(line);
    if (stderrTail.length > 20) stderrTail.shift();
    log.warn({ line }, 'embedded database says');
  });

  const uri = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(
        new EmbeddedDatabaseError(`embedded database not ready within ${opts.readyTimeoutMs ?? 30_000} ms`),
      );
    }, opts.readyTimeoutMs ?? 30_000);
    child.once('error', (err) => {
      clearTimeout(timer);
      reject(new EmbeddedDatabaseError(`could not start ${binary}: ${err.message}`, { cause: err }));
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(
        new EmbeddedDatabaseError(
          `embedded database exited (${code}) before it was ready:\n${stderrTail.join('\n')}`,
        ),
      );
    });
    createInterface({ input: child.stdout }).on('line', (line) => {
      try {
        const msg = JSON.parse(line) as { event?: string; uri?: string };
        if (msg.event === 'ready' && msg.uri) {
          clearTimeout(timer);
          resolve(msg.uri);
        }
      } catch {
        log.debug({ line }, 'embedded database stdout');
      }
    });
  });
  log.info({ dataDir: dbDir }, 'embedded database started');

  return {
    uri,
    pid: child.pid ?? -1,
    exited,
    async stop(graceMs = 5000) {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.stdin.end();
      child.kill('SIGTERM');
      const killer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await exited;
      clearTimeout(killer);
      log.info('embedded database stopped');
    },
  };
}
