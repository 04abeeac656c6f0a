/**
 * Metric attacks: membership inference that needs no attack model. Each record
 * gets a score computed from the model's posterior and the record's true
 * label, and a record is predicted member when its score reaches a threshold
 * fit on the attacker's shadow data. The scores follow Song and Mittal,
 * "Systematic Evaluation of Privacy Risks of Machine Learning Models" (2021),
 * signed so that a higher score is more member-like for every kind.
 */

import type { Labels, Matrix } from '../../engine/matrix.ts';
import { MiascopeError } from '../errors.ts';
import {
  attackMetrics,
  sweepScores,
  validateScoresAndLabels,
  type AttackMetrics,
  type Membership,
  type Scores,
} from './metrics.ts';

export const METRIC_ATTACK_KINDS = ['confidence', 'loss', 'entropy', 'modified-entropy'] as const;

/**
 * - `confidence`: posterior of the true class.
 * - `loss`: minus the cross-entropy loss of the true class (natural log).
 * - `entropy`: minus the entropy of the posterior (nats).
 * - `modified-entropy`: minus Song and Mittal's modified entropy (nats).
 */
export type MetricAttackKind = (typeof METRIC_ATTACK_KINDS)[number];

/**
 * Smallest probability passed to a logarithm, so that a posterior of exactly 0
 * or 1 gives a finite score. ln(1e-12) ≈ −27.6 bounds the loss score from
 * below. Song and Mittal's published code uses 1e-30 instead, so only a
 * probability (or, in the modified entropy, its complement) under 1e-12
 * scores differently.
 */
export const PROBABILITY_FLOOR = 1e-12;

/**
 * Largest distance of a posterior row's sum from 1 that validation accepts,
 * wide enough for float32 rounding over many classes.
 */
const ROW_SUM_TOLERANCE = 1e-3;

/** One side of a metric attack: a model's posteriors on some records, their labels and membership. */
export interface MetricAttackData {
  /** One row per record and one column per class. Rows sum to 1. */
  posteriors: Matrix;
  /** True class of each record. */
  labels: Labels;
  /** 1 when the record was in the model's training set, else 0. */
  membership: Membership;
}

/** A threshold chosen on shadow scores and the shadow accuracy it reaches. */
export interface ThresholdFit {
  /** Scores >= threshold are predicted member. */
  threshold: number;
  /** Fraction of shadow records predicted correctly at `threshold`. */
  accuracy: number;
}

export interface MetricAttackResult extends AttackMetrics {
  kind: MetricAttackKind;
  /** Accuracy of the fitted threshold on the shadow data it was fit on. */
  shadowAccuracy: number;
}

/** Returns the posterior of each record's true class. */
export function confidenceScores(posteriors: Matrix, labels: Labels): Float64Array {
  validatePosteriors(posteriors, labels);
  const scores = new Float64Array(posteriors.rows);
  for (let i = 0; i < posteriors.rows; i++) {
    scores[i] = posteriors.get(i, labels[i]);
  }
  return scores;
}

/** Returns ln(p_y) per record, minus the cross-entropy loss, with p_y floored at PROBABILITY_FLOOR. */
export function lossScores(posteriors: Matrix, labels: Labels): Float64Array {
  validatePosteriors(posteriors, labels);
  const scores = new Float64Array(posteriors.rows);
  for (let i = 0; i < posteriors.rows; i++) {
    scores[i] = Math.log(Math.max(posteriors.get(i, labels[i]), PROBABILITY_FLOOR));
  }
  return scores;
}

/**
 * Returns Σ_i p_i ln(p_i) per record, minus the entropy of the posterior in
 * nats, with 0 · ln(0) taken as 0. The true labels are validated but unused.
 */
export function entropyScores(posteriors: Matrix, labels: Labels): Float64Array {
  validatePosteriors(posteriors, labels);
  const scores = new Float64Array(posteriors.rows);
  for (let i = 0; i < posteriors.rows; i++) {
    const row = posteriors.row(i);
    let sum = 0;
    for (let c = 0; c < row.length; c++) {
      const p = row[c];
      if (p > 0) sum += p * Math.log(p);
    }
    scores[i] = sum;
  }
  return scores;
}

/**
 * Returns minus the modified entropy of Song and Mittal, "Systematic
 * Evaluation of Privacy Risks of Machine Learning Models" (2021):
 *
 *   Mentr(p, y) = −(1 − p_y) ln(p_y) − Σ_{i≠y} p_i ln(1 − p_i)
 *
 * Unlike the entropy it falls when the model is confidently wrong, so a
 * confident correct prediction scores high and a confident wrong one low.
 * Each logarithm's argument is floored at PROBABILITY_FLOOR.
 */
export function modifiedEntropyScores(posteriors: Matrix, labels: Labels): Float64Array {
  validatePosteriors(posteriors, labels);
  const scores = new Float64Array(posteriors.rows);
  for (let i = 0; i < posteriors.rows; i++) {
    const row = posteriors.row(i);
    const label = labels[i];
    let score = 0;
    for (let c = 0; c < row.length; c++) {
      const p = row[c];
      if (c === label) score += (1 - p) * Math.log(Math.max(p, PROBABILITY_FLOOR));
      else score += p * Math.log(Math.max(1 - p, PROBABILITY_FLOOR));
    }
    scores[i] = score;
  }
  return scores;
}

