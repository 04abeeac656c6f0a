/**
 * Metrics of a membership inference attack, computed from one score per record
 * (higher = more likely a member) and the record's true membership (1 = member,
 * 0 = non-member).
 *
 * Every curve metric comes from one sweep over the records sorted by score,
 * O(n log n). Records with equal scores form one group: lowering the threshold
 * past their score admits the whole group at once, so a tie moves FPR and TPR
 * together and the ROC curve has one point per distinct score.
 */

import { MiascopeError } from '../errors.ts';
import { scoreHistogram, type ScoreHistogram } from './histogram.ts';
import { aucInterval, balancedAccuracyInterval, wilsonInterval, type ConfidenceInterval } from './intervals.ts';

/** Attack scores, one per record, higher = more likely a member. */
export type Scores = ArrayLike<number>;

/** Membership labels, one per record: 1 = member, 0 = non-member. */
export type Membership = ArrayLike<number>;

/**
 * Points of a ROC curve, ordered by descending threshold. Point k is the
 * (FPR, TPR) reached by predicting "member" for every score >= thresholds[k].
 * The first point is (0, 0) at threshold +Infinity and the last is (1, 1) at
 * the lowest score. Plain arrays, so the curve serialises to compact JSON.
 *
 * NOTE: JSON.stringify writes the first threshold, +Infinity, as null.
 */
export interface RocCurve {
  fpr: number[];
  tpr: number[];
  thresholds: number[];
}

export interface RocCurveOptions {
  /**
   * Whether to drop points that lie inside a vertical or horizontal run of the
   * curve (default true). The dropped points change neither the area nor TPR at
   * any FPR, nor the membership advantage.
   */
  dropIntermediate?: boolean;
}

/** Every metric of one attack on one evaluation set. */
export interface AttackMetrics {
  /** Score at or above which a record is predicted member. */
  threshold: number;
  /** Fraction of records whose predicted membership is correct. */
  accuracy: number;
  /** Mean of TPR and TNR at `threshold`. */
  balancedAccuracy: number;
  /** Fraction of predicted members that are members, or 0 when no record is predicted member. */
  precision: number;
  /** TPR at `threshold`: fraction of members predicted member. */
  recall: number;
  /** Area under the ROC curve, ties counted as half. */
  auc: number;
  /** Membership advantage: max over thresholds of TPR − FPR. */
  advantage: number;
  /** Highest TPR at a threshold whose FPR is at most 1%. */
  tprAtOnePercentFpr: number;
  /** Highest TPR at a threshold whose FPR is at most 0.1%. */
  tprAtTenthPercentFpr: number;
  roc: RocCurve;
  /** Number of members in the evaluation set. */
  members: number;
  /** Number of non-members in the evaluation set. */
  nonMembers: number;
  /** members / (members + nonMembers). */
  memberRate: number;
  /** Accuracy of always predicting the majority class: max(memberRate, 1 − memberRate). */
  trivialAccuracy: number;
  /** 95% confidence intervals of the metrics above, over the sampling of the evaluation records. */
  intervals: AttackMetricIntervals;
  /** Scores of members and non-members in equal-width bins. */
  histogram: ScoreHistogram;
}

/**
 * 95% confidence intervals of one attack's metrics. The membership advantage
 * has none, because it is a maximum over thresholds chosen on the same records.
 */
export interface AttackMetricIntervals {
  /** Wilson score interval over all evaluation records. */
  accuracy: ConfidenceInterval;
  /** Newcombe's hybrid score interval of TPR − FPR, mapped to (1 + TPR − FPR) / 2. */
  balancedAccuracy: ConfidenceInterval;
  /** Wilson score interval over the predicted members; [0, 1] when there are none. */
  precision: ConfidenceInterval;
  /** Wilson score interval over the members. */
  recall: ConfidenceInterval;
  /** AUC ± 1.96 standard errors of Hanley and McNeil, clipped to [0, 1]. */
  auc: ConfidenceInterval;
  /**
   * Wilson score intervals over the members at the threshold that reaches the
   * TPR. They treat that threshold as fixed, so they leave out the noise of
   * the FPR estimate, which is large at low FPR.
   */
  tprAtOnePercentFpr: ConfidenceInterval;
  tprAtTenthPercentFpr: ConfidenceInterval;
}

