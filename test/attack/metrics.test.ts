import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Rng } from '../../engine/rng.ts';
import { MiascopeError } from '../../src/errors.ts';
import {
  attackMetrics,
  membershipAdvantage,
  rocAuc,
  rocCurve,
  tprAtFpr,
  type RocCurve,
} from '../../src/attack/metrics.ts';

const TOLERANCE = 1e-12;

function assertClose(actual: number, expected: number, message: string, tolerance = TOLERANCE): void {
  assert.ok(Math.abs(actual - expected) <= tolerance, `${message}: expected ${expected}, got ${actual}`);
}

function raisesMiascopeError(pattern: RegExp): (error: unknown) => boolean {
  return (error) => error instanceof MiascopeError && pattern.test(error.message);
}

/** Trapezoid area under the points of a curve. */
function curveArea(curve: RocCurve): number {
  let area = 0;
  for (let k = 1; k < curve.fpr.length; k++) {
    area += ((curve.fpr[k] - curve.fpr[k - 1]) * (curve.tpr[k] + curve.tpr[k - 1])) / 2;
  }
  return area;
}

/** Highest TPR among the points of a curve whose FPR is at most maxFpr. */
function curveTprAtFpr(curve: RocCurve, maxFpr: number): number {
  let best = 0;
  for (let k = 0; k < curve.fpr.length; k++) {
    if (curve.fpr[k] <= maxFpr && curve.tpr[k] > best) best = curve.tpr[k];
  }
  return best;
}

// --- AUC ---

test('rocAuc without ties', () => {
  // Members score 0.9, 0.7, 0.6; non-members 0.8, 0.5. Of the 3 × 2 pairs the
  // member wins in (0.9, 0.8), (0.9, 0.5), (0.7, 0.5), (0.6, 0.5): AUC = 4/6.
  const auc = rocAuc([0.9, 0.8, 0.7, 0.6, 0.5], [1, 0, 1, 1, 0]);
  assertClose(auc, 4 / 6, 'AUC');
});

test('rocAuc ties across classes', () => {
  // Members 0.8, 0.5; non-members 0.5, 0.2. Pairs: (0.8, 0.5) 1, (0.8, 0.2) 1,
  // (0.5, 0.5) tie 1/2, (0.5, 0.2) 1, so AUC = 3.5/4.
  const auc = rocAuc([0.8, 0.5, 0.5, 0.2], [1, 1, 0, 0]);
  assertClose(auc, 0.875, 'AUC');
});

test('rocAuc perfect separation', () => {
  assert.is(rocAuc([0.9, 0.8, 0.2, 0.1], [1, 1, 0, 0]), 1);
});

test('rocAuc inverted scores', () => {
  assert.is(rocAuc([0.9, 0.8, 0.2, 0.1], [0, 0, 1, 1]), 0);
});

test('rocAuc all scores tied', () => {
  // Every one of the 2 × 2 pairs is a tie worth 1/2.
  assert.is(rocAuc([0.5, 0.5, 0.5, 0.5], [1, 0, 1, 0]), 0.5);
});

test('rocAuc accepts Float64Array', () => {
  const auc = rocAuc(new Float64Array([0.8, 0.5, 0.5, 0.2]), new Int32Array([1, 1, 0, 0]));
  assertClose(auc, 0.875, 'AUC');
});

// --- TPR at FPR ---

// Scores descending with labels 1, 1, 0, 1, 0, 0: 3 members, 3 non-members.
// Points after each score: 0.9 (0, 1/3), 0.8 (0, 2/3), 0.7 (1/3, 2/3),
// 0.6 (1/3, 1), 0.5 (2/3, 1), 0.4 (1, 1).
const STEP_SCORES = [0.9, 0.8, 0.7, 0.6, 0.5, 0.4];
const STEP_LABELS = [1, 1, 0, 1, 0, 0];

test('tprAtFpr zero budget', () => {
  assertClose(tprAtFpr(STEP_SCORES, STEP_LABELS, 0), 2 / 3, 'TPR');
});

test('tprAtFpr budget just below a point', () => {
  // FPR 1/3 exceeds 0.3, so the best point is still (0, 2/3).
  assertClose(tprAtFpr(STEP_SCORES, STEP_LABELS, 0.3), 2 / 3, 'TPR');
});

