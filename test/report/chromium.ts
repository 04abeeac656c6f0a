/**
 * Headless Chromium for the browser tests of the report pages: the rule for
 * skipping, the launch, and the console errors and requests of the loaded
 * page. The tests need the Debian package chromium at /usr/bin/chromium.
 * Without it they skip with one line, unless MIASCOPE_REQUIRE_BROWSER=1 makes
 * the missing browser a failure.
 */

import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import * as assert from 'uvu/assert';

export const CHROMIUM = '/usr/bin/chromium';
export const VIEWPORT = { width: 1200, height: 900 };

const REQUIRED = process.env.MIASCOPE_REQUIRE_BROWSER === '1';
const LAUNCH_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];

/** A page loaded in headless Chromium, with what it has logged and requested since Chromium opened it. */
export interface LoadedPage {
  page: Page;
  /** The file: URL of the page. */
  url: string;
  /** Console errors and uncaught exceptions, in order. */
  consoleErrors: string[];
  /** Every URL the page requested, the page itself first. */
  requests: string[];
  /** Requests that failed, as `url: error text`. */
  failedRequests: string[];
}

/** A page that Chromium loads on the first `open()`. Later calls return the same page. */
export interface LazyPage {
  open(): Promise<LoadedPage>;
  /** Closes the browser, if `open()` launched it. */
  close(): Promise<void>;
}

/**
 * Returns whether the browser tests of `suite` run on this machine. When they
 * do not, it prints one line with the reason and the fix.
 */
export function browserTestsEnabled(suite: string): boolean {
  if (existsSync(CHROMIUM) || REQUIRED) return true;
  console.log(`${suite} skipped: ${CHROMIUM} not found (install the Debian package chromium; MIASCOPE_REQUIRE_BROWSER=1 turns this into a failure)`);
  return false;
}

/**
 * Prepares a page that `writePage` writes (it returns the HTML file's path)
 * and Chromium then loads, with its profile in `folder/profile`. Each test
 * awaits `open()` instead of a before hook, because uvu reports an error in a
 * before hook as no test run, and a failed write or launch must fail the tests.
 */
export function chromiumPage(folder: string, writePage: () => Promise<string>): LazyPage {
  let context: BrowserContext | undefined;
  let opened: Promise<LoadedPage> | undefined;

  const load = async (): Promise<LoadedPage> => {
    assert.ok(existsSync(CHROMIUM), `${CHROMIUM} not found and MIASCOPE_REQUIRE_BROWSER=1; install the Debian package chromium`);
    const url = pathToFileURL(await writePage()).href;

    context = await chromium.launchPersistentContext(join(folder, 'profile'), {
      executablePath: CHROMIUM,
      headless: true,
      args: LAUNCH_ARGS,
      viewport: VIEWPORT,
    });
    const page = context.pages()[0] ?? (await context.newPage());
    const loaded: LoadedPage = { page, url, consoleErrors: [], requests: [], failedRequests: [] };
    page.on('console', (message) => {
      if (message.type() === 'error') loaded.consoleErrors.push(message.text());
    });
    page.on('pageerror', (error) => loaded.consoleErrors.push(error.message));
    page.on('request', (request) => loaded.requests.push(request.url()));
    page.on('requestfailed', (request) => loaded.failedRequests.push(`${request.url()}: ${request.failure()?.errorText}`));
    await page.goto(url, { waitUntil: 'load' });
    return loaded;
  };

  return {
    open: () => (opened ??= load()),
    close: async () => {
      await context?.close();
    },
  };
}
