import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Matrix } from '../../engine/matrix.ts';
import { MiascopeError } from '../../src/errors.ts';
import {
  confidenceScores,
  entropyScores,
  fitThreshold,
  lossScores,
  metricAttackScores,
  modifiedEntropyScores,
  runMetricAttack,
  type MetricAttackKind,
} from '../../src/attack/metric-attacks.ts';

// Posteriors are float32, so 0.7 is stored as 0.699999988…; 1e-6 covers that.
const FLOAT32_TOLERANCE = 1e-6;

function assertClose(actual: number, expected: number, message: string, tolerance = FLOAT32_TOLERANCE): void {
  assert.ok(Math.abs(actual - expected) <= tolerance, `${message}: expected ${expected}, got ${actual}`);
}

function raisesMiascopeError(pattern: RegExp): (error: unknown) => boolean {
  return (error) => error instanceof MiascopeError && pattern.test(error.message);
}

// Row 0: p = (0.7, 0.2, 0.1), true class 0 (a correct prediction).
// Row 1: p = (0.2, 0.5, 0.3), true class 2 (a wrong prediction).
const POSTERIORS = Matrix.fromRows([
  [0.7, 0.2, 0.1],
  [0.2, 0.5, 0.3],
]);
const LABELS = new Int32Array([0, 2]);

// --- scores ---

test('confidence score', () => {
  const scores = confidenceScores(POSTERIORS, LABELS);
  assertClose(scores[0], 0.7, 'row 0');
  assertClose(scores[1], 0.3, 'row 1');
});

test('loss score', () => {
  // ln(0.7) = −0.356675, ln(0.3) = −1.203973.
  const scores = lossScores(POSTERIORS, LABELS);
  assertClose(scores[0], -0.35667494393873245, 'row 0');
  assertClose(scores[1], -1.2039728043259361, 'row 1');
});

test('entropy score', () => {
  // Row 0: 0.7 ln 0.7 + 0.2 ln 0.2 + 0.1 ln 0.1
  //      = −0.249672 − 0.321888 − 0.230259 = −0.801819.
  // Row 1: 0.2 ln 0.2 + 0.5 ln 0.5 + 0.3 ln 0.3
  //      = −0.321888 − 0.346574 − 0.361192 = −1.029653.
  const scores = entropyScores(POSTERIORS, LABELS);
  assertClose(scores[0], -0.8018185525433372, 'row 0');
  assertClose(scores[1], -1.0296530140645737, 'row 1');
});

test('modified entropy score', () => {
  // Mentr(p, y) = −(1 − p_y) ln p_y − Σ_{i≠y} p_i ln(1 − p_i), score = −Mentr.
  // Row 0, y = 0: 0.3 · 0.356675 + 0.2 · 0.223144 + 0.1 · 0.105361
  //             = 0.107002 + 0.044629 + 0.010536 = 0.162167.
  // Row 1, y = 2: 0.7 · 1.203973 + 0.2 · 0.223144 + 0.5 · 0.693147
  //             = 0.842781 + 0.044629 + 0.346574 = 1.233983.
  const scores = modifiedEntropyScores(POSTERIORS, LABELS);
  assertClose(scores[0], -0.16216724501024432, 'row 0');
  assertClose(scores[1], -1.2339832635709698, 'row 1');
});

test('modified entropy confident wrong', () => {
  // p = (1, 0) with y = 1: (1 − 0) ln(max(0, 1e-12)) + 1 · ln(max(1 − 1, 1e-12))
  // = 2 ln(1e-12) = −55.262042. The entropy of the same row is 0.
  const posteriors = Matrix.fromRows([[1, 0]]);
  const labels = new Int32Array([1]);
  assertClose(modifiedEntropyScores(posteriors, labels)[0], -55.262042231857095, 'modified entropy');
  assert.is(entropyScores(posteriors, labels)[0], 0);
});

test('loss score floors zero probability', () => {
  // ln(max(0, 1e-12)) = −27.631021.
  const scores = lossScores(Matrix.fromRows([[1, 0]]), new Int32Array([1]));
  assertClose(scores[0], -27.631021115928547, 'loss');
});

test('metricAttackScores dispatches by kind', () => {
  const kinds: MetricAttackKind[] = ['confidence', 'loss', 'entropy', 'modified-entropy'];
  const direct = [confidenceScores, lossScores, entropyScores, modifiedEntropyScores];
  kinds.forEach((kind, k) => {
    assert.equal(metricAttackScores(kind, POSTERIORS, LABELS), direct[k](POSTERIORS, LABELS), kind);
  });
});

// --- threshold fit ---

test('fitThreshold accuracy tie', () => {
  // Membership by descending score: 1, 1, 0, 1, 0, 0 (3 and 3). Correct
  // predictions when predicting member from the top down to each score:
  // none 3, 0.9 4, 0.8 5, 0.7 4, 0.6 5, 0.4 4, 0.3 3. The max 5 is reached at
  // 0.8 and 0.6; the higher wins, and the midpoint of 0.8 and 0.7 is 0.75.
  const fit = fitThreshold([0.9, 0.8, 0.7, 0.6, 0.4, 0.3], [1, 1, 0, 1, 0, 0]);
  assertClose(fit.threshold, 0.75, 'threshold', 1e-12);
  assertClose(fit.accuracy, 5 / 6, 'accuracy', 1e-12);
});

