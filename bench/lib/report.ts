// Shared by the sub-benchmarks: percentiles, the machine line, and appending a run to bench/results.md.
import { appendFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const RESULTS_FILE = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'results.md');

/** Nearest-rank percentile of an ascending array (0 when empty). */
export function percentile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] ?? 0;
}

export interface LatencySummary {
  count: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
}
export function summarize(ms: number[]): LatencySummary {
  const s = [...ms].sort((a, b) => a - b);
  return {
    count: s.length,
    p50: percentile(s, 0.5),
    p95: percentile(s, 0.95),
    p99: percentile(s, 0.99),
    max: s[s.length - 1] ?? 0,
  };
}
export const fmtMs = (n: number) => (n >= 100 ? n.toFixed(0) : n.toFixed(1));
export const mb = (bytes: number) => `${Math.round(bytes / 1024 / 1024)} MB`;

/** Cores, memory, CPU model, Node and load: enough to tell two machines (or a busy one) apart. */
export function machineLine(): string {
  const cpus = os.cpus();
  const load = os
    .loadavg()
    .map((l) => l.toFixed(1))
    .join('/');
  return `${cpus.length} cores (${cpus[0]?.model.trim() ?? 'unknown CPU'}), ${(os.totalmem() / 1024 ** 3).toFixed(0)} GB RAM, Node ${process.version}, ${os.platform()} ${os.release()}, load avg at start ${load}`;
}

/** One sub-benchmark's outcome: the figure lines it printed last, for the console and results.md. */
export interface SuiteResult {
  name: string;
  lines: string[];
  /** Peak RSS of the process doing the measured work (bytes), where it is a figure of interest. */
  peakRss?: number;
}

export interface RunHeader {
  startedAt: Date;
  customers: number | undefined;
  database: string;
  machine: string;
  command: string;
}

/**
 * Starts a run's section in bench/results.md (creating the file with a preamble). Suites are appended one
 * by one as they finish, so a run cut short still leaves what it measured.
 */
export function appendRunHeader(header: RunHeader): void {
  if (!existsSync(RESULTS_FILE)) {
    writeFileSync(
      RESULTS_FILE,
      '# Benchmark results\n\nAppended by `npm run bench` (bench/run.ts), newest last. Compare runs on the same machine; ' +
        'HTTP figures carry a ratio to a bare Koa "hello" measured in the same run, so runs on noisy machines can be compared.\n',
    );
  }
  const size =
    header.customers === undefined
      ? 'no customer data'
      : `${header.customers.toLocaleString('en-US')} customers`;
  appendFileSync(
    RESULTS_FILE,
    [
      '',
      `## ${header.startedAt.toISOString().replace('T', ' ').slice(0, 16)} UTC — ${size}, ${header.database}`,
      '',
      `- machine: ${header.machine}`,
      `- command: \`${header.command}\``,
      '',
      '',
    ].join('\n'),
  );
}

/** Appends one suite's figures to the current run's section. */
export function appendSuite(r: SuiteResult): void {
  appendFileSync(RESULTS_FILE, ['### ' + r.name, '', '```', ...r.lines, '```', '', ''].join('\n'));
}

/** The text of bench/results.md (for the README quote helper and tests). */
export function readResults(): string {
  return existsSync(RESULTS_FILE) ? readFileSync(RESULTS_FILE, 'utf8') : '';
}
