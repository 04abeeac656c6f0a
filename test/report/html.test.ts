import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Rng } from '../../engine/rng.ts';
import { runAudit, type AuditResult } from '../../src/audit/audit.ts';
import { renderAuditReport } from '../../src/report/html.ts';
import { bound } from '../../src/report/format.ts';
import { escapeHtml } from '../../src/report/markup.ts';
import { readAudit } from '../../src/report/reading.ts';

const SCRIPT_COLUMN = '<script>alert(1)</script>';
const TEAMS = [`Tom & Jerry's "crew"`, 'a<b>'];
const FILE_NAME = "o'hara & <co>.csv";

/** Writes a CSV whose file name, column name and category values are all HTML, and returns its path. */
function hostileCsv(rows: number): string {
  const rng = new Rng('hostile-report');
  const quote = (text: string) => `"${text.replaceAll('"', '""')}"`;
  const lines = [`x1,x2,${SCRIPT_COLUMN},team,label`];
  for (let i = 0; i < rows; i++) {
    const team = rng.uniform() < 0.5 ? 0 : 1;
    const x1 = rng.normal();
    const label = x1 + 0.5 * team + 0.5 * rng.normal() > 0.3 ? 'yes' : 'no';
    lines.push([x1.toFixed(4), rng.normal().toFixed(4), rng.normal().toFixed(4), quote(TEAMS[team]), label].join(','));
  }
  const path = join(mkdtempSync(join(tmpdir(), 'miascope-report-')), FILE_NAME);
  writeFileSync(path, lines.join('\n') + '\n');
  return path;
}

let result: AuditResult;
let page: string;

test.before(async () => {
  result = await runAudit({
    dataset: hostileCsv(400),
    datasetOptions: { label: 'label', positive: 'yes' },
    targetSize: 80,
    shadowSize: 80,
    model: { epochs: 3 },
    properties: { membershipRepeats: 2 },
    threads: 1,
  });
  page = await renderAuditReport(result);
});

test('report has no script element', () => {
  assert.not.match(page, /<script/i);
  assert.not.match(page, /<b>/);
});

test('report has no event handler attribute', () => {
  assert.not.match(page, /\son[a-z]+\s*=/i);
});

test('report shows hostile names as text', () => {
  assert.ok(page.includes('&lt;script&gt;alert(1)&lt;/script&gt;'), 'escaped column name');
  assert.ok(page.includes('Tom &amp; Jerry&#39;s &quot;crew&quot;'), 'escaped category value');
  assert.ok(page.includes('a&lt;b&gt;'), 'escaped second category value');
  assert.ok(page.includes(escapeHtml(result.dataset.name)), 'escaped dataset name');
  assert.ok(result.dataset.name.includes('<co>'), `dataset name ${result.dataset.name} keeps the file name`);
});

test('report loads no resource', () => {
  assert.not.match(page, /<link|<img|<iframe|<object|@import/i);
  assert.not.match(page, /\s(src|href|xlink:href)\s*=/i);
  // Only fragment references (SVG clip paths) may appear inside url().
  assert.not.match(page, /url\((?!#)/i);
});

test('report shows every attack auc', () => {
  assert.ok(page.includes(result.attack.auc.toFixed(4)), `shadow-model AUC ${result.attack.auc}`);
  for (const [kind, metrics] of Object.entries(result.metricAttacks)) {
    assert.ok(page.includes(metrics.auc.toFixed(4)), `${kind} AUC ${metrics.auc}`);
  }
});

test('report shows intervals and baseline', () => {
  const { accuracy, auc } = result.attack.intervals;
  assert.ok(page.includes(`[${bound(accuracy.lower)}, ${bound(accuracy.upper)}]`), 'accuracy interval');
  assert.ok(page.includes(`[${bound(auc.lower)}, ${bound(auc.upper)}]`), 'AUC interval');
  assert.ok(page.includes(`trivial ${result.evaluation.trivialAccuracy.toFixed(4)}`), 'trivial baseline');
});

test('report shows model accuracies', () => {
  assert.ok(page.includes(result.target.testAccuracy.toFixed(4)), 'target test accuracy');
  assert.ok(page.includes(result.shadows[0].trainAccuracy.toFixed(4)), 'shadow train accuracy');
});

test('audit stores its reading', () => {
  assert.equal(result.reading, readAudit(result));
  assert.match(result.reading[0], "the shadow-model attack's AUC");
});

test('report shows the shared reading', () => {
  const [first] = result.reading;
  const capitalised = first.charAt(0).toUpperCase() + first.slice(1);
  assert.ok(page.includes(escapeHtml(capitalised)), `reading ${first}`);
});

test('report has six plots with unique ids', () => {
  assert.is(page.match(/<svg\b/g)?.length, 6);
  const ids = [...page.matchAll(/\sid="([^"]+)"/g)].map((match) => match[1]);
  assert.is(new Set(ids).size, ids.length, `duplicate ids among ${ids.join(', ')}`);
});

test('report shows per-group auc', () => {
  const groups = result.properties.model.attackByGroup;
  assert.ok(groups !== null, 'the team column is the default protected attribute');
  assert.ok(page.includes(groups.g0.auc.toFixed(4)), `g0 AUC ${groups.g0.auc}`);
  assert.ok(page.includes(groups.g1.auc.toFixed(4)), `g1 AUC ${groups.g1.auc}`);
});

test('interval bounds near zero keep two digits', () => {
  assert.is(bound(0.00038), '0.00038');
  assert.is(bound(0), '0.000');
  assert.is(bound(0.4961), '0.496');
});

test.run();