/**
 * Cumulative counts at each distinct score, highest score first. Index 0 is the
 * empty prediction (threshold +Infinity, no record predicted member) and index
 * k > 0 counts the records whose score is >= thresholds[k].
 */
export interface ScoreSweep {
  thresholds: Float64Array;
  falsePositives: Int32Array;
  truePositives: Int32Array;
  members: number;
  nonMembers: number;
}

/**
 * Computes the ROC curve, one point per distinct score plus the starting point
 * (0, 0) at threshold +Infinity.
 *
 * With `dropIntermediate` (the default) a point is dropped when it lies inside
 * a run of points with equal FPR or equal TPR. Unlike scikit-learn's
 * `roc_curve`, collinear points on a diagonal segment (consecutive tie groups
 * with the same member/non-member mix) are kept, because TPR at a given FPR is
 * read off the points without interpolation and needs each of them.
 */
export function rocCurve(scores: Scores, labels: Membership, options: RocCurveOptions = {}): RocCurve {
  validateScoresAndLabels(scores, labels, 'ROC curve');
  return rocCurveOfSweep(sweepScores(scores, labels), options.dropIntermediate ?? true);
}

/**
 * Computes the area under the ROC curve, with a member and a non-member of
 * equal score counted as half a correctly ordered pair. This equals the
 * Mann-Whitney U statistic divided by (members · non-members).
 */
export function rocAuc(scores: Scores, labels: Membership): number {
  validateScoresAndLabels(scores, labels, 'ROC AUC');
  return aucOfSweep(sweepScores(scores, labels));
}

/**
 * Returns the highest TPR among the thresholds whose FPR is at most `maxFpr`.
 *
 * The TPR is read at the curve's points, without interpolating between them,
 * so it is a rate that some threshold actually achieves. A tie group enters
 * whole: when the highest-scoring group already contains too many
 * non-members, no threshold but +Infinity fits the budget and the result is 0.
 */
export function tprAtFpr(scores: Scores, labels: Membership, maxFpr: number): number {
  validateScoresAndLabels(scores, labels, 'TPR at FPR');
  validateMaxFpr(maxFpr);
  return tprAtFprOfSweep(sweepScores(scores, labels), maxFpr);
}

/**
 * Computes the membership advantage, the max over thresholds of TPR − FPR.
 * It is at least 0 because the threshold +Infinity gives TPR = FPR = 0.
 */
export function membershipAdvantage(scores: Scores, labels: Membership): number {
  validateScoresAndLabels(scores, labels, 'membership advantage');
  return advantageOfSweep(sweepScores(scores, labels));
}

/**
 * Computes every attack metric. A record is predicted member when its score is
 * >= `threshold`. Precision is 0 when no record is predicted member.
 *
 * Raises MiascopeError when the lengths differ, a label is not 0 or 1, a score
 * is not finite or the threshold is NaN. It also raises when the labels
 * contain a single class, because the ROC curve and its area are undefined then.
 */
