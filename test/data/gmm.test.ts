import { test } from 'uvu';
import * as assert from 'uvu/assert';

import { Matrix } from '../../engine/matrix.ts';
import { Rng } from '../../engine/rng.ts';
import { binarizeByGaussianMixture, fitGaussianMixture, predictComponents } from '../../src/data/gmm.ts';
import { buildTable } from '../../src/data/table.ts';
import { catchMiascopeError } from './helpers.ts';

const TRUE_MEANS = [
  [0, 0],
  [5, 3],
];
const TRUE_STDS = [
  [1, 1],
  [0.5, 0.8],
];
const COUNTS = [1400, 600];

/** Draws COUNTS[c] points from each diagonal Gaussian; returns the points and their true component. */
function twoGaussians(seed: number): { x: Matrix; truth: Int32Array } {
  const rng = new Rng(seed);
  const n = COUNTS[0] + COUNTS[1];
  const x = new Matrix(n, 2);
  const truth = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const c = i < COUNTS[0] ? 0 : 1;
    truth[i] = c;
    for (let j = 0; j < 2; j++) x.data[i * 2 + j] = TRUE_MEANS[c][j] + TRUE_STDS[c][j] * rng.normal();
  }
  return { x, truth };
}

const { x, truth } = twoGaussians(7);
const model = fitGaussianMixture(x, { seed: 1 });
// Components come out in any order: match each to the true mean nearest to it.
const order = model.means[0][0] < model.means[1][0] ? [0, 1] : [1, 0];

test('gmm recovers means within 0.1', () => {
  for (let c = 0; c < 2; c++) {
    for (let j = 0; j < 2; j++) {
      const error = Math.abs(model.means[order[c]][j] - TRUE_MEANS[c][j]);
      assert.ok(error < 0.1, `mean ${c}[${j}] = ${model.means[order[c]][j]}, truth ${TRUE_MEANS[c][j]}`);
    }
  }
});

test('gmm recovers weights', () => {
  for (let c = 0; c < 2; c++) {
    const weight = model.weights[order[c]];
    assert.ok(Math.abs(weight - COUNTS[c] / 2000) < 0.02, `weight ${c} = ${weight}`);
  }
});

test('gmm recovers variances', () => {
  for (let c = 0; c < 2; c++) {
    for (let j = 0; j < 2; j++) {
      const std = Math.sqrt(model.variances[order[c]][j]);
      assert.ok(Math.abs(std - TRUE_STDS[c][j]) < 0.1, `std ${c}[${j}] = ${std}, truth ${TRUE_STDS[c][j]}`);
    }
  }
});

test('gmm converges', () => {
  assert.ok(model.converged, `stopped after ${model.iterations} iterations`);
});

test('gmm assigns rows to clusters', () => {
  const components = predictComponents(model, x);
  let wrong = 0;
  components.forEach((component, i) => (wrong += component === order[truth[i]] ? 0 : 1));
  assert.ok(wrong < 20, `${wrong} of 2000 rows in the wrong cluster`);
});

test('gmm same seed same fit', () => {
  assert.equal(fitGaussianMixture(x, { seed: 1 }), model);
});

test('gmm rejects too few rows', () => {
  const error = catchMiascopeError(() => fitGaussianMixture(new Matrix(1, 2)));
  assert.match(error.message, 'cannot fit a 2-component Gaussian mixture to 1 rows');
});

test('binarize labels minority cluster 1', () => {
  const rows = Array.from(x.data.entries())
    .filter(([index]) => index % 2 === 0)
    .map(([index]) => [String(x.data[index]), String(x.data[index + 1])]);
  const { y } = binarizeByGaussianMixture(buildTable(['a', 'b'], rows).table, 3);
  let wrong = 0;
  y.forEach((label, i) => (wrong += label === truth[i] ? 0 : 1));
  assert.ok(wrong < 20, `${wrong} of 2000 rows labelled against their true cluster`);
});



test('gmm restarts avoid noise splits', () => {
  // Two tight clusters in (f1, f2) and a wide uniform noise feature f3: a single EM start can split
  // along f3; with restarts every seed must recover the clusters (up to swapped labels).
  const rng = new Rng('noise-feature');
  const n = 400;
  const x = new Matrix(n, 3);
  const truth = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    truth[i] = i % 2;
    x.data[3 * i] = (truth[i] === 1 ? 3 : -3) + 0.5 * rng.normal();
    x.data[3 * i + 1] = (truth[i] === 1 ? 3 : -3) + 0.5 * rng.normal();
    x.data[3 * i + 2] = 20 * rng.uniform() - 10;
  }
  for (const seed of [0, 1, 2, 3, 4, 5, 6, 7]) {
    const labels = predictComponents(fitGaussianMixture(x, { seed }), x);
    let agree = 0;
    for (let i = 0; i < n; i++) if (labels[i] === truth[i]) agree++;
    const accuracy = Math.max(agree, n - agree) / n;
    assert.ok(accuracy > 0.95, `seed ${seed}: clusters recovered for ${accuracy} of rows`);
  }
});

test.run();
