/**
 * Opens the HTML page of a small experiment results folder in headless
 * Chromium and checks what a reader would see: no console errors, no request
 * beyond the page itself, and every plot laid out with a size. Like the audit
 * report's browser test, it needs the Debian package chromium at
 * /usr/bin/chromium; without it the test skips with one line, unless
 * MIASCOPE_REQUIRE_BROWSER=1 makes the missing browser a failure.
 */

import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { writeReport } from '../../experiments/report.ts';
import type { TrialRecord } from '../../experiments/results.ts';
import type { ExperimentSpec } from '../../experiments/spec.ts';
import { MiascopeError } from '../../src/errors.ts';
import toySpec from '../experiments/fixtures/toy-spec.ts';

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

/** The toy results drawn a second way: test accuracy against attack AUC, one point per training size. */
const TRADEOFF_SPEC: ExperimentSpec = { ...toySpec, id: 'toy-tradeoff', view: { kind: 'tradeoff', x: 'attackAuc', y: 'targetTestAccuracy', series: 'family' } };

/** Runs the toy spec's quick trials in this process, as the runner's workers would, and returns their records. */
async function toyRecords(): Promise<TrialRecord[]> {
  const records: TrialRecord[] = [];
  const { points, trials, settings } = toySpec.profiles.quick;
  for (const [pointIndex, point] of points.entries()) {
    for (let trial = 0; trial < trials; trial++) {
      const seed = 1 + 100 * pointIndex + trial;
      const base = { experiment: toySpec.id, dataset: 'adult', protocol: 'sound' as const, profile: 'quick' as const, pointIndex, point, trial, seed, miascope: '0.0.0', seconds: 0 };
      try {
        const output = await toySpec.run({ ...base, datasetOptions: {}, settings });
        records.push({ ...base, status: 'ok', metrics: output.metrics, data: output.data ?? {} });
      } catch (error) {
        if (!(error instanceof MiascopeError)) throw error;
        records.push({ ...base, status: 'failed', error: error.message, metrics: {}, data: {} });
      }
    }
  }
  return [...records, ...records.map((record) => ({ ...record, experiment: TRADEOFF_SPEC.id, point: { ...record.point, family: 'lr' } }))];
}

const scratch = mkdtempSync(join(tmpdir(), 'miascope-experiment-browser-'));
const pageUrl = pathToFileURL(join(scratch, 'report.html')).href;
const consoleErrors: string[] = [];
const requests: string[] = [];
const failedRequests: string[] = [];
let context: BrowserContext | undefined;
let opened: Promise<Page> | undefined;

if (!existsSync(CHROMIUM) && !REQUIRED) {
  console.log(`experiment page browser test skipped: ${CHROMIUM} not found (install the Debian package chromium; MIASCOPE_REQUIRE_BROWSER=1 turns this into a failure)`);
} else {
  // Each test awaits the page, so that a failed report or launch fails the tests (uvu reports an error in a before hook as no test run).
  const openPage = async (): Promise<Page> => {
    assert.ok(existsSync(CHROMIUM), `${CHROMIUM} not found and MIASCOPE_REQUIRE_BROWSER=1; install the Debian package chromium`);
    const summary = await writeReport(scratch, await toyRecords(), [toySpec, TRADEOFF_SPEC], { html: { source: scratch } });
    writeFileSync(join(scratch, 'report.html'), summary.html!);

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
    await page.goto(pageUrl, { waitUntil: 'load' });
    return page;
  };
  const experimentPage = (): Promise<Page> => (opened ??= openPage());

  test.after(async () => {
    await context?.close();
  });

  test('experiment page logs no console error', async () => {
    await experimentPage();
    assert.equal(consoleErrors, []);
  });

  test('experiment page requests only itself', async () => {
    await experimentPage();
    assert.equal(requests, [pageUrl]);
    assert.equal(failedRequests, []);
  });

  test('experiment plots have a size', async () => {
    const sizes = await (await experimentPage()).$$eval('figure > svg', (plots) =>
      plots.map((plot) => {
        const box = plot.getBoundingClientRect();
        return { width: box.width, height: box.height };
      }),
    );
    assert.is(sizes.length, 2);
    sizes.forEach((size, i) => {
      assert.ok(size.width > 100, `plot ${i} width ${size.width}`);
      assert.ok(size.height > 100, `plot ${i} height ${size.height}`);
    });
  });

  test('experiment page fits the viewport width', async () => {
    const scrollWidth = await (await experimentPage()).evaluate<number>('document.documentElement.scrollWidth');
    assert.ok(scrollWidth <= VIEWPORT.width, `page is ${scrollWidth} px wide in a ${VIEWPORT.width} px viewport`);
  });

  test('contents links reach each experiment', async () => {
    const targets = await (await experimentPage()).evaluate<boolean[]>(
      `[...document.querySelectorAll('a[href^="#"]')].map((link) => document.querySelector(link.getAttribute('href')) !== null)`,
    );
    assert.equal(targets, [true, true]);
  });
}

test.run();
