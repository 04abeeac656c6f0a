import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { runAudit, type AuditResult, type RecordRequest } from '../../src/audit/audit.ts';
import { PROTOCOL_SETTINGS, protocolEncoders } from '../../src/audit/protocols.ts';
import { auditCommand, formatSummary } from '../../src/cli/audit.ts';
import { loadDataset } from '../../src/data/datasets.ts';
import { MiascopeError } from '../../src/errors.ts';

const adult = loadDataset('adult');

/** Asserts that every value of a matrix lies in [0, 1] and that each column reaches 0, and 1 unless it is constant. */
function assertMinMaxColumns(data: Float32Array, rows: number, cols: number): void {
  for (let j = 0; j < cols; j++) {
    let min = Infinity;
    let max = -Infinity;
    for (let i = 0; i < rows; i++) {
      min = Math.min(min, data[i * cols + j]);
      max = Math.max(max, data[i * cols + j]);
    }
    assert.ok(min >= 0, `column ${j} minimum ${min}`);
    assert.ok(max <= 1 + 1e-6, `column ${j} maximum ${max}`);
    assert.ok(min === 0, `column ${j} reaches 0: minimum ${min}`);
    assert.ok(max === 0 || Math.abs(max - 1) < 1e-6, `column ${j} reaches 1: maximum ${max}`);
  }
}

let paperResult: AuditResult | undefined;

/** Runs a small paper-protocol audit on Adult once and shares it among the tests that read it. */
async function smallPaperAudit(): Promise<AuditResult> {
  paperResult ??= await runAudit({
    protocol: 'paper',
    data: adult,
    targetSize: 2000,
    shadowSize: 2000,
    properties: { membershipRepeats: 0 },
    threads: 1,
  });
  return paperResult;
}

test('paper encoders scale whole table', () => {
  const encoderFor = protocolEncoders(adult.features, PROTOCOL_SETTINGS.paper.scaling);
  const few = Int32Array.from([0, 1, 2, 3]);
  const encoder = encoderFor(few);
  assert.is(encoderFor(Int32Array.from([5, 6])), encoder, 'one encoder for every training set');
  const x = encoder.transform(adult.features);
  assertMinMaxColumns(x.data, x.rows, x.cols);
});

test('sound encoders fit training rows', () => {
  const encoderFor = protocolEncoders(adult.features, PROTOCOL_SETTINGS.sound.scaling);
  const rows = Int32Array.from({ length: 500 }, (_, i) => 3 * i);
  const x = encoderFor(rows).transform(adult.features, rows);
  const ageColumn = 0;
  let sum = 0;
  for (let i = 0; i < x.rows; i++) sum += x.get(i, ageColumn);
  assert.ok(Math.abs(sum / x.rows) < 1e-4, `z-score mean on the training rows: ${sum / x.rows}`);
});

test('paper protocol settings reach models', async () => {
  const result = await smallPaperAudit();
  assert.is(result.protocol, 'paper');
  assert.equal(result.config.scaling, { numeric: 'min-max', fitOn: 'whole-table' });
  assert.is(result.config.targetSplit, 'split-pool');
  assert.is(result.config.model.activation, 'tanh');
  assert.is(result.config.model.momentum, 0);
  assert.is(result.config.model.batchSize, 500);
  assert.is(result.config.model.learningRate, 0.001);
  assert.is(result.config.shadowAnn.activation, 'tanh');
  assert.is(result.config.shadowAnn.batchSize, 100);
  assert.is(result.target.epochs, 50);
  assert.is(result.shadows[0].epochs, 10);
  assert.equal(result.config.attack.ann.hiddenLayers, [5]);
  assert.is(result.config.attack.ann.activation, 'tanh');
  assert.is(result.config.attack.ann.optimizer, 'sgd');
  assert.is(result.config.attack.ann.learningRate, 1e-4);
  assert.is(result.config.attack.minSteps, 0);
  assert.equal(result.config.familyOptions, { lr: { C: 1 }, svm: { C: 1 }, knn: { k: 5 } });
});

test('paper protocol splits pools 75/25', async () => {
  const result = await smallPaperAudit();
  assert.is(result.target.trainRecords, 1500);
  assert.is(result.target.testRecords, 500);
  assert.is(result.shadows[0].trainRecords, 1500);
  assert.is(result.shadows[0].testRecords, 500);
  assert.is(result.evaluation.members, 1500);
  assert.is(result.evaluation.nonMembers, 500);
  assert.is(result.evaluation.memberRate, 0.75);
  assert.is(result.evaluation.trivialAccuracy, 0.75);
});