test('tprAtFpr budget equal to a point', () => {
  // FPR 1/3 is within a budget of exactly 1/3, which reaches (1/3, 1).
  assert.is(tprAtFpr(STEP_SCORES, STEP_LABELS, 1 / 3), 1);
});

test('tprAtFpr tie group straddles budget', () => {
  // 3 members, 2 non-members. After 0.9: (0, 1/3). The 0.8 group contains two
  // members and one non-member and enters whole: (1/2, 1). A budget of 0.25
  // admits the 0.9 point only, so TPR = 1/3, not the 2/3 that splitting the
  // tie would claim.
  const tpr = tprAtFpr([0.9, 0.8, 0.8, 0.8, 0.1], [1, 1, 0, 1, 0], 0.25);
  assertClose(tpr, 1 / 3, 'TPR');
});

test('tprAtFpr first group over budget', () => {
  // The top group (0.9) contains one of two non-members: FPR 1/2 > 0.4, so only
  // the threshold +Infinity fits and TPR = 0.
  assert.is(tprAtFpr([0.9, 0.9, 0.1, 0.1], [1, 0, 1, 0], 0.4), 0);
});

test('tprAtFpr full budget', () => {
  assert.is(tprAtFpr(STEP_SCORES, STEP_LABELS, 1), 1);
});

// --- membership advantage ---

test('membershipAdvantage step case', () => {
  // TPR − FPR over the points above: 1/3, 2/3, 1/3, 2/3, 1/3, 0. Max 2/3.
  assertClose(membershipAdvantage(STEP_SCORES, STEP_LABELS), 2 / 3, 'advantage');
});

test('membershipAdvantage inverted scores', () => {
  // Every threshold but the extremes has TPR < FPR, and (0, 0) gives 0.
  assert.is(membershipAdvantage([0.9, 0.8, 0.2, 0.1], [0, 0, 1, 1]), 0);
});

// --- ROC curve ---

// 3 members and 4 non-members. Cumulative (false, true) positives after each
// distinct score: 0.9 (0, 1), 0.8 (1, 2), 0.5 (3, 3), 0.2 (4, 3).
const TIED_SCORES = [0.9, 0.8, 0.8, 0.5, 0.5, 0.5, 0.2];
const TIED_LABELS = [1, 1, 0, 1, 0, 0, 0];

test('rocCurve thresholds with ties', () => {
  const curve = rocCurve(TIED_SCORES, TIED_LABELS, { dropIntermediate: false });
  assert.equal(curve.thresholds, [Infinity, 0.9, 0.8, 0.5, 0.2]);
});

test('rocCurve fpr with ties', () => {
  const curve = rocCurve(TIED_SCORES, TIED_LABELS, { dropIntermediate: false });
  assert.equal(curve.fpr, [0, 0, 1 / 4, 3 / 4, 1]);
});

test('rocCurve tpr with ties', () => {
  const curve = rocCurve(TIED_SCORES, TIED_LABELS, { dropIntermediate: false });
  assert.equal(curve.tpr, [0, 1 / 3, 2 / 3, 1, 1]);
});

test('rocCurve drop keeps corners', () => {
  // No two consecutive segments of the tied case share a direction, so
  // dropping removes nothing.
  const curve = rocCurve(TIED_SCORES, TIED_LABELS);
  assert.equal(curve.thresholds, [Infinity, 0.9, 0.8, 0.5, 0.2]);
});

test('rocCurve drop on perfect separation', () => {
  // Full curve: (0, 0), (0, 1/3), (0, 2/3), (0, 1), (1/3, 1), (2/3, 1), (1, 1).
  // The vertical run keeps (0, 0) and (0, 1); the horizontal run keeps (0, 1) and (1, 1).
  const curve = rocCurve([0.9, 0.8, 0.7, 0.3, 0.2, 0.1], [1, 1, 1, 0, 0, 0]);
  assert.equal(curve, { fpr: [0, 0, 1], tpr: [0, 1, 1], thresholds: [Infinity, 0.7, 0.1] });
});

test('rocCurve drop keeps diagonal points', () => {
  // Two tie groups of one member and one non-member each: (0, 0), (1/2, 1/2),
  // (1, 1) are collinear, but the middle point is the only one with FPR 1/2.
  const curve = rocCurve([0.9, 0.9, 0.5, 0.5], [1, 0, 1, 0]);
  assert.equal(curve.fpr, [0, 0.5, 1]);
});