export function attackMetrics(scores: Scores, labels: Membership, threshold = 0.5): AttackMetrics {
  validateScoresAndLabels(scores, labels);
  if (Number.isNaN(threshold)) {
    throw new MiascopeError('attack metrics: threshold is NaN; pass a number');
  }

  let truePositives = 0;
  let falsePositives = 0;
  for (let i = 0; i < scores.length; i++) {
    if (scores[i] >= threshold) {
      if (labels[i] === 1) truePositives++;
      else falsePositives++;
    }
  }

  const sweep = sweepScores(scores, labels);
  const { members, nonMembers } = sweep;
  const total = members + nonMembers;
  const trueNegatives = nonMembers - falsePositives;
  const recall = truePositives / members;
  const specificity = trueNegatives / nonMembers;
  const predictedMembers = truePositives + falsePositives;
  const memberRate = members / total;
  const auc = aucOfSweep(sweep);
  const tprAtOnePercentFpr = tprAtFprOfSweep(sweep, 0.01);
  const tprAtTenthPercentFpr = tprAtFprOfSweep(sweep, 0.001);
  // TPR at an FPR budget is a count of members divided by `members`, so rounding recovers the count.
  const tprInterval = (tpr: number): ConfidenceInterval => wilsonInterval(Math.round(tpr * members), members);

  return {
    threshold,
    accuracy: (truePositives + trueNegatives) / total,
    balancedAccuracy: (recall + specificity) / 2,
    precision: predictedMembers === 0 ? 0 : truePositives / predictedMembers,
    recall,
    auc,
    advantage: advantageOfSweep(sweep),
    tprAtOnePercentFpr,
    tprAtTenthPercentFpr,
    roc: rocCurveOfSweep(sweep, true),
    members,
    nonMembers,
    memberRate,
    trivialAccuracy: Math.max(memberRate, 1 - memberRate),
    intervals: {
      accuracy: wilsonInterval(truePositives + trueNegatives, total),
      balancedAccuracy: balancedAccuracyInterval(truePositives, members, falsePositives, nonMembers),
      precision: wilsonInterval(truePositives, predictedMembers),
      recall: wilsonInterval(truePositives, members),
      auc: aucInterval(auc, members, nonMembers),
      tprAtOnePercentFpr: tprInterval(tprAtOnePercentFpr),
      tprAtTenthPercentFpr: tprInterval(tprAtTenthPercentFpr),
    },
    histogram: scoreHistogram(scores, labels),
  };
}

/**
 * Raises MiascopeError unless scores and labels have equal length, every label
 * is 0 or 1, every score is finite, and both classes occur. `context` starts
 * the message.
 */
export function validateScoresAndLabels(scores: Scores, labels: Membership, context = 'attack metrics'): void {
  if (scores.length !== labels.length) {
    throw new MiascopeError(
      `${context}: ${scores.length} scores but ${labels.length} membership labels; pass one label per score`,
    );
  }

  let members = 0;
  for (let i = 0; i < labels.length; i++) {
    const label = labels[i];
    if (label === 1) members++;
    else if (label !== 0) {
      throw new MiascopeError(`${context}: membership label ${label} at index ${i} is invalid; use 1 (member) or 0 (non-member)`);
    }
  }

  for (let i = 0; i < scores.length; i++) {
    if (!Number.isFinite(scores[i])) {
      throw new MiascopeError(`${context}: score ${scores[i]} at index ${i} is not finite`);
    }
  }

  const nonMembers = labels.length - members;
  if (members === 0 || nonMembers === 0) {
    throw new MiascopeError(
      `${context}: the labels contain ${members} members and ${nonMembers} non-members; ` +
        'ROC and AUC need at least one of each',
    );
  }
}

function validateMaxFpr(maxFpr: number): void {
  if (!(maxFpr >= 0 && maxFpr <= 1)) {
    throw new MiascopeError(`TPR at FPR: maximum FPR ${maxFpr} is invalid; pass a rate in [0, 1]`);
  }
}

/**
 * Sorts the records by descending score and counts members and non-members per
 * distinct score. Expects input that passed `validateScoresAndLabels`.
 */
export function sweepScores(scores: Scores, labels: Membership): ScoreSweep {
  const n = scores.length;
  const order = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  order.sort((a, b) => scores[b] - scores[a]);

  // Room for n distinct scores plus the starting point, trimmed below.
  const thresholds = new Float64Array(n + 1);
  const falsePositives = new Int32Array(n + 1);
  const truePositives = new Int32Array(n + 1);
  thresholds[0] = Number.POSITIVE_INFINITY;

  let points = 1;
  let fp = 0;
  let tp = 0;
  for (let k = 0; k < n; k++) {
    const record = order[k];
    if (labels[record] === 1) tp++;
    else fp++;

    // A point closes a tie group: the next record, if any, has a lower score.
    const score = scores[record];
    if (k === n - 1 || scores[order[k + 1]] !== score) {
      thresholds[points] = score;
      falsePositives[points] = fp;
      truePositives[points] = tp;
      points++;
    }
  }

  return {
    thresholds: thresholds.subarray(0, points),
    falsePositives: falsePositives.subarray(0, points),
    truePositives: truePositives.subarray(0, points),
    members: tp,
    nonMembers: fp,
  };
}

