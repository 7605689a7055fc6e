import { existsSync, mkdirSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Locator, type Page } from 'playwright-core';
import { afterAll, beforeAll, expect } from 'vitest';
import type { Database } from '#core/db/database';
import { findProjectRoot } from '#core/db/embedded';
import { useTestDatabase } from '../setup/test-db.js';
import { buildTestApp, type TestApp } from '../setup/test-app.js';

const root = findProjectRoot();
const H5_INDEX = path.join(root, 'miniprogram', 'dist', 'h5', 'index.html');
export const SCREENSHOTS = path.join(root, 'tests', 'e2e', 'screenshots');
const CHROMIUM = '/usr/bin/chromium';

// Flags for a headless Chromium in a closed network: without the background-networking ones it keeps
// trying to reach Google services and stalls.
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export interface E2E {
  t: () => TestApp;
  db: () => Database;
  baseUrl: () => string;
  /** A phone-sized page in a fresh browser context (its own storage: no session left from another test). */
  openPage(): Promise<MiniPage>;
}

export interface MiniPage {
  page: Page;
  context: BrowserContext;
  /** Uncaught exceptions in the page: a crash is a failure even when the test's assertions pass. */
  pageErrors: string[];
  /** Saves tests/e2e/screenshots/<name>.png (git-ignored), scrolled to `focus` when given. */
  shot(name: string, focus?: Locator): Promise<void>;
  /** Opens a page of the app by its route (e.g. '/pages/login/index'). */
  go(route: string): Promise<void>;
}

/**
 * The real app (real database, development mode so /app and dev-login exist) listening on a loopback
 * port, serving the H5 build, and a headless Debian Chromium driven by playwright-core.
 */
export function useE2E(): E2E {
  const db = useTestDatabase();
  let t: TestApp | undefined;
  let server: Server | undefined;
  let browser: Browser | undefined;
  let url = '';
  const contexts: BrowserContext[] = [];

  beforeAll(async () => {
    if (!existsSync(H5_INDEX)) {
      throw new Error(`The H5 build is missing (${H5_INDEX}): run \`npm run build:h5\` first.`);
    }
    if (!existsSync(CHROMIUM)) {
      throw new Error(
        `${CHROMIUM} not found: apt-get install -y chromium fonts-wqy-zenhei (as .ci/run does).`,
      );
    }
    mkdirSync(SCREENSHOTS, { recursive: true });
    t = buildTestApp(db(), { env: 'development' });
    const s = createServer(t.app.callback());
    server = s;
    await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(s.address() as AddressInfo).port}`;
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
  });

  afterAll(async () => {
    for (const c of contexts) await c.close().catch(() => undefined);
    await browser?.close();
    const s = server;
    if (s) {
      s.closeAllConnections();
      await new Promise<void>((resolve) => s.close(() => resolve()));
    }
  });

  return {
    db,
    t: () => {
      if (!t) throw new Error('useE2E: not started yet');
      return t;
    },
    baseUrl: () => url,
    async openPage() {
      if (!browser) throw new Error('useE2E: browser not started');
      // An iPhone-12-sized viewport: the pages are laid out for 750 rpx design width.
      const context = await browser.newContext({
        viewport: { width: 390, height: 844 },
        deviceScaleFactor: 2,
        isMobile: true,
        hasTouch: true,
        locale: 'zh-CN',
        timezoneId: 'Asia/Shanghai',
      });
      contexts.push(context);
      // Fail a missing element within 20 s (CI shares 2 cores with every other suite), before the test timeout.
      context.setDefaultTimeout(20_000);
      const page = await context.newPage();
      const pageErrors: string[] = [];
      page.on('pageerror', (err) => pageErrors.push(err.message));
      return {
        page,
        context,
        pageErrors,
        async shot(name, focus) {
          // Taro's H5 pages scroll inside their own container, so a full-page capture would still show
          // only the top: scroll what the test is about into view instead.
          if (focus) await focus.scrollIntoViewIfNeeded();
          // Let pending renders and toasts settle so the picture shows what a person would see.
          await page.waitForTimeout(300);
          await page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`), fullPage: true });
        },
        async go(route) {
          await page.goto(`${url}/app/#${route}`);
        },
      };
    },
  };
}

/** Fails the test when the page threw: "no page crashes on an API error". */
export function expectNoPageErrors(p: MiniPage) {
  expect(p.pageErrors, p.pageErrors.join('\n')).toEqual([]);
}
