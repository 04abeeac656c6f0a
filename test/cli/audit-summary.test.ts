import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Rng } from '../../engine/rng.ts';
import { runAudit, type AuditOptions, type AuditResult } from '../../src/audit/audit.ts';
import { formatSummary } from '../../src/cli/audit.ts';

/** Records with three normal features and the label `class`, 1 where f1 > 0.674 (about 25%), as Texas and Purchase code it. */
function numericLabelCsv(rows: number): string {
  const rng = new Rng('numeric-labels');
  const lines = ['f1,f2,f3,class'];
  for (let i = 0; i < rows; i++) {
    const features = Array.from({ length: 3 }, () => rng.normal());
    lines.push(`${features.map((value) => value.toFixed(4)).join(',')},${features[0] > 0.674 ? 1 : 0}`);
  }
  const path = join(mkdtempSync(join(tmpdir(), 'miascope-summary-')), 'numeric-labels.csv');
  writeFileSync(path, lines.join('\n') + '\n');
  return path;
}

const csv = numericLabelCsv(4000);
const audit = (options: Partial<AuditOptions>): Promise<AuditResult> =>
  runAudit({ dataset: csv, datasetOptions: { label: 'class' }, threads: 1, properties: { membershipRepeats: 0 }, ...options });

let small: string;
let large: string;

test.before(async () => {
  // 80 non-members resolve neither 1% nor 0.1% FPR, and an untrained target predicts no better than the majority class.
  small = formatSummary(await audit({ targetSize: 80, shadowSize: 80, model: { learningRate: 1e-7, epochs: 1 } }));
  large = formatSummary(await audit({ targetSize: 1000, shadowSize: 1000, model: { optimizer: 'adam', learningRate: 0.01, epochs: 5 } }));
});

test('summary names a numeric positive class', () => {
  const header = small.split('\n')[0];
  assert.match(header, /, \d+\.\d% positive \(label 1\) · protocol sound/);
});

test('summary marks unresolvable TPR columns', () => {
  const lines = small.split('\n');
  const header = lines.find((line) => line.includes('TPR@1%FPR'));
  assert.ok(header !== undefined, small);
  assert.match(header, 'TPR@1%FPR*');
  assert.match(header, 'TPR@0.1%FPR*');
  const note = lines.find((line) => line.startsWith('* '));
  assert.ok(note !== undefined, small);
  assert.match(note, 'with 80 non-members the lowest FPR above 0 is 1/80 = 1.25%');
  assert.match(note, 'the TPR at FPR 0, a lower bound');
  assert.match(note, 'a TPR at 1% FPR needs ≥ 100 non-members, at 0.1% FPR ≥ 1,000');
});

test('summary leaves resolvable columns unmarked', () => {
  assert.match(large, 'Attacks on 1,000 members and 1,000 non-members');
  assert.not.match(large, 'FPR*');
  assert.not.ok(large.split('\n').some((line) => line.startsWith('* ')), large);
});

test('summary shows the trivial target warning', () => {
  assert.match(small, /\nWarning: the target \(ann\) reaches test accuracy [\d.]+, no better than the [\d.]+ of always predicting the majority class "0"/);
  assert.not.match(large, 'Warning: the target');
});

test.run();
