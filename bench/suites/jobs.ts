// Jobs: one renewals.scan with outbox enqueue over N due policies, by running bench/renewal-reminders.ts
// (its own throwaway database, so the seeded book is not changed) and quoting its figures.
import type { SuiteResult } from '../lib/report.js';
import { runNode } from '../lib/processes.js';

interface RenewalFigures {
  policies: number;
  seconds: number;
  policiesPerSecond: number;
  outboxRows: number;
  rssBeforeScan: string;
  peakRssDuringScan: string;
  maxRssOfProcess: string;
}

export async function jobsSuite(opts: {
  policies: number;
  env: NodeJS.ProcessEnv;
  timeoutMs: number;
}): Promise<SuiteResult> {
  const env = { ...opts.env };
  // The script uses MONGODB_URI when set; on the embedded run it must start its own FerretDB.
  const out = await runNode(['bench/renewal-reminders.ts', '--policies', String(opts.policies)], {
    timeoutMs: opts.timeoutMs,
    env,
  });
  const json = /\{[\s\S]*\}\s*$/.exec(out.stdout)?.[0];
  if (out.code !== 0 || !json) {
    return {
      name: 'Jobs (renewals.scan)',
      lines: [
        `renewal-reminders.ts --policies ${opts.policies} did not finish${out.timedOut ? ` within ${opts.timeoutMs / 1000} s (killed)` : ` (exit ${out.code})`}`,
        ...out.stderr.trim().split('\n').slice(-5),
      ],
    };
  }
  const f = JSON.parse(json) as RenewalFigures;
  const seeded = /seeded \d+ policies in ([\d.]+) s/.exec(out.stdout)?.[1];
  return {
    name: 'Jobs (renewals.scan)',
    lines: [
      `renewals.scan over ${f.policies.toLocaleString('en-US')} in-force policies due a reminder (seeded in ${seeded ?? '?'} s, not measured)`,
      `wall time ${f.seconds} s (${f.policiesPerSecond.toLocaleString('en-US')} policies/s), ${f.outboxRows.toLocaleString('en-US')} outbox rows; RSS before scan ${f.rssBeforeScan}, peak during scan ${f.peakRssDuringScan} (process max ${f.maxRssOfProcess})`,
    ],
    peakRss: Number(f.peakRssDuringScan.replace(/\D/g, '')) * 1024 * 1024,
  };
}
