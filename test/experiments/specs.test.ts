import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fig4ClassBalance from '../../experiments/fig4-class-balance.ts';
import fig6NumFeatures from '../../experiments/fig6-num-features.ts';
import fig7Entropy from '../../experiments/fig7-entropy.ts';
import { EXPERIMENTS } from '../../experiments/registry.ts';
import type { ExperimentSpec, Point, Protocol, TrialInput } from '../../experiments/spec.ts';
import table4Correlations from '../../experiments/table4-correlations.ts';
import { MiascopeError } from '../../src/errors.ts';

/** Metrics that every trial training a target must report. */
const REQUIRED = [
  'targetTrainAccuracy',
  'targetTestAccuracy',
  'attackAccuracy',
  'attackBalancedAccuracy',
  'attackAuc',
  'attackTprAt1Fpr',
  'attackAdvantage',
  'trivialAccuracy',
];

/** Builds a quick-profile trial input of `spec` at `point`, with sizes small enough for a test. */
function smallTrial(spec: ExperimentSpec, point: Point, protocol: Protocol = 'sound'): TrialInput {
  return {
    experiment: spec.id,
    dataset: 'adult',
    datasetOptions: {},
    protocol,
    profile: 'quick',
    point,
    trial: 0,
    seed: 7,
    settings: { ...spec.profiles.quick.settings, targetSize: 300, shadowSize: 300 },
  };
}

test('registry lists every paper experiment', () => {
  const ids = EXPERIMENTS.map((spec) => spec.id);
  for (const id of [
    'fig2-shadow-size',
    'fig3-target-size',
    'fig4-class-balance',
    'fig5-feature-balance',
    'fig6-num-features',
    'fig7-entropy',
    'fig8-hyperparameters',
    'table2-model-combinations',
    'table3-overfitting',
    'fig9-mutual-information',
    'fig10-indistinguishability',
    'fig11-fairness',
    'table4-correlations',
  ]) {
    assert.ok(ids.includes(id), `${id} is registered`);
  }
});

test('quick profiles run on adult', () => {
  for (const spec of EXPERIMENTS) {
    if (spec.pools !== undefined) continue;
    assert.equal(spec.profiles.quick.datasets, ['adult'], `${spec.id} quick datasets`);
    assert.ok(spec.profiles.quick.points.length > 0, `${spec.id} has quick points`);
    assert.ok(spec.profiles.paper.points.length >= spec.profiles.quick.points.length, `${spec.id} paper grid at least as large`);
  }
});

test('pooled metrics exist in pooled specs', () => {
  for (const id of table4Correlations.pools ?? []) {
    const pooled = EXPERIMENTS.find((spec) => spec.id === id);
    assert.ok(pooled !== undefined, `${id} is registered`);
  }
});

test('class balance trial draws requested balance', async () => {
  const output = await fig4ClassBalance.run(smallTrial(fig4ClassBalance, { classBalance: 10 }));
  for (const name of REQUIRED) assert.type(output.metrics[name], 'number', name);
  assert.is(output.metrics.classBalancePercent, 10);
  assert.is(output.metrics.trivialAccuracy, 0.5);
  for (const name of table4Correlations.metrics) assert.ok(name in output.metrics, `${name} reported for table4`);
});

test('class balance trial is pure', async () => {
  const input = smallTrial(fig4ClassBalance, { classBalance: 30 });
  const first = await fig4ClassBalance.run(input);
  const second = await fig4ClassBalance.run(input);
  assert.equal(second.metrics, first.metrics);
});

test('feature count trial restricts columns', async () => {
  const output = await fig6NumFeatures.run(smallTrial(fig6NumFeatures, { featureCount: 3 }, 'paper'));
  assert.is(output.metrics.featureCount, 3);
  assert.is(String(output.data?.features).split(',').length, 3);
  assert.is(output.metrics.trivialAccuracy, 0.75);
});

test('entropy trial lowers entropy', async () => {
  const low = await fig7Entropy.run(smallTrial(fig7Entropy, { entropyLevel: 0.6 }));
  const high = await fig7Entropy.run(smallTrial(fig7Entropy, { entropyLevel: 1 }));
  assert.ok(low.metrics.entropyBits! < high.metrics.entropyBits!, `H_D ${low.metrics.entropyBits} at level 0.6, ${high.metrics.entropyBits} at 1`);
});

test('pooled spec runs no trial', async () => {
  try {
    await table4Correlations.run(smallTrial(table4Correlations, {}));
    assert.unreachable('expected a MiascopeError');
  } catch (error) {
    assert.instance(error, MiascopeError);
    assert.match((error as Error).message, 'fig4-class-balance');
  }
});

test.run();
