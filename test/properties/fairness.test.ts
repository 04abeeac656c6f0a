import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Matrix } from '../../engine/matrix.ts';
import { Rng } from '../../engine/rng.ts';
import { buildTable } from '../../src/data/table.ts';
import {
  equalOpportunityFairness,
  groupFairness,
  individualFairness,
  paperIndividualFairness,
  precisionFairness,
  recordDistance,
} from '../../src/properties/fairness.ts';

const close = (actual: number, expected: number, message: string, tolerance = 1e-12) =>
  assert.ok(Math.abs(actual - expected) < tolerance, `${message}: ${actual} ≠ ${expected}`);

// Eight records, four per group:
//   g0: y = 1 1 1 0, ŷ = 1 0 0 0
//   g1: y = 1 1 0 0, ŷ = 1 1 0 0
const groups = Uint8Array.of(0, 0, 0, 0, 1, 1, 1, 1);
const actual = Int32Array.of(1, 1, 1, 0, 1, 1, 0, 0);
const predicted = Int32Array.of(1, 0, 0, 0, 1, 1, 0, 0);

test('group fairness by hand', () => {
  // P[ŷ=1 | g0] = 1/4, P[ŷ=1 | g1] = 2/4; P[ŷ=0 | g0] = 3/4, P[ŷ=0 | g1] = 2/4.
  // δ_g = (1/2)(|1/4 − 1/2| + |3/4 − 1/2|) = 1/4.
  close(groupFairness(predicted, groups), 1 / 4, 'δ_g');
});

test('equal opportunity by hand', () => {
  // Recall of class 1: g0 1/3 (one of three), g1 2/2. Recall of class 0: g0 1/1, g1 2/2.
  // δ_p = (1/2)(|1/3 − 1| + |1 − 1|) = 1/3.
  close(equalOpportunityFairness(predicted, actual, groups), 1 / 3, 'δ_p');
});

test('precision gap by hand', () => {
  // Precision of class 1: g0 1/1, g1 2/2. Precision of class 0: g0 1/3 (ŷ=0 on y = 1, 1, 0), g1 2/2.
  // paper δ_p = (1/2)(|1 − 1| + |1/3 − 1|) = 1/3.
  close(precisionFairness(predicted, actual, groups), 1 / 3, 'paper δ_p');
});

test('paper individual fairness by hand', () => {
  // |P(g1) − P(g0)| = |1/2 − 1/2| = 0; max_y P[ŷ=y | g1] = 1/2, max_y P[ŷ=y | g0] = 3/4.
  // paper δ_i = |0 − |1/2 − 3/4|| = 1/4.
  close(paperIndividualFairness(predicted, groups), 1 / 4, 'paper δ_i');
});

test('fairness is 0 for identical groups', () => {
  const same = Uint8Array.of(0, 0, 1, 1);
  const y = Int32Array.of(1, 0, 1, 0);
  const yHat = Int32Array.of(1, 1, 1, 1);
  close(groupFairness(yHat, same), 0, 'δ_g');
  close(equalOpportunityFairness(yHat, y, same), 0, 'δ_p');
});

test('equal opportunity is NaN without a class in a group', () => {
  // g1 has no record of class 0, so P[ŷ = 0 | y = 0, g1] is undefined.
  const value = equalOpportunityFairness(Int32Array.of(0, 1, 1), Int32Array.of(0, 1, 1), Uint8Array.of(0, 0, 1));
  assert.ok(Number.isNaN(value), `δ_p = ${value}`);
});

// Three records: a numeric column a (range 10) and a categorical column b.
const three = buildTable(
  ['a', 'b'],
  [
    ['0', 'x'],
    ['5', 'x'],
    ['10', 'y'],
  ],
).table;

test('record distance by hand', () => {
  // d = mean over the two columns of |Δa| / 10 and [b differs].
  const d = recordDistance(three, [0, 1, 2]);
  close(d(0, 1), (0.5 + 0) / 2, 'd(0, 1)');
  close(d(0, 2), (1 + 1) / 2, 'd(0, 2)');
  close(d(1, 2), (0.5 + 1) / 2, 'd(1, 2)');
});

test('individual fairness on three records', () => {
  const probabilities = Matrix.fromRows([
    [0.9, 0.1],
    [0.6, 0.4],
    [0.2, 0.8],
  ]);
  // TV(0,1) = 0.3, TV(0,2) = 0.7, TV(1,2) = 0.4; d = 0.25, 1, 0.75.
  // δ_i = (|0.3 − 0.25| + |0.7 − 1| + |0.4 − 0.75|) / 3 = (0.05 + 0.3 + 0.35) / 3 = 0.7 / 3.
  const result = individualFairness(probabilities, three, [0, 1, 2]);
  close(result.value, 0.7 / 3, 'δ_i', 1e-6);
  assert.is(result.pairs, 3);
  assert.ok(result.exhaustive);
});

test('sampled individual fairness near exhaustive', () => {
  const rng = new Rng('fairness-records');
  const rows = Array.from({ length: 80 }, () => [rng.uniform().toFixed(3), rng.uniform() < 0.5 ? 'x' : 'y']);
  const table = buildTable(['a', 'b'], rows).table;
  const probabilities = Matrix.fromRows(rows.map(() => {
    const p = rng.uniform();
    return [p, 1 - p];
  }));
  const all = Array.from({ length: 80 }, (_, i) => i);
  const exhaustive = individualFairness(probabilities, table, all);
  const sampled = individualFairness(probabilities, table, all, { pairs: 2000, rng: new Rng('pairs') });
  assert.is(exhaustive.pairs, 3160);
  assert.not.ok(sampled.exhaustive);
  close(sampled.value, exhaustive.value, 'sampled δ_i', 0.02);
  const again = individualFairness(probabilities, table, all, { pairs: 2000, rng: new Rng('pairs') });
  assert.is(again.value, sampled.value, 'same seed, same value');
});

test.run();