/** Computes the membership score of each record for the attack `kind`. */
export function metricAttackScores(kind: MetricAttackKind, posteriors: Matrix, labels: Labels): Float64Array {
  switch (kind) {
    case 'confidence':
      return confidenceScores(posteriors, labels);
    case 'loss':
      return lossScores(posteriors, labels);
    case 'entropy':
      return entropyScores(posteriors, labels);
    case 'modified-entropy':
      return modifiedEntropyScores(posteriors, labels);
    default:
      throw new MiascopeError(
        `metric attack: kind '${String(kind)}' is unknown; use one of ${METRIC_ATTACK_KINDS.join(', ')}`,
      );
  }
}

/**
 * Chooses the threshold that maximises accuracy on the attacker's data, where
 * a record is predicted member when its score is >= the threshold.
 *
 * The candidates split the distinct scores into a predicted-member top and a
 * predicted-non-member bottom:
 * - between two adjacent distinct scores, their midpoint;
 * - to predict every record member, the lowest score;
 * - to predict no record member, the smallest double above the highest score.
 * Among candidates of equal accuracy the highest threshold wins, so the fit
 * predicts as few members as the best accuracy allows and is deterministic.
 *
 * NOTE: Song and Mittal's published code maximises balanced accuracy and fits
 * one threshold per class. Here one threshold maximises plain accuracy, which is the same
 * criterion when the shadow data contains as many members as non-members.
 */
export function fitThreshold(scores: Scores, membership: Membership): ThresholdFit {
  validateScoresAndLabels(scores, membership, 'threshold fit');
  const { thresholds, falsePositives, truePositives, nonMembers } = sweepScores(scores, membership);
  const last = thresholds.length - 1;

  // Point k of the sweep predicts member for every score >= thresholds[k],
  // and point 0 predicts no member. Counting correct predictions in integers
  // keeps the comparison of equal accuracies exact.
  let bestPoint = 0;
  let bestCorrect = nonMembers;
  for (let k = 1; k <= last; k++) {
    const correct = truePositives[k] + nonMembers - falsePositives[k];
    if (correct > bestCorrect) {
      bestCorrect = correct;
      bestPoint = k;
    }
  }

  let threshold: number;
  if (bestPoint === 0) threshold = nextDoubleAbove(thresholds[1]);
  else if (bestPoint === last) threshold = thresholds[last];
  else threshold = midpointAbove(thresholds[bestPoint + 1], thresholds[bestPoint]);

  return { threshold, accuracy: bestCorrect / scores.length };
}

/**
 * Runs a metric attack: fits the threshold on the shadow model's scores, then
 * applies it to the target model's scores and measures the attack there.
 * A validation error names the side (shadow or target) it came from.
 */
export function runMetricAttack(
  kind: MetricAttackKind,
  shadow: MetricAttackData,
  target: MetricAttackData,
): MetricAttackResult {
  const fit = withContext(`${kind} attack, shadow data`, () =>
    fitThreshold(metricAttackScores(kind, shadow.posteriors, shadow.labels), shadow.membership),
  );
  const metrics = withContext(`${kind} attack, target data`, () =>
    attackMetrics(metricAttackScores(kind, target.posteriors, target.labels), target.membership, fit.threshold),
  );
  return { kind, ...metrics, shadowAccuracy: fit.accuracy };
}

/**
 * Raises MiascopeError unless there is one label per posterior row, every
 * label is a column index, and every row is a probability vector: entries in
 * [0, 1] that sum to 1 within ROW_SUM_TOLERANCE.
 */
function validatePosteriors(posteriors: Matrix, labels: Labels): void {
  if (posteriors.rows !== labels.length) {
    throw new MiascopeError(
      `metric attack: ${posteriors.rows} posterior rows but ${labels.length} labels; pass one label per row`,
    );
  }

  const classes = posteriors.cols;
  for (let i = 0; i < posteriors.rows; i++) {
    const label = labels[i];
    if (!(Number.isInteger(label) && label >= 0 && label < classes)) {
      throw new MiascopeError(
        `metric attack: label ${label} of row ${i} is invalid; the posteriors have ${classes} classes, so use 0 to ${classes - 1}`,
      );
    }

    const row = posteriors.row(i);
    let sum = 0;
    for (let c = 0; c < classes; c++) {
      const p = row[c];
      if (!(p >= 0 && p <= 1)) {
        throw new MiascopeError(
          `metric attack: posterior ${p} at row ${i}, class ${c} is not a probability; pass probabilities, not logits`,
        );
      }
      sum += p;
    }
    if (Math.abs(sum - 1) > ROW_SUM_TOLERANCE) {
      throw new MiascopeError(
        `metric attack: posterior row ${i} sums to ${sum}, not 1; pass probabilities, not scores or logits`,
      );
    }
  }
}

/** Returns a threshold t with lower < t <= upper, the midpoint unless rounding puts it on `lower`. */
function midpointAbove(lower: number, upper: number): number {
  const midpoint = lower / 2 + upper / 2;
  return midpoint > lower ? midpoint : upper;
}

/** Returns the smallest double greater than the finite number `x`. */
function nextDoubleAbove(x: number): number {
  if (x === 0) return Number.MIN_VALUE;
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, x);
  const bits = view.getBigUint64(0);
  // A positive double grows with its bit pattern. A negative one, whose sign
  // bit is set, moves toward zero as its magnitude bits shrink.
  view.setBigUint64(0, x > 0 ? bits + 1n : bits - 1n);
  return view.getFloat64(0);
}

/** Runs `compute`, prefixing `context` to the message of a MiascopeError it raises. */
function withContext<T>(context: string, compute: () => T): T {
  try {
    return compute();
  } catch (error) {
    if (error instanceof MiascopeError) throw new MiascopeError(`${context}: ${error.message}`, { cause: error });
    throw error;
  }
}
