/**
 * Opens the HTML page of a small experiment results folder in headless
 * Chromium and checks what a reader would see: no console errors, no request
 * beyond the page itself, and every plot laid out with a size. Without
 * /usr/bin/chromium it skips with one line (chromium.ts has the rule).
 */

import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { writeReport } from '../../experiments/report.ts';
import type { TrialRecord } from '../../experiments/results.ts';
import type { ExperimentSpec } from '../../experiments/spec.ts';
import { MiascopeError } from '../../src/errors.ts';
import toySpec from '../experiments/fixtures/toy-spec.ts';
import { browserTestsEnabled, chromiumPage, VIEWPORT } from './chromium.ts';

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
const experimentPage = chromiumPage(scratch, async () => {
  const summary = await writeReport(scratch, await toyRecords(), [toySpec, TRADEOFF_SPEC], { html: { source: scratch } });
  const path = join(scratch, 'report.html');
  writeFileSync(path, summary.html!);
  return path;
});

if (browserTestsEnabled('experiment page browser test')) {
  test.after(() => experimentPage.close());

  test('experiment page logs no console error', async () => {
    const { consoleErrors } = await experimentPage.open();
    assert.equal(consoleErrors, []);
  });

  test('experiment page requests only itself', async () => {
    const { url, requests, failedRequests } = await experimentPage.open();
    assert.equal(requests, [url]);
    assert.equal(failedRequests, []);
  });

  test('experiment plots have a size', async () => {
    const sizes = await (await experimentPage.open()).page.$$eval('figure > svg', (plots) =>
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
    const scrollWidth = await (await experimentPage.open()).page.evaluate<number>('document.documentElement.scrollWidth');
    assert.ok(scrollWidth <= VIEWPORT.width, `page is ${scrollWidth} px wide in a ${VIEWPORT.width} px viewport`);
  });

  test('contents links reach each experiment', async () => {
    const targets = await (await experimentPage.open()).page.evaluate<boolean[]>(
      `[...document.querySelectorAll('a[href^="#"]')].map((link) => document.querySelector(link.getAttribute('href')) !== null)`,
    );
    assert.equal(targets, [true, true]);
  });
}

test.run();
