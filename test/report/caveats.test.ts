import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Rng } from '../../engine/rng.ts';
import { runAudit } from '../../src/audit/audit.ts';
import { fprResolvable, lowFprNote } from '../../src/report/attack-sections.ts';
import { positiveClassName } from '../../src/report/format.ts';
import { renderAuditReport } from '../../src/report/html.ts';

/** Records with three normal features and the label `class`, 1 where f1 > 0.674 (about 25%). */
function numericLabelCsv(rows: number): string {
  const rng = new Rng('report-caveats');
  const lines = ['f1,f2,f3,class'];
  for (let i = 0; i < rows; i++) {
    const features = Array.from({ length: 3 }, () => rng.normal());
    lines.push(`${features.map((value) => value.toFixed(4)).join(',')},${features[0] > 0.674 ? 1 : 0}`);
  }
  const path = join(mkdtempSync(join(tmpdir(), 'miascope-caveats-')), 'numeric-labels.csv');
  writeFileSync(path, lines.join('\n') + '\n');
  return path;
}

let page: string;

test.before(async () => {
  // 80 non-members and an untrained target: both TPR columns unresolvable, and the trivial-target warning.
  const result = await runAudit({
    dataset: numericLabelCsv(400),
    datasetOptions: { label: 'class' },
    targetSize: 80,
    shadowSize: 80,
    model: { learningRate: 1e-7, epochs: 1 },
    properties: { membershipRepeats: 0 },
    threads: 1,
  });
  page = await renderAuditReport(result);
});

test('report shows the trivial target warning', () => {
  assert.match(page, /<p class="warning">Warning: the target \(ann\) reaches test accuracy [\d.]+, no better than the [\d.]+ of always predicting the majority class &quot;0&quot;/);
});

test('report marks unresolvable TPR columns', () => {
  assert.match(page, '<th>TPR at 1% FPR<sup>*</sup></th><th>TPR at 0.1% FPR<sup>*</sup></th>');
  assert.match(page, '<sup>*</sup> With 80 non-members the lowest FPR above 0 is 1/80 = 1.25%');
});

test('report names a numeric positive class', () => {
  assert.match(page, /<td>class balance<\/td><td>[\d.]+% positive \(label 1\)<\/td>/);
});

test('positive class name', () => {
  assert.is(positiveClassName('>50K'), '>50K');
  assert.is(positiveClassName('yes'), 'yes');
  assert.is(positiveClassName('1'), 'positive (label 1)');
  assert.is(positiveClassName('-1'), 'positive (label -1)');
  assert.is(positiveClassName('2.5'), 'positive (label 2.5)');
});

test('fpr resolvable at 1 / fpr non-members', () => {
  assert.ok(fprResolvable(0.001, 1000));
  assert.not.ok(fprResolvable(0.001, 999));
  assert.ok(fprResolvable(0.01, 100));
  assert.not.ok(fprResolvable(0.01, 99));
});

test('low fpr note by non-member count', () => {
  assert.is(lowFprNote(1000), null);
  assert.match(lowFprNote(500) ?? '', 'with 500 non-members the lowest FPR above 0 is 1/500 = 0.20%');
  assert.match(lowFprNote(500) ?? '', 'a TPR at 0.1% FPR needs ≥ 1,000 non-members');
  assert.not.match(lowFprNote(500) ?? '', 'TPR at 1% FPR');
  assert.match(lowFprNote(99) ?? '', 'a TPR at 1% FPR needs ≥ 100 non-members, at 0.1% FPR ≥ 1,000');
});

test.run();
