import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Rng } from '../../engine/rng.ts';
import { runAudit } from '../../src/audit/audit.ts';

/**
 * Records with random features and labels drawn independently of them: a model
 * can only fit its training labels by memorising them, so members and
 * non-members get different posteriors and any working attack must see it.
 */
function randomLabelCsv(rows: number): string {
  const rng = new Rng('random-labels');
  const lines = ['f1,f2,f3,f4,f5,f6,label'];
  for (let i = 0; i < rows; i++) {
    const features = Array.from({ length: 6 }, () => rng.normal().toFixed(4));
    lines.push(`${features.join(',')},${rng.uniform() < 0.5 ? 'a' : 'b'}`);
  }
  const path = join(mkdtempSync(join(tmpdir(), 'miascope-audit-')), 'random-labels.csv');
  writeFileSync(path, lines.join('\n') + '\n');
  return path;
}

const memorising = { hiddenLayers: [128], optimizer: 'adam' as const, learningRate: 0.01, epochs: 300, batchSize: 50 };

test('audit detects a memorising target', async () => {
  const result = await runAudit({
    dataset: randomLabelCsv(400),
    datasetOptions: { label: 'label' },
    targetSize: 100,
    shadowSize: 100,
    model: memorising,
    threads: 1,
  });
  assert.ok(result.target.trainAccuracy > 0.95, `target memorised its members: train accuracy ${result.target.trainAccuracy}`);
  assert.ok(result.target.testAccuracy < 0.7, `labels are unpredictable: test accuracy ${result.target.testAccuracy}`);
  assert.ok(result.attack.auc > 0.75, `shadow-model attack AUC ${result.attack.auc}`);
  assert.ok(result.metricAttacks.loss.auc > 0.75, `loss attack AUC ${result.metricAttacks.loss.auc}`);
});

test('audit sizes follow the member rate', async () => {
  const result = await runAudit({
    dataset: randomLabelCsv(400),
    datasetOptions: { label: 'label' },
    targetSize: 80,
    shadowSize: 80,
    memberRate: 0.25,
    model: { epochs: 2 },
    threads: 1,
  });
  assert.is(result.evaluation.members, 27);
  assert.is(result.evaluation.nonMembers, 80);
  assert.is(result.attack.members, 27);
  assert.ok(Math.abs(result.attack.trivialAccuracy - 80 / 107) < 1e-12);
});

test.run();