test('paper protocol headlines paper properties', async () => {
  const result = await smallPaperAudit();
  const { headline, model } = result.properties;
  assert.is(headline.groupFairness, model.paper.groupFairness);
  assert.is(headline.predictiveFairness?.estimator, 'precision-gap');
  assert.is(headline.individualFairness?.estimator, 'group-share-gap');
  assert.is(headline.information?.estimator, 'kraskov');
  assert.is(headline.information?.protocol, 'paper');
});

test('summary prints trivial accuracy beside accuracy', async () => {
  const summary = formatSummary(await smallPaperAudit());
  assert.match(summary, 'protocol paper');
  const header = summary.split('\n').find((line) => line.startsWith('attack ')) ?? '';
  assert.match(header, /accuracy\s+trivial acc\./);
  const shadowRow = summary.split('\n').find((line) => line.startsWith('shadow model (')) ?? '';
  assert.match(shadowRow, / 0\.7500 /);
});

test('explicit options override paper protocol', async () => {
  const result = await runAudit({
    protocol: 'paper',
    data: adult,
    targetSize: 400,
    shadowSize: 400,
    memberRate: 0.5,
    model: { epochs: 3 },
    familyOptions: { knn: { k: 7 } },
    properties: { membershipRepeats: 0 },
    threads: 1,
  });
  assert.is(result.evaluation.members, 200);
  assert.is(result.evaluation.nonMembers, 200);
  assert.is(result.target.epochs, 3);
  assert.is(result.shadows[0].epochs, 3);
  assert.is(result.config.model.activation, 'tanh');
  assert.equal(result.config.familyOptions.knn, { k: 7 });
});

test('sound protocol is the default', async () => {
  const result = await runAudit({ data: adult, targetSize: 300, shadowSize: 300, model: { epochs: 1 }, properties: { membershipRepeats: 0 }, threads: 1 });
  assert.is(result.protocol, 'sound');
  assert.is(result.evaluation.memberRate, 0.5);
  assert.is(result.config.model.activation, 'relu');
  assert.is(result.config.attack.minSteps, 1000);
  assert.is(result.properties.headline.predictiveFairness?.estimator, 'equal-opportunity');
});

test('record samplers draw target and shadow', async () => {
  const requests: Array<Omit<RecordRequest, 'rng' | 'pool'> & { poolSize: number }> = [];
  // Draws positives only up to a fifth of the request: a class balance of 20%.
  const sampler = (request: RecordRequest) => {
    requests.push({ role: request.role, size: request.size, poolSize: request.pool.length });
    const order = request.rng.shuffle(request.pool.slice());
    const positives = order.filter((row) => adult.y[row] === 1).slice(0, Math.round(request.size / 5));
    const negatives = order.filter((row) => adult.y[row] === 0).slice(0, request.size - positives.length);
    return Int32Array.from([...positives, ...negatives]);
  };
  const result = await runAudit({
    data: adult,
    features: ['age', 'education-num', 'hours-per-week', 'sex'],
    targetSize: 300,
    shadowSize: 200,
    sampleTarget: sampler,
    sampleShadow: sampler,
    model: { epochs: 1 },
    properties: { membershipRepeats: 0 },
    threads: 1,
  });
  assert.equal(
    requests.map(({ role, size }) => [role, size]),
    [
      ['target', 600],
      ['shadow', 400],
    ],
  );
  assert.is(requests[1].poolSize, adult.features.rows - 600);
  assert.equal(result.dataset.features, ['age', 'education-num', 'sex', 'hours-per-week'], 'table order');
  assert.equal(result.config.sampled, { target: true, shadow: true });
  assert.is(result.properties.data.classBalancePercent, 20);
});

test('sampler breaking its request is rejected', async () => {
  try {
    await runAudit({ data: adult, targetSize: 100, shadowSize: 100, sampleTarget: (request) => request.pool.slice(0, request.size - 1), threads: 1 });
    assert.unreachable('expected a MiascopeError');
  } catch (error) {
    assert.instance(error, MiascopeError);
    assert.match((error as Error).message, 'sampler returned 199 rows');
  }
});

test('unknown protocol is rejected', async () => {
  try {
    await auditCommand(['--protocol', 'authors', '--quiet']);
    assert.unreachable('expected a MiascopeError');
  } catch (error) {
    assert.instance(error, MiascopeError);
    assert.match((error as Error).message, 'sound, paper');
  }
});

test.run();
