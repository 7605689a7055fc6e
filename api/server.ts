import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from '#core/logger';
import { createApp } from './app.js';
import type { AppDeps } from './context.js';

/** A listening API server. */
export interface ApiServer {
  server: Server;
  port: number;
  /** Stops accepting, lets in-flight requests finish (up to `graceMs`), then closes what is left. */
  close(graceMs?: number): Promise<void>;
}

/** Creates the app and listens on `host:port` (port 0 picks a free one). */
export async function startApiServer(
  deps: AppDeps & { logger: Logger },
  listen: { host: string; port: number },
): Promise<ApiServer> {
  const app = createApp(deps);
  const server = createServer(app.callback());
  // WeCom waits 5 s for a callback answer; nothing legitimate here needs longer than 30 s.
  server.requestTimeout = 30_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(listen.port, listen.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  deps.logger.info({ host: listen.host, port }, 'API listening');
  return {
    server,
    port,
    async close(graceMs = 5000) {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      const timer = setTimeout(() => server.closeAllConnections(), graceMs);
      await closed;
      clearTimeout(timer);
      deps.logger.info('API stopped');
    },
  };
}