test('rocCurve default drops points', () => {
  const curve = rocCurve([0.9, 0.8, 0.7, 0.3, 0.2, 0.1], [1, 1, 1, 0, 0, 0]);
  assert.is(curve.fpr.length, 3);
});

test('rocCurve area matches rocAuc', () => {
  const area = curveArea(rocCurve(TIED_SCORES, TIED_LABELS, { dropIntermediate: false }));
  // Pairs: member 0.9 wins 4; member 0.8 ties one and wins 3 (3.5); member
  // 0.5 ties two and wins one (2). AUC = 9.5/12.
  assertClose(area, 9.5 / 12, 'area');
});

test('rocCurve drop on random data', () => {
  const rng = new Rng(7);
  const n = 2000;
  const scores = new Float64Array(n);
  const labels = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    labels[i] = rng.uniform() < 0.4 ? 1 : 0;
    // Rounding to 2 decimals makes many ties, some mixing both classes.
    scores[i] = Math.round((rng.uniform() + 0.3 * labels[i]) * 100) / 100;
  }

  const full = rocCurve(scores, labels, { dropIntermediate: false });
  const dropped = rocCurve(scores, labels);
  assert.ok(dropped.fpr.length < full.fpr.length, `expected fewer points, got ${dropped.fpr.length} of ${full.fpr.length}`);
  assertClose(curveArea(dropped), curveArea(full), 'area of dropped vs full curve', 1e-12);
  assertClose(curveArea(full), rocAuc(scores, labels), 'area of full curve vs rocAuc', 1e-12);

  const budgets = [0, 0.001, 0.01, 0.05, 0.1, 0.25, 0.5, 1, ...full.fpr];
  for (const budget of budgets) {
    const expected = curveTprAtFpr(full, budget);
    assert.is(curveTprAtFpr(dropped, budget), expected, `TPR of dropped curve at FPR ${budget}`);
    assert.is(tprAtFpr(scores, labels, budget), expected, `tprAtFpr at FPR ${budget}`);
  }

  let fullAdvantage = 0;
  let droppedAdvantage = 0;
  for (let k = 0; k < full.fpr.length; k++) fullAdvantage = Math.max(fullAdvantage, full.tpr[k] - full.fpr[k]);
  for (let k = 0; k < dropped.fpr.length; k++) droppedAdvantage = Math.max(droppedAdvantage, dropped.tpr[k] - dropped.fpr[k]);
  assert.is(droppedAdvantage, fullAdvantage, 'advantage of dropped vs full curve');
  assert.is(membershipAdvantage(scores, labels), fullAdvantage, 'membershipAdvantage vs full curve');
});

// --- attackMetrics ---

// Members score 0.9, 0.8, 0.6, 0.4, 0.3; non-members 0.7, 0.2, 0.1. At
// threshold 0.5: TP = 3 (0.9, 0.8, 0.6), FN = 2 (0.4, 0.3), FP = 1 (0.7),
// TN = 2 (0.2, 0.1).
const CONFUSION_SCORES = [0.9, 0.8, 0.6, 0.4, 0.3, 0.7, 0.2, 0.1];
const CONFUSION_LABELS = [1, 1, 1, 1, 1, 0, 0, 0];

test('attackMetrics accuracy', () => {
  // (TP + TN) / n = 5/8.
  assert.is(attackMetrics(CONFUSION_SCORES, CONFUSION_LABELS).accuracy, 0.625);
});

test('attackMetrics balanced accuracy', () => {
  // (TPR + TNR) / 2 = (3/5 + 2/3) / 2 = 19/30.
  assertClose(attackMetrics(CONFUSION_SCORES, CONFUSION_LABELS).balancedAccuracy, 19 / 30, 'balanced accuracy');
});

test('attackMetrics precision', () => {
  // TP / (TP + FP) = 3/4.
  assert.is(attackMetrics(CONFUSION_SCORES, CONFUSION_LABELS).precision, 0.75);
});

test('attackMetrics recall', () => {
  // TP / (TP + FN) = 3/5.
  assert.is(attackMetrics(CONFUSION_SCORES, CONFUSION_LABELS).recall, 0.6);
});

test('attackMetrics counts and rates', () => {
  const metrics = attackMetrics(CONFUSION_SCORES, CONFUSION_LABELS);
  assert.is(metrics.members, 5);
  assert.is(metrics.nonMembers, 3);
  assert.is(metrics.memberRate, 0.625);
  assert.is(metrics.trivialAccuracy, 0.625);
  assert.is(metrics.threshold, 0.5);
});

