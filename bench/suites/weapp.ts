// Mini-program: the weapp main package size from the existing build, through `npm run size:weapp`.
// The build itself (Taro, minutes) is not run here: a missing build is reported as such.
import { spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import type { SuiteResult } from '../lib/report.js';
import { ROOT } from '../lib/processes.js';

export function weappSuite(): SuiteResult {
  const appJson = path.join(ROOT, 'miniprogram', 'dist', 'weapp', 'app.json');
  if (!existsSync(appJson)) {
    return {
      name: 'Mini-program (weapp)',
      lines: [
        'no weapp build (miniprogram/dist/weapp/app.json missing): run npm run build:weapp, then npm run bench -- weapp',
      ],
    };
  }
  const built = statSync(appJson).mtime.toISOString().slice(0, 16).replace('T', ' ');
  const out = spawnSync('npm', ['run', '--silent', 'size:weapp'], {
    cwd: ROOT,
    encoding: 'utf8',
    timeout: 60_000,
  });
  const lines = `${out.stdout}${out.stderr}`
    .split('\n')
    .filter((l) => l.trim() !== '' && !l.startsWith('npm warn'));
  return {
    name: 'Mini-program (weapp)',
    lines: [`build from ${built} UTC (not rebuilt by the bench)`, ...lines],
  };
}
