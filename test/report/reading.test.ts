import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { noLeakageAucMargin, readAttackAuc, readTrivialAccuracy } from '../../src/report/reading.ts';

test('margin is two null standard errors', () => {
  // 2 · √((1,000 + 1,000 + 1) / (12 · 1,000 · 1,000)) = 0.025826.
  assert.ok(Math.abs(noLeakageAucMargin(1000, 1000) - 0.025826) < 1e-6);
});

test('auc near chance reads no detectable leakage', () => {
  assert.is(
    readAttackAuc(0.51, 1000, 1000),
    "the shadow-model attack's AUC (0.510) is within ±0.026 of 0.5: no detectable leakage at this sample size.",
  );
});

test('auc beyond margin reads leakage', () => {
  assert.match(readAttackAuc(0.53, 1000, 1000), 'is outside ±0.026 of 0.5: the target leaks membership.');
});

test('trivial accuracy reading only when unbalanced', () => {
  assert.is(readTrivialAccuracy(0.49, 0.5), null);
  assert.is(readTrivialAccuracy(0.8, 0.75), null);
  assert.match(readTrivialAccuracy(0.6, 0.75) ?? '', 'below the trivial 0.750');
});

test.run();