test('attackMetrics curve metrics', () => {
  // Pairs: 0.9 and 0.8 beat all 3 non-members (6); 0.6 and 0.4 and 0.3 beat
  // 0.2 and 0.1 (6). AUC = 12/15.
  const metrics = attackMetrics(CONFUSION_SCORES, CONFUSION_LABELS);
  assertClose(metrics.auc, 12 / 15, 'AUC');
  // Before the first non-member (0.7) TPR = 2/5 at FPR 0: the best TPR at 1%
  // and 0.1% FPR, because 3 non-members make the smallest FPR step 1/3.
  assert.is(metrics.tprAtOnePercentFpr, 0.4);
  assert.is(metrics.tprAtTenthPercentFpr, 0.4);
  // After 0.3: TPR 1, FPR 1/3, so TPR − FPR = 2/3 is the max.
  assertClose(metrics.advantage, 2 / 3, 'advantage');
  assert.equal(metrics.roc, rocCurve(CONFUSION_SCORES, CONFUSION_LABELS));
});

test('attackMetrics threshold is inclusive', () => {
  // Score 0.5 equals the threshold, so the member at 0.5 is predicted member.
  const metrics = attackMetrics([0.5, 0.4, 0.1], [1, 0, 0], 0.5);
  assert.is(metrics.recall, 1);
});

test('attackMetrics trivial accuracy at member rate 0.75', () => {
  const metrics = attackMetrics([0.9, 0.8, 0.7, 0.1], [1, 1, 1, 0]);
  assert.is(metrics.memberRate, 0.75);
  assert.is(metrics.trivialAccuracy, 0.75);
});

test('attackMetrics trivial accuracy at member rate 0.25', () => {
  const metrics = attackMetrics([0.9, 0.8, 0.7, 0.1], [1, 0, 0, 0]);
  assert.is(metrics.trivialAccuracy, 0.75);
});

test('attackMetrics precision without predicted members', () => {
  const metrics = attackMetrics([0.4, 0.3, 0.2, 0.1], [1, 1, 0, 0], 0.5);
  assert.is(metrics.precision, 0);
});

test('attackMetrics serialises to JSON', () => {
  // Plain arrays keep the curve compact, and +Infinity becomes null.
  const parsed = JSON.parse(JSON.stringify(attackMetrics(TIED_SCORES, TIED_LABELS)));
  assert.equal(parsed.roc.thresholds, [null, 0.9, 0.8, 0.5, 0.2]);
});

// --- validation ---

test('validation length mismatch', () => {
  assert.throws(() => rocAuc([0.1, 0.2, 0.3], [1, 0]), raisesMiascopeError(/3 scores but 2 membership labels/));
});

test('validation label not 0 or 1', () => {
  assert.throws(() => attackMetrics([0.1, 0.2, 0.3], [1, 0, 2]), raisesMiascopeError(/label 2 at index 2/));
});

test('validation NaN score names index', () => {
  assert.throws(() => attackMetrics([0.1, 0.2, NaN, 0.4], [1, 0, 1, 0]), raisesMiascopeError(/score NaN at index 2/));
});

test('validation infinite score', () => {
  assert.throws(() => rocCurve([0.1, Infinity], [1, 0]), raisesMiascopeError(/score Infinity at index 1/));
});

test('validation only members', () => {
  assert.throws(() => attackMetrics([0.1, 0.2, 0.3], [1, 1, 1]), raisesMiascopeError(/3 members and 0 non-members/));
});

test('validation only non-members', () => {
  assert.throws(() => rocAuc([0.1, 0.2], [0, 0]), raisesMiascopeError(/0 members and 2 non-members/));
});

test('validation empty input', () => {
  assert.throws(() => membershipAdvantage([], []), raisesMiascopeError(/0 members and 0 non-members/));
});

test('validation maxFpr out of range', () => {
  assert.throws(() => tprAtFpr([0.1, 0.2], [1, 0], 1.5), raisesMiascopeError(/maximum FPR 1.5/));
});

test('validation NaN threshold', () => {
  assert.throws(() => attackMetrics([0.1, 0.2], [1, 0], NaN), raisesMiascopeError(/threshold is NaN/));
});

test.run();
