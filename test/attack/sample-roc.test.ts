import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Rng } from '../../engine/rng.ts';
import { rocCurve, sampleRocCurve } from '../../src/attack/metrics.ts';

function randomCurve(n: number) {
  const rng = new Rng('sample-roc');
  const scores = Array.from({ length: n }, () => rng.uniform());
  const labels = scores.map((score) => (rng.uniform() < 0.3 + 0.4 * score ? 1 : 0));
  return rocCurve(scores, labels);
}

test('sampled ROC is a subset of points', () => {
  const full = randomCurve(20_000);
  const sampled = sampleRocCurve(full);
  const points = new Set(full.fpr.map((fpr, k) => `${fpr}/${full.tpr[k]}/${full.thresholds[k]}`));
  sampled.fpr.forEach((fpr, k) => {
    assert.ok(points.has(`${fpr}/${sampled.tpr[k]}/${sampled.thresholds[k]}`), `point ${k} is on the full curve`);
  });
});

test('sampled ROC keeps both end points', () => {
  const full = randomCurve(20_000);
  const sampled = sampleRocCurve(full);
  assert.equal([sampled.fpr[0], sampled.tpr[0]], [0, 0]);
  assert.equal([sampled.fpr.at(-1), sampled.tpr.at(-1)], [1, 1]);
});

test('sampled ROC is small and ordered', () => {
  const full = randomCurve(20_000);
  const sampled = sampleRocCurve(full);
  assert.ok(full.fpr.length > 2000, `full curve has ${full.fpr.length} points`);
  assert.ok(sampled.fpr.length <= 610, `sampled curve has ${sampled.fpr.length} points`);
  for (let k = 1; k < sampled.fpr.length; k++) assert.ok(sampled.fpr[k] >= sampled.fpr[k - 1], `fpr ascends at ${k}`);
});

test('sampled ROC keeps the step at 1% FPR', () => {
  const full = randomCurve(20_000);
  const sampled = sampleRocCurve(full);
  // The last full-curve point at or below 1% FPR, and the first above it, must both be kept.
  const below = full.fpr.findLastIndex((fpr) => fpr <= 0.01);
  assert.ok(sampled.fpr.includes(full.fpr[below]));
  assert.ok(sampled.fpr.includes(full.fpr[below + 1]));
});

test('sampled ROC leaves small curves whole', () => {
  const full = rocCurve([0.9, 0.8, 0.7, 0.1], [1, 0, 1, 0]);
  assert.equal(sampleRocCurve(full), full);
});

test.run();
