import { Router } from '@koa/router';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { findProjectRoot } from '#core/db/embedded';
import type { AppDeps, AppState } from '../context.js';

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.txt': 'text/plain; charset=utf-8',
};

const NOT_BUILT_PAGE = `<!doctype html><html lang="zh-CN"><meta charset="utf-8"><title>企保 H5 尚未构建</title>
<body style="font-family:sans-serif;padding:2em"><h1>小程序 H5 版本尚未构建</h1>
<p>请先在项目根目录运行 <code>npm run build:h5</code>，然后刷新本页。</p></body></html>`;

/** The H5 build of the mini-program (miniprogram/dist/h5) under /app: only in development. */
export function appRouter(deps: Pick<AppDeps, 'config'>, opts: { dir?: string } = {}) {
  // strict: '/app' and '/app/' are different routes (the first redirects to the second).
  const router = new Router<AppState>({ strict: true });
  if (deps.config.env !== 'development') return router;
  const dir = path.resolve(opts.dir ?? path.join(findProjectRoot(), 'miniprogram', 'dist', 'h5'));

  router.get('/app', (ctx) => {
    // Relative asset URLs in index.html resolve against /app/, not /.
    ctx.redirect('/app/');
  });

  router.get('/app/{*file}', async (ctx) => {
    const requested = typeof ctx.params.file === 'string' ? ctx.params.file : '';
    const file = path.resolve(dir, requested === '' ? 'index.html' : requested);
    // The resolved path must stay inside the build folder (no ../ escapes, no absolute paths).
    if (file !== dir && !file.startsWith(dir + path.sep)) return;
    const info = await stat(file).catch(() => undefined);
    if (!info?.isFile()) {
      if (requested === '' || requested === 'index.html') {
        ctx.status = 404;
        ctx.type = 'text/html; charset=utf-8';
        ctx.body = NOT_BUILT_PAGE;
      }
      // Anything else falls through to the JSON 404 of notFoundHandler.
      return;
    }
    const ext = path.extname(file).toLowerCase();
    ctx.type = CONTENT_TYPES[ext] ?? 'application/octet-stream';
    ctx.length = info.size;
    // index.html names the hashed bundles, so it must be revalidated; the bundles never change.
    ctx.set('cache-control', ext === '.html' ? 'no-cache' : 'public, max-age=31536000, immutable');
    ctx.set('x-content-type-options', 'nosniff');
    ctx.body = createReadStream(file);
  });
  return router;
}