test('fitThreshold tied scores', () => {
  // The 0.5 group (two members, one non-member) is admitted whole: 3 of 4
  // correct, against 2 for none or all. Threshold: midpoint of 0.5 and 0.2.
  const fit = fitThreshold([0.5, 0.5, 0.5, 0.2], [1, 1, 0, 0]);
  assertClose(fit.threshold, 0.35, 'threshold', 1e-12);
  assert.is(fit.accuracy, 0.75);
});

test('fitThreshold all members best', () => {
  // Three members score below the one non-member: predicting everyone member
  // is right 3 times, and the threshold is the lowest score.
  const fit = fitThreshold([0.1, 0.2, 0.3, 0.9], [1, 1, 1, 0]);
  assert.is(fit.threshold, 0.1);
  assert.is(fit.accuracy, 0.75);
});

test('fitThreshold no members best', () => {
  // The only member scores lowest: predicting no member is right 3 times,
  // and the threshold is the next double above the highest score.
  const fit = fitThreshold([0.9, 0.1, 0.2, 0.3], [0, 1, 0, 0]);
  assert.ok(fit.threshold > 0.9, `threshold ${fit.threshold} should exceed 0.9`);
  assert.ok(fit.threshold - 0.9 < 1e-15, `threshold ${fit.threshold} should be next to 0.9`);
  assert.is(fit.accuracy, 0.75);
});

test('fitThreshold no members best negative scores', () => {
  const fit = fitThreshold([-2, -3, -1], [0, 1, 0]);
  assert.ok(fit.threshold > -1, `threshold ${fit.threshold} should exceed -1`);
  assert.ok(fit.threshold + 1 < 1e-15, `threshold ${fit.threshold} should be next to -1`);
});

test('fitThreshold adjacent doubles', () => {
  // The midpoint of two adjacent doubles rounds onto one of them, so the
  // upper score itself becomes the threshold.
  const upper = 1 + Number.EPSILON;
  const fit = fitThreshold([upper, 1], [1, 0]);
  assert.is(fit.threshold, upper);
});

// --- runMetricAttack ---

/** Binary posteriors whose true class 0 has the given probabilities. */
function binaryPosteriors(trueClassProbabilities: number[]): Matrix {
  return Matrix.fromRows(trueClassProbabilities.map((p) => [p, 1 - p]));
}

test('runMetricAttack confidence', () => {
  // Shadow: members 0.9, 0.8, non-members 0.6, 0.5, so the fitted threshold
  // is the midpoint 0.7 with shadow accuracy 1. Target: members 0.95, 0.65,
  // non-members 0.75, 0.4. At 0.7: TP 1, FN 1, FP 1, TN 1, accuracy 1/2.
  // Target AUC: 0.95 beats both non-members, 0.65 beats 0.4, so 3/4.
  const shadow = {
    posteriors: binaryPosteriors([0.9, 0.8, 0.6, 0.5]),
    labels: new Int32Array(4),
    membership: [1, 1, 0, 0],
  };
  const target = {
    posteriors: binaryPosteriors([0.95, 0.65, 0.75, 0.4]),
    labels: new Int32Array(4),
    membership: [1, 1, 0, 0],
  };
  const result = runMetricAttack('confidence', shadow, target);
  assert.is(result.kind, 'confidence');
  assertClose(result.threshold, 0.7, 'threshold');
  assert.is(result.shadowAccuracy, 1);
  assert.is(result.accuracy, 0.5);
  assert.is(result.auc, 0.75);
});

// --- validation ---

test('validation unknown kind', () => {
  const kind = 'margin' as MetricAttackKind;
  assert.throws(() => metricAttackScores(kind, POSTERIORS, LABELS), raisesMiascopeError(/kind 'margin' is unknown/));
});

test('validation label out of range', () => {
  assert.throws(() => confidenceScores(POSTERIORS, new Int32Array([0, 3])), raisesMiascopeError(/label 3 of row 1/));
});

test('validation row count mismatch', () => {
  assert.throws(() => lossScores(POSTERIORS, new Int32Array([0])), raisesMiascopeError(/2 posterior rows but 1 labels/));
});

test('validation logits rejected', () => {
  const logits = Matrix.fromRows([[2, -1]]);
  assert.throws(() => entropyScores(logits, new Int32Array([0])), raisesMiascopeError(/not a probability/));
});

test('validation row sum not 1', () => {
  const halves = Matrix.fromRows([[0.5, 0.4]]);
  assert.throws(() => entropyScores(halves, new Int32Array([0])), raisesMiascopeError(/row 0 sums to/));
});

test('validation shadow side named', () => {
  const onlyMembers = { posteriors: binaryPosteriors([0.9, 0.8]), labels: new Int32Array(2), membership: [1, 1] };
  const target = { posteriors: binaryPosteriors([0.9, 0.1]), labels: new Int32Array(2), membership: [1, 0] };
  assert.throws(
    () => runMetricAttack('loss', onlyMembers, target),
    raisesMiascopeError(/^loss attack, shadow data: threshold fit: the labels contain 2 members and 0 non-members/),
  );
});

test('validation target side named', () => {
  const shadow = { posteriors: binaryPosteriors([0.9, 0.1]), labels: new Int32Array(2), membership: [1, 0] };
  const target = { posteriors: binaryPosteriors([0.9, 0.1]), labels: new Int32Array(2), membership: [1, 0, 1] };
  assert.throws(() => runMetricAttack('entropy', shadow, target), raisesMiascopeError(/^entropy attack, target data: /));
});

test.run();