function rocCurveOfSweep(sweep: ScoreSweep, dropIntermediate: boolean): RocCurve {
  const { thresholds, falsePositives, truePositives, members, nonMembers } = sweep;
  const last = thresholds.length - 1;
  const curve: RocCurve = { fpr: [], tpr: [], thresholds: [] };

  for (let k = 0; k <= last; k++) {
    if (dropIntermediate && k > 0 && k < last) {
      // Inside a vertical run the next point has the same FPR and a higher
      // TPR. Inside a horizontal run the previous point has the same TPR and
      // a lower FPR. Either neighbour dominates this point for TPR at FPR and
      // for TPR − FPR, and the trapezoids on both sides merge into one.
      const vertical = falsePositives[k - 1] === falsePositives[k] && falsePositives[k] === falsePositives[k + 1];
      const horizontal = truePositives[k - 1] === truePositives[k] && truePositives[k] === truePositives[k + 1];
      if (vertical || horizontal) continue;
    }
    curve.fpr.push(falsePositives[k] / nonMembers);
    curve.tpr.push(truePositives[k] / members);
    curve.thresholds.push(thresholds[k]);
  }
  return curve;
}

/** Trapezoid rule on integer counts, which is exact for the Mann-Whitney U with ties as half. */
function aucOfSweep(sweep: ScoreSweep): number {
  const { falsePositives, truePositives, members, nonMembers } = sweep;
  // Each tie group adds (its non-members) × (members ranked above it + half
  // its own members) to U. Doubling keeps the sum in integers, exact in
  // float64 while it stays below 2^53.
  let doubledU = 0;
  for (let k = 1; k < falsePositives.length; k++) {
    const groupNonMembers = falsePositives[k] - falsePositives[k - 1];
    doubledU += groupNonMembers * (truePositives[k - 1] + truePositives[k]);
  }
  return doubledU / (2 * members * nonMembers);
}

function tprAtFprOfSweep(sweep: ScoreSweep, maxFpr: number): number {
  const { falsePositives, truePositives, members, nonMembers } = sweep;
  // FPR grows along the sweep, so the last point within the budget has the highest TPR.
  let best = 0;
  for (let k = 0; k < falsePositives.length; k++) {
    if (falsePositives[k] / nonMembers > maxFpr) break;
    best = truePositives[k];
  }
  return best / members;
}

function advantageOfSweep(sweep: ScoreSweep): number {
  const { falsePositives, truePositives, members, nonMembers } = sweep;
  let best = 0;
  for (let k = 0; k < falsePositives.length; k++) {
    const gap = truePositives[k] / members - falsePositives[k] / nonMembers;
    if (gap > best) best = gap;
  }
  return best;
}

/**
 * A subset of an ROC curve's points small enough to store with every result
 * (at most about 600): for each FPR on a grid of 200 log-spaced values from
 * 1e-5 to 1 and 101 evenly spaced ones, the last point at or below it and the
 * first point above it, plus both end points. Every kept point is a point of
 * the full curve, so a plot of the subset on linear or log axes shows the same
 * steps at the resolution of the grid. Metrics are computed on the full curve.
 */
export function sampleRocCurve(curve: RocCurve): RocCurve {
  const { fpr } = curve;
  const grid: number[] = [];
  for (let i = 0; i < 200; i++) grid.push(10 ** (-5 + (5 * i) / 199));
  for (let i = 0; i <= 100; i++) grid.push(i / 100);
  grid.sort((a, b) => a - b);

  const keep = new Set<number>([0, fpr.length - 1]);
  let index = 0;
  for (const value of grid) {
    while (index + 1 < fpr.length && fpr[index + 1] <= value) index++;
    keep.add(index);
    if (index + 1 < fpr.length) keep.add(index + 1);
  }
  const kept = [...keep].sort((a, b) => a - b);
  return {
    fpr: kept.map((i) => curve.fpr[i]),
    tpr: kept.map((i) => curve.tpr[i]),
    thresholds: kept.map((i) => curve.thresholds[i]),
  };
}
