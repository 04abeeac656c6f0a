import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Matrix } from '../../engine/matrix.ts';
import { add, matmul, softmaxCrossEntropy } from '../../engine/ops.ts';
import { Rng } from '../../engine/rng.ts';
import { tensor, type Tensor } from '../../engine/tensor.ts';
import type { Table } from '../../src/data/table.ts';
import { penaltyTerm, maxDecrease } from '../../src/defense/penalty.ts';
import { resolveDefenseOptions } from '../../src/defense/options.ts';
import { trainWithRegularizer } from '../../src/defense/train.ts';
import { propertyContext } from '../../src/defense/training-records.ts';
import { MiascopeError } from '../../src/errors.ts';
import { AnnClassifier } from '../../src/models/ann.ts';
import { groupFairness } from '../../src/properties/fairness.ts';

/**
 * Records with a planted group disparity: the label is 1 when
 * x + 1.5·g + noise > 0.75, so g1 gets the positive label far more often, and
 * g is one of the model's features.
 */
function disparateData(n: number, seed: number): { x: Matrix; y: Int32Array; groups: Uint8Array; features: Table } {
  const rng = new Rng(seed);
  const x = new Matrix(n, 2);
  const y = new Int32Array(n);
  const groups = new Uint8Array(n);
  const values = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const g = rng.uniform() < 0.5 ? 1 : 0;
    const value = rng.normal();
    groups[i] = g;
    values[i] = value;
    x.data[2 * i] = value;
    x.data[2 * i + 1] = 2 * g - 1;
    y[i] = value + 1.5 * g + 0.3 * rng.normal() > 0.75 ? 1 : 0;
  }
  const features: Table = {
    rows: n,
    columns: [
      { name: 'x', kind: 'numeric', values },
      { name: 'g', kind: 'categorical', categories: ['a', 'b'], codes: Int32Array.from(groups) },
    ],
  };
  return { x, y, groups, features };
}

const ANN = { hiddenLayers: [8], learningRate: 0.01, epochs: 15, batchSize: 50, seed: 7 };

async function trainedGroupFairness(regularizer: 'none' | 'group-fairness', lambda: number): Promise<number> {
  const data = disparateData(600, 1);
  const { model } = await trainWithRegularizer(data.x, data.y, { features: data.features, groups: data.groups }, {
    ann: ANN,
    defense: { regularizer, lambda, variant: 'smooth', monitor: 'group-fairness', drawSize: 100, draws: 2 },
  });
  return groupFairness(await model.predict(data.x), data.groups);
}

test('smooth δ_g lowers planted disparity', async () => {
  const baseline = await trainedGroupFairness('none', 0);
  const regularized = await trainedGroupFairness('group-fairness', 0.05);
  assert.ok(baseline > 0.3, `the planted disparity is learnt: δ_g = ${baseline}`);
  assert.ok(regularized < baseline - 0.2, `δ_g ${regularized} with the regulariser, ${baseline} without`);
});

test('no regulariser matches AnnClassifier', async () => {
  const data = disparateData(300, 2);
  const plain = new AnnClassifier(ANN);
  await plain.fit(data.x, data.y);
  const { model, record } = await trainWithRegularizer(data.x, data.y, { features: data.features, groups: data.groups }, { ann: ANN, defense: { regularizer: 'none' } });
  const plainLayers = plain.toJSON().layers as Array<{ weight: number[] }>;
  const layers = model.toJSON().layers as Array<{ weight: number[] }>;
  assert.equal(layers[0].weight, plainLayers[0].weight);
  assert.equal(layers[1].weight, plainLayers[1].weight);
  assert.is(record.propertyHistory.length, ANN.epochs + 1);
  assert.is(record.lossHistory.length, ANN.epochs);
  assert.is(record.softPropertyHistory, null);
});

function gradientOf(parameter: Tensor, objective: (w: Tensor) => Tensor): Float32Array {
  parameter.grad = null;
  objective(parameter).backward();
  return Float32Array.from(parameter.grad!.dataSync());
}

