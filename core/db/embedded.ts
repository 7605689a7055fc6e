import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
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

/** Our changes to FerretDB's own sources (see embedded-db/README.md), laid over its vendored copy. */
const OVERLAY_DIR = 'ferretdb-overlay';
const FERRETDB_VENDOR_DIR = path.join('vendor', 'github.com', 'FerretDB', 'FerretDB');

/** Files under `dir`, relative to it, sorted. */
function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => path.relative(dir, path.join(e.parentPath, e.name)))
    .sort();
}

/** Content hash of the Go sources and the overlay: the cache key, so the binary is rebuilt only when they change. */
function sourceHash(srcDir: string): string {
  const h = createHash('sha256');
  const files = readdirSync(srcDir)
    .filter((f) => f === 'go.mod' || f === 'go.sum' || f.endsWith('.go'))
    .sort();
  const overlay = filesUnder(path.join(srcDir, OVERLAY_DIR)).map((f) => path.join(OVERLAY_DIR, f));
  for (const f of [...files, ...overlay]) {
    h.update(f)
      .update('\0')
      .update(readFileSync(path.join(srcDir, f)))
      .update('\0');
  }
  h.update(`${process.platform}-${process.arch}`);
  return h.digest('hex').slice(0, 16);
}

/** Runs a go command in `cwd`; throws with its output when it fails. */
function go(args: string[], cwd: string): void {
  const r = spawnSync('go', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  if (r.status !== 0) {
    throw new EmbeddedDatabaseError(
      `building the embedded database failed (go ${args[0]} exit ${r.status}):\n${r.stderr || r.error?.message}`,
    );
  }
}

/**
 * Builds in a scratch copy: `go mod vendor` (FerretDB from the module proxy, checked against go.sum), the
 * overlay copied over the vendored FerretDB, then `go build -mod=vendor`. A replaced file must exist in the
 * vendored FerretDB (new files are named qibao_*.go), so a FerretDB upgrade cannot silently drop a change.
 */
function buildBinary(srcDir: string, workDir: string, out: string): void {
  rmSync(workDir, { recursive: true, force: true });
  mkdirSync(workDir, { recursive: true });
  for (const f of readdirSync(srcDir)) {
    if (f === 'go.mod' || f === 'go.sum' || f.endsWith('.go'))
      cpSync(path.join(srcDir, f), path.join(workDir, f));
  }
  go(['mod', 'vendor'], workDir);
  const overlayDir = path.join(srcDir, OVERLAY_DIR);
  for (const f of filesUnder(overlayDir).filter((name) => name !== 'go.mod')) {
    const target = path.join(workDir, FERRETDB_VENDOR_DIR, f);
    if (!existsSync(target) && !path.basename(f).startsWith('qibao_')) {
      throw new EmbeddedDatabaseError(
        `${OVERLAY_DIR}/${f} replaces a file the vendored FerretDB does not have`,
      );
    }
    cpSync(path.join(overlayDir, f), target);
  }
  go(['build', '-mod=vendor', '-trimpath', '-o', out, '.'], workDir);
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
  const workDir = path.join(outDir, `build.${process.pid}`);
  try {
    buildBinary(srcDir, workDir, tmp);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw err;
  } finally {
    rmSync(workDir, { recursive: true, force: true });
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
