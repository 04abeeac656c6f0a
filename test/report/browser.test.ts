/**
 * Opens the report of a real audit in headless Chromium and checks what a
 * reader would see: no console errors, no request beyond the page itself,
 * and every plot laid out with a size. It needs the Debian package chromium
 * at /usr/bin/chromium; without it the test skips with one line, unless
 * MIASCOPE_REQUIRE_BROWSER=1 makes the missing browser a failure.
 */

import { existsSync, mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { runAudit } from '../../src/audit/audit.ts';
import { renderAuditReport } from '../../src/report/html.ts';

const CHROMIUM = '/usr/bin/chromium';
const REQUIRED = process.env.MIASCOPE_REQUIRE_BROWSER === '1';
const VIEWPORT = { width: 1200, height: 900 };
const LAUNCH_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];

const scratch = mkdtempSync(join(tmpdir(), 'miascope-browser-'));
const reportUrl = pathToFileURL(join(scratch, 'report.html')).href;
const consoleErrors: string[] = [];
const requests: string[] = [];
const failedRequests: string[] = [];
let context: BrowserContext | undefined;
let opened: Promise<Page> | undefined;

if (!existsSync(CHROMIUM) && !REQUIRED) {
  console.log(`browser report test skipped: ${CHROMIUM} not found (install the Debian package chromium; MIASCOPE_REQUIRE_BROWSER=1 turns this into a failure)`);
} else {
  // Each test awaits the page, so that a failed audit or launch fails the tests (uvu reports an error in a before hook as no test run).
  const openReport = async (): Promise<Page> => {
    assert.ok(existsSync(CHROMIUM), `${CHROMIUM} not found and MIASCOPE_REQUIRE_BROWSER=1; install the Debian package chromium`);
    const result = await runAudit({ dataset: 'adult', targetSize: 1500, shadowSize: 1500, model: { epochs: 5 }, seed: 3, threads: 1 });
    writeFileSync(join(scratch, 'report.html'), await renderAuditReport(result));

    context = await chromium.launchPersistentContext(join(scratch, 'profile'), {
      executablePath: CHROMIUM,
      headless: true,
      args: LAUNCH_ARGS,
      viewport: VIEWPORT,
    });
    const page = context.pages()[0] ?? (await context.newPage());
    page.on('console', (message) => {
      if (message.type() === 'error') consoleErrors.push(message.text());
    });
    page.on('pageerror', (error) => consoleErrors.push(error.message));
    page.on('request', (request) => requests.push(request.url()));
    page.on('requestfailed', (request) => failedRequests.push(`${request.url()}: ${request.failure()?.errorText}`));
    await page.goto(reportUrl, { waitUntil: 'load' });
    return page;
  };
  const report = (): Promise<Page> => (opened ??= openReport());

  test.after(async () => {
    await context?.close();
  });

  test('report page logs no console error', async () => {
    await report();
    assert.equal(consoleErrors, []);
  });

  test('report page requests only itself', async () => {
    await report();
    assert.equal(requests, [reportUrl]);
    assert.equal(failedRequests, []);
  });

  test('report plots have a size', async () => {
    const sizes = await (await report()).$$eval('svg', (plots) =>
      plots.map((plot) => {
        const box = plot.getBoundingClientRect();
        return { width: box.width, height: box.height };
      }),
    );
    assert.is(sizes.length, 6);
    sizes.forEach((size, i) => {
      assert.ok(size.width > 0, `plot ${i} width ${size.width}`);
      assert.ok(size.height > 0, `plot ${i} height ${size.height}`);
    });
  });

  test('report page fits the viewport width', async () => {
    const scrollWidth = await (await report()).evaluate<number>('document.documentElement.scrollWidth');
    assert.ok(scrollWidth <= VIEWPORT.width, `page is ${scrollWidth} px wide in a ${VIEWPORT.width} px viewport`);
  });

  test('report page renders a screenshot', async () => {
    const path = join(scratch, 'report.png');
    await (await report()).screenshot({ path, fullPage: true });
    assert.ok(statSync(path).size > 10_000, `screenshot ${path} has ${statSync(path).size} bytes`);
  });
}

test.run();
