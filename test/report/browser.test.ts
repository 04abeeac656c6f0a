/**
 * Opens the report of a real audit in headless Chromium and checks what a
 * reader would see: no console errors, no request beyond the page itself,
 * and every plot laid out with a size. Without /usr/bin/chromium it skips
 * with one line (chromium.ts has the rule).
 */

import { mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { runAudit } from '../../src/audit/audit.ts';
import { renderAuditReport } from '../../src/report/html.ts';
import { browserTestsEnabled, chromiumPage, VIEWPORT } from './chromium.ts';

const scratch = mkdtempSync(join(tmpdir(), 'miascope-browser-'));
const report = chromiumPage(scratch, async () => {
  const result = await runAudit({ dataset: 'adult', targetSize: 1500, shadowSize: 1500, model: { epochs: 5 }, seed: 3, threads: 1 });
  const path = join(scratch, 'report.html');
  writeFileSync(path, await renderAuditReport(result));
  return path;
});

if (browserTestsEnabled('browser report test')) {
  test.after(() => report.close());

  test('report page logs no console error', async () => {
    const { consoleErrors } = await report.open();
    assert.equal(consoleErrors, []);
  });

  test('report page requests only itself', async () => {
    const { url, requests, failedRequests } = await report.open();
    assert.equal(requests, [url]);
    assert.equal(failedRequests, []);
  });

  test('report plots have a size', async () => {
    const sizes = await (await report.open()).page.$$eval('svg', (plots) =>
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
    const scrollWidth = await (await report.open()).page.evaluate<number>('document.documentElement.scrollWidth');
    assert.ok(scrollWidth <= VIEWPORT.width, `page is ${scrollWidth} px wide in a ${VIEWPORT.width} px viewport`);
  });

  test('report page renders a screenshot', async () => {
    const path = join(scratch, 'report.png');
    await (await report.open()).page.screenshot({ path, fullPage: true });
    assert.ok(statSync(path).size > 10_000, `screenshot ${path} has ${statSync(path).size} bytes`);
  });
}

test.run();
