import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const root = fileURLToPath(new URL('.', import.meta.url));

export default defineConfig({
  // The package.json "imports" (#core/…, #api/…) pointed at the TypeScript sources, as tsx does with
  // the qibao-source condition.
  resolve: {
    alias: [{ find: /^#(config|core|api|bot|jobs)\/(.*)$/, replacement: `${root}$1/$2.ts` }],
  },
  test: {
    include: ['tests/**/*.test.ts'],
    globalSetup: ['tests/setup/global-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Each file gets its own database name, so files run in parallel against one server.
    fileParallelism: true,
    reporters: ['default'],
  },
});
