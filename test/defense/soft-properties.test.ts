import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Rng } from '../../engine/rng.ts';
import { tensor, type Tensor } from '../../engine/tensor.ts';
import type { Table } from '../../src/data/table.ts';
import { softEqualOpportunity, softGroupFairness, softIndividualFairness, softPredictiveInformation } from '../../src/defense/soft-properties.ts';
import { propertyContext } from '../../src/defense/training-records.ts';
import { equalOpportunityFairness, groupFairness } from '../../src/properties/fairness.ts';
import { predictiveInformation } from '../../src/properties/model-information.ts';

const close = (actual: number, expected: number, message: string, tolerance = 1e-6) =>
  assert.ok(Math.abs(actual - expected) < tolerance, `${message}: ${actual} ≠ ${expected}`);

// Eight records, four per group (the hand-computed case of the fairness tests):
//   g0: y = 1 1 1 0, ŷ = 1 0 0 0
//   g1: y = 1 1 0 0, ŷ = 1 1 0 0
const groups = Uint8Array.of(0, 0, 0, 0, 1, 1, 1, 1);
const labels = Int32Array.of(1, 1, 1, 0, 1, 1, 0, 0);
const predicted = Int32Array.of(1, 0, 0, 0, 1, 1, 0, 0);
const rows = Int32Array.from(labels, (_, i) => i);

function oneHot(classes: Int32Array): Tensor {
  return tensor(Array.from(classes).flatMap((c) => (c === 1 ? [0, 1] : [1, 0])), [classes.length, 2], { requiresGrad: true });
}

const table: Table = {
  rows: 8,
  columns: [
    { name: 'age', kind: 'numeric', values: Float64Array.of(20, 30, 40, 50, 25, 35, 45, 55) },
    { name: 'colour', kind: 'categorical', categories: ['blue', 'red', 'green'], codes: Int32Array.of(0, 1, 2, 0, 1, 1, 2, 0) },
  ],
};

test('soft δ_g equals δ_g on one-hot', () => {
  close(softGroupFairness(groups, oneHot(predicted))!.item(), groupFairness(predicted, groups), 'δ_g');
});

test('soft δ_p equals δ_p on one-hot', () => {
  close(softEqualOpportunity(groups, labels, oneHot(predicted))!.item(), equalOpportunityFairness(predicted, labels, groups), 'δ_p');
});

test('soft I_X equals I_X on one-hot', () => {
  const context = propertyContext('mutual-information', { features: table, groups: null }, labels, 2, { pairs: 10, bins: 2 });
  const expected = predictiveInformation(context.discrete!, rows, predicted, 2);
  assert.ok(expected > 0, 'the case has information to find');
  close(softPredictiveInformation(context, rows, oneHot(predicted))!.item(), expected, 'I_X (bits)', 1e-5);
});

test('soft δ_g by hand on probabilities', () => {
  // Mean p_1: g0 (0.9 + 0.2) / 2 = 0.55, g1 (0.4 + 0.1) / 2 = 0.25; both classes differ by 0.3.
  const probabilities = tensor([0.1, 0.9, 0.8, 0.2, 0.6, 0.4, 0.9, 0.1], [4, 2], { requiresGrad: true });
  const value = softGroupFairness(Uint8Array.of(0, 0, 1, 1), probabilities)!;
  close(value.item(), 0.3, 'δ_g');
  value.backward();
  // ∂/∂p_ic = sign(gap_c) · v_i / n with v_i = ±1/2 and n = 2 classes.
  const expected = [0.25, 0.25, 0.25, 0.25, -0.25, -0.25, -0.25, -0.25].map((value, k) => (k % 2 === 0 ? -value : value));
  assert.equal(Array.from(probabilities.grad!.dataSync()), expected);
});

test('soft δ_i by hand on two records', () => {
  // With two records each one's only partner is the other: TV = |0.9 − 0.3| = 0.6 and
  // d = (|20 − 30| / 10 + [blue ≠ red]) / 2 = 1, so δ_i = |0.6 − 1| = 0.4.
  const context = propertyContext('individual-fairness', { features: table, groups }, labels, 2, { pairs: 10, bins: 10 });
  const probabilities = tensor([0.1, 0.9, 0.7, 0.3], [2, 2]);
  close(softIndividualFairness(context, Int32Array.of(0, 1), probabilities, new Rng(1))!.item(), 0.4, 'δ_i');
});

test('soft property needs both groups', () => {
  assert.is(softGroupFairness(Uint8Array.of(1, 1, 1), oneHot(Int32Array.of(0, 1, 1))), null);
  assert.is(softEqualOpportunity(Uint8Array.of(0, 0, 1, 1), Int32Array.of(0, 0, 1, 1), oneHot(Int32Array.of(0, 1, 1, 0))), null);
});

test.run();
