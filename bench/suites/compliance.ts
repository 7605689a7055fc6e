// Compliance matcher throughput, by running bench/compliance-matcher.ts (no database) and quoting it.
import type { SuiteResult } from '../lib/report.js';
import { runNode } from '../lib/processes.js';

export async function complianceSuite(): Promise<SuiteResult> {
  const out = await runNode(['bench/compliance-matcher.ts', '--seconds', '3', '--rules', '400'], {
    timeoutMs: 120_000,
  });
  const lines = out.stdout
    .trim()
    .split('\n')
    .filter((l) => l.trim() !== '');
  if (out.code !== 0)
    lines.push(
      `compliance-matcher.ts failed (exit ${out.code}): ${out.stderr.trim().split('\n').pop() ?? ''}`,
    );
  return { name: 'Compliance matcher', lines };
}
