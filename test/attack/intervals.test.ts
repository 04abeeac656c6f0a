import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  aucInterval,
  balancedAccuracyInterval,
  hanleyMcNeilStandardError,
  newcombeDifferenceInterval,
  wilsonInterval,
} from '../../src/attack/intervals.ts';
import { attackMetrics } from '../../src/attack/metrics.ts';
import { attackMetricsByGroup } from '../../src/attack/subgroups.ts';

function assertClose(actual: number, expected: number, message: string, tolerance = 5e-5): void {
  assert.ok(Math.abs(actual - expected) <= tolerance, `${message}: expected ${expected}, got ${actual}`);
}

// Wilson, 8 of 10 at z = 1.96: centre (0.8 + z²/20) / (1 + z²/10) = 0.71674,
// half width z / (1 + z²/10) · √(0.8 · 0.2 / 10 + z²/400) = 0.22658.
test('wilson interval of 8 of 10', () => {
  const interval = wilsonInterval(8, 10);
  assertClose(interval.lower, 0.4902, 'lower');
  assertClose(interval.upper, 0.9433, 'upper');
});

test('wilson interval at 0 successes', () => {
  const interval = wilsonInterval(0, 10_000);
  assert.is(interval.lower, 0);
  // z² / (10,000 + z²).
  assertClose(interval.upper, 0.000384, 'upper of 0 in 10,000', 1e-6);
  assertClose(wilsonInterval(0, 10).upper, 0.2775, 'upper of 0 in 10');
});

test('wilson interval at all successes', () => {
  const interval = wilsonInterval(10, 10);
  assertClose(interval.lower, 0.7225, 'lower');
  assert.is(interval.upper, 1);
});

test('wilson interval of no trials', () => {
  assert.equal(wilsonInterval(0, 0), { lower: 0, upper: 1 });
});

// Wilson bounds 56/70: [0.69183, 0.87695], 48/80: [0.49045, 0.70038], so
// 0.2 − √(0.10817² + 0.10038²) = 0.05243 and 0.2 + √(0.07695² + 0.10955²) = 0.33387.
test('newcombe interval of 56/70 minus 48/80', () => {
  const interval = newcombeDifferenceInterval(56, 70, 48, 80);
  assertClose(interval.lower, 0.0524, 'lower');
  assertClose(interval.upper, 0.3339, 'upper');
});

// Wilson bounds 9/10: [0.59585, 0.98212], 3/10: [0.10779, 0.60322], so
// 0.6 − √(0.30415² + 0.30322²) = 0.17052 and 0.6 + √(0.08212² + 0.19221²) = 0.80902.
test('newcombe interval of 9/10 minus 3/10', () => {
  const interval = newcombeDifferenceInterval(9, 10, 3, 10);
  assertClose(interval.lower, 0.1705, 'lower');
  assertClose(interval.upper, 0.809, 'upper');
});

test('balanced accuracy interval from newcombe', () => {
  // TPR 9/10, FPR 3/10: balanced accuracy (1 + 0.6) / 2 = 0.8.
  const interval = balancedAccuracyInterval(9, 10, 3, 10);
  assertClose(interval.lower, (1 + 0.1705) / 2, 'lower');
  assertClose(interval.upper, (1 + 0.809) / 2, 'upper');
});

// A = 0.8, 50 members, 50 non-members: Q1 = 0.8 / 1.2 = 0.66667, Q2 = 1.28 / 1.8 = 0.71111,
// variance (0.16 + 49 · 0.02667 + 49 · 0.07111) / 2500 = 0.0019804, SE 0.044502.
test('hanley-mcneil standard error at 0.8', () => {
  assertClose(hanleyMcNeilStandardError(0.8, 50, 50), 0.044502, 'standard error', 1e-6);
});

test('hanley-mcneil standard error at chance', () => {
  const expected = Math.sqrt((30 + 20 + 1) / (12 * 30 * 20));
  assertClose(hanleyMcNeilStandardError(0.5, 30, 20), expected, 'standard error', 1e-12);
});

test('auc interval stays within 0 and 1', () => {
  const interval = aucInterval(1, 5, 5);
  assert.is(interval.upper, 1);
  assert.ok(interval.lower <= 1, `lower ${interval.lower}`);
  assertClose(aucInterval(0.8, 50, 50).lower, 0.8 - 1.959964 * 0.044502, 'lower at 0.8', 1e-5);
});

// Threshold 0.5: members 0.9, 0.8, 0.6 and 0.3; non-members 0.7, 0.4, 0.2, 0.1,
// so TP = 3, FN = 1, FP = 1, TN = 3.
const SCORES = [0.9, 0.8, 0.7, 0.6, 0.4, 0.3, 0.2, 0.1];
const LABELS = [1, 1, 0, 1, 0, 1, 0, 0];

test('attack metrics carry their intervals', () => {
  const { intervals } = attackMetrics(SCORES, LABELS);
  assert.equal(intervals.accuracy, wilsonInterval(6, 8));
  assert.equal(intervals.recall, wilsonInterval(3, 4));
  assert.equal(intervals.precision, wilsonInterval(3, 4));
  assert.equal(intervals.balancedAccuracy, balancedAccuracyInterval(3, 4, 1, 4));
  assert.equal(intervals.auc, aucInterval(0.8125, 4, 4));
});

test('tpr interval counts members at the threshold', () => {
  // No non-member scores above 0.7, so at FPR 0 the TPR is 2 of 4.
  const metrics = attackMetrics(SCORES, LABELS);
  assert.is(metrics.tprAtOnePercentFpr, 0.5);
  assert.equal(metrics.intervals.tprAtOnePercentFpr, wilsonInterval(2, 4));
});

test('group metrics carry an auc interval', () => {
  const groups = [0, 0, 0, 0, 1, 1, 1, 1];
  const { g0, g1 } = attackMetricsByGroup(SCORES, LABELS, groups);
  // g0: members 0.9, 0.8, 0.6 against the non-member 0.7: 2 of 3 pairs ordered.
  assertClose(g0.auc, 2 / 3, 'g0 AUC', 1e-12);
  assert.equal(g0.aucInterval, aucInterval(2 / 3, 3, 1));
  // g1: the member 0.3 against non-members 0.4, 0.2, 0.1.
  assert.equal(g1.aucInterval, aucInterval(g1.auc, 1, 3));
});

test('group without non-members has NaN interval', () => {
  const { g1 } = attackMetricsByGroup([0.9, 0.8, 0.1], [1, 1, 0], [1, 1, 0]);
  assert.ok(Number.isNaN(g1.aucInterval.lower));
  assert.ok(Number.isNaN(g1.aucInterval.upper));
});

test.run();
