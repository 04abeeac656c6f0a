import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Rng } from '../../engine/rng.ts';
import { runAudit, type AuditOptions } from '../../src/audit/audit.ts';

/**
 * Records whose label is `yes` where f1 > 0.674, the upper quartile of a
 * standard normal: about 25% positive, and learnable from f1 alone.
 */
function thresholdLabelCsv(rows: number): string {
  const rng = new Rng('threshold-labels');
  const lines = ['f1,f2,f3,label'];
  for (let i = 0; i < rows; i++) {
    const features = Array.from({ length: 3 }, () => rng.normal());
    lines.push(`${features.map((value) => value.toFixed(4)).join(',')},${features[0] > 0.674 ? 'yes' : 'no'}`);
  }
  const path = join(mkdtempSync(join(tmpdir(), 'miascope-warnings-')), 'threshold-labels.csv');
  writeFileSync(path, lines.join('\n') + '\n');
  return path;
}

const csv = thresholdLabelCsv(800);
const base: Partial<AuditOptions> = {
  dataset: csv,
  datasetOptions: { label: 'label' },
  targetSize: 200,
  shadowSize: 200,
  threads: 1,
  properties: { membershipRepeats: 0 },
};
const learning = { optimizer: 'adam' as const, learningRate: 0.01, epochs: 40, batchSize: 20 };
const untrained = { learningRate: 1e-7, epochs: 1 };

const trivialWarnings = (warnings: string[]) => warnings.filter((warning) => warning.includes('majority class'));

test('untrained target gets a warning', async () => {
  const result = await runAudit({ ...base, model: untrained });
  assert.ok(result.target.testAccuracy <= 0.8, `test accuracy ${result.target.testAccuracy}`);
  const [warning] = trivialWarnings(result.warnings);
  assert.ok(warning !== undefined, `warnings: ${JSON.stringify(result.warnings)}`);
  assert.match(warning, `test accuracy ${result.target.testAccuracy.toFixed(4)}`);
  assert.match(warning, 'majority class "no"');
  assert.match(warning, '--epochs');
  assert.match(warning, 'learningRate');
  assert.not.match(warning, '--protocol sound');
});

test('learning target gets no warning', async () => {
  const result = await runAudit({ ...base, model: learning });
  assert.ok(result.target.testAccuracy > 0.9, `test accuracy ${result.target.testAccuracy}`);
  assert.equal(trivialWarnings(result.warnings), []);
});

test('paper protocol warning names sound', async () => {
  const result = await runAudit({ ...base, protocol: 'paper', model: untrained, shadowAnn: untrained });
  const [warning] = trivialWarnings(result.warnings);
  assert.ok(warning !== undefined, `warnings: ${JSON.stringify(result.warnings)}`);
  assert.match(warning, '--protocol sound');
});

test.run();