test('paper variant holds r constant', () => {
  // A linear model: logits = x · W for x [3 × 2] and W [2 × 2].
  const x = tensor([1, -2, 0.5, 1, -1, 3], [3, 2]);
  const labels = Int32Array.of(0, 1, 1);
  const w = tensor([0.3, -0.7, 0.2, 0.5], [2, 2], { requiresGrad: true });
  const loss = (weight: Tensor) => softmaxCrossEntropy(matmul(x, weight), labels);
  const lambda = 0.2;
  const r = 0.35;

  const lossGradient = gradientOf(w, loss);
  const total = gradientOf(w, (weight) => {
    const penalty = penaltyTerm('group-fairness', [weight], lambda, r)!;
    return add(loss(weight), penalty);
  });
  const values = w.dataSync();
  for (let j = 0; j < values.length; j++) {
    const expected = lossGradient[j] + lambda * r * Math.sign(values[j]);
    assert.ok(Math.abs(total[j] - expected) < 1e-6, `∂/∂θ_${j}: ${total[j]} ≠ ${expected}`);
  }
});

test('penalty is null without a term', () => {
  const w = tensor([1, -1], [2], { requiresGrad: true });
  assert.is(penaltyTerm('none', [w], 0.1, 0.5), null);
  assert.is(penaltyTerm('group-fairness', [w], 0, 0.5), null);
  assert.is(penaltyTerm('group-fairness', [w], 0.1, NaN), null);
  assert.is(penaltyTerm('group-fairness', [w], 0.1, null), null);
  assert.ok(penaltyTerm('l1', [w], 0.1, null) !== null, 'L1 needs no r');
});

test('max diff on hand-made history', () => {
  // Largest fall from an earlier value to a later one: 0.6 (epoch 1) to 0.1 (epoch 4).
  assert.ok(Math.abs(maxDecrease([0.5, 0.6, 0.3, 0.4, 0.1, NaN, 0.2]) - 0.5) < 1e-12);
  // A later rise does not count, and neither does a fall before a higher peak.
  assert.ok(Math.abs(maxDecrease([0.2, 0.1, 0.9, 0.7]) - 0.2) < 1e-12);
  assert.is(maxDecrease([0.1, 0.2, 0.3]), 0);
  assert.ok(Number.isNaN(maxDecrease([0.4])));
  assert.ok(Number.isNaN(maxDecrease([NaN, 0.3, NaN])));
});

test('fairness without groups is rejected', () => {
  const data = disparateData(20, 3);
  assert.throws(
    () => propertyContext('group-fairness', { features: data.features, groups: null }, data.y, 2, { pairs: 10, bins: 10 }),
    (error: Error) => error instanceof MiascopeError && /protected attribute/.test(error.message),
  );
});

test('defence options are checked', () => {
  const cases: Array<[string, object, RegExp]> = [
    ['regulariser', { regularizer: 'dropout' }, /regulariser "dropout" is invalid/],
    ['negative λ', { lambda: -0.1 }, /λ = -0.1 is invalid/],
    ['NaN λ', { lambda: NaN }, /λ = NaN is invalid/],
    ['variant', { variant: 'exact' }, /variant "exact" is invalid/],
    ['draws', { draws: 0 }, /draws l = 0/],
    ['draw size', { drawSize: 1.5 }, /draw size m = 1.5/],
    ['monitor', { regularizer: 'group-fairness', monitor: 'mutual-information' }, /drop monitor/],
  ];
  for (const [name, options, message] of cases) {
    assert.throws(
      () => resolveDefenseOptions(options),
      (error: Error) => error instanceof MiascopeError && message.test(error.message),
      name,
    );
  }
  assert.is(resolveDefenseOptions({}).lambda, 0.05);
  assert.is(resolveDefenseOptions({ variant: 'smooth' }).lambda, 0.001);
  assert.is(resolveDefenseOptions({ regularizer: 'l1' }).lambda, 0.01);
  assert.is(resolveDefenseOptions({ regularizer: 'l2', variant: 'smooth' }).lambda, 0.03);
  assert.is(resolveDefenseOptions({ regularizer: 'none' }).lambda, 0);
  assert.is(resolveDefenseOptions({ regularizer: 'l1', lambda: 0.2 }).lambda, 0.2);
});

test.run();
