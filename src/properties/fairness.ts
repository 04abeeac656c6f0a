/**
 * Fairness of a classifier's predictions towards groups g0 and g1 of a
 * protected attribute, after Tonni et al., "Data and Model Dependencies of
 * Membership Inference Attack" (2020), eqs. 8, 10 and 13. Every function
 * takes plain arrays: `predicted` and `actual` are class indices 0 … nClasses−1
 * and `groups` is 1 for a record in g1, 0 for g0, all indexed alike.
 * A value is NaN when a probability it needs conditions on no records.
 */

import type { Labels, Matrix } from '../../engine/matrix.ts';
import type { Rng } from '../../engine/rng.ts';
import type { Table } from '../data/table.ts';
import { MiascopeError } from '../errors.ts';

/** Number of record pairs δ_i samples when none is given. */
export const DEFAULT_FAIRNESS_PAIRS = 10_000;

function checkLengths(name: string, groups: Uint8Array, ...arrays: ArrayLike<number>[]): void {
  for (const array of arrays) {
    if (array.length !== groups.length) {
      throw new RangeError(`${name}: ${array.length} labels for ${groups.length} group memberships`);
    }
  }
}

/** P[a = y' | cond] for each group, as counts[group][y'] / totals[group]. */
function shareByGroup(values: Labels, groups: Uint8Array, nClasses: number, keep: (i: number) => boolean): number[][] {
  const counts = [new Float64Array(nClasses), new Float64Array(nClasses)];
  const totals = [0, 0];
  for (let i = 0; i < values.length; i++) {
    if (!keep(i)) continue;
    counts[groups[i]][values[i]]++;
    totals[groups[i]]++;
  }
  return counts.map((row, g) => Array.from(row, (count) => count / totals[g]));
}

/**
 * Computes the group (demographic parity) fairness deviation
 * δ_g = (1/n) Σ_y' |P[ŷ = y' | g0] − P[ŷ = y' | g1]| over the n classes.
 */
export function groupFairness(predicted: Labels, groups: Uint8Array, nClasses = 2): number {
  checkLengths('groupFairness', groups, predicted);
  const share = shareByGroup(predicted, groups, nClasses, () => true);
  let sum = 0;
  for (let c = 0; c < nClasses; c++) sum += Math.abs(share[0][c] - share[1][c]);
  return sum / nClasses;
}

/**
 * Computes the predictive (equal opportunity) fairness deviation
 * δ_p = (1/n) Σ_y' |P[ŷ = y' | y = y', g0] − P[ŷ = y' | y = y', g1]|,
 * the gap in per-class recall between the groups.
 */
export function equalOpportunityFairness(predicted: Labels, actual: Labels, groups: Uint8Array, nClasses = 2): number {
  checkLengths('equalOpportunityFairness', groups, predicted, actual);
  return meanPerClassGap(predicted, actual, groups, nClasses);
}

/**
 * Computes the precision gap
 * (1/n) Σ_y' |P[y = y' | ŷ = y', g0] − P[y = y' | ŷ = y', g1]|, the form of
 * δ_p in the `paper` protocol ("difference of precision between the groups";
 * the mean over classes mirrors eq. 10).
 */
export function precisionFairness(predicted: Labels, actual: Labels, groups: Uint8Array, nClasses = 2): number {
  checkLengths('precisionFairness', groups, predicted, actual);
  return meanPerClassGap(actual, predicted, groups, nClasses);
}

/** (1/n) Σ_c |P[a = c | b = c, g0] − P[a = c | b = c, g1]|. */
function meanPerClassGap(a: Labels, b: Labels, groups: Uint8Array, nClasses: number): number {
  let sum = 0;
  for (let c = 0; c < nClasses; c++) {
    const share = shareByGroup(a, groups, nClasses, (i) => b[i] === c);
    sum += Math.abs(share[0][c] - share[1][c]);
  }
  return sum / nClasses;
}

/**
 * Range-normalised distance between records of a feature table, in [0, 1]:
 * the mean over columns of |a − b| / (max − min) for numeric columns and of
 * 0 (equal) or 1 (different) for categorical ones. Ranges come from `rows`,
 * the records being compared; a constant column adds 0.
 */
export function recordDistance(features: Table, rows: ArrayLike<number>): (i: number, j: number) => number {
  const scales = features.columns.map((column) => {
    if (column.kind === 'categorical') return 0;
    let min = Infinity;
    let max = -Infinity;
    for (let r = 0; r < rows.length; r++) {
      const value = column.values[rows[r]];
      if (value < min) min = value;
      if (value > max) max = value;
    }
    return max > min ? 1 / (max - min) : 0;
  });
  const nColumns = features.columns.length;
  return (i, j) => {
    let sum = 0;
    for (let c = 0; c < nColumns; c++) {
      const column = features.columns[c];
      if (column.kind === 'categorical') sum += column.codes[i] === column.codes[j] ? 0 : 1;
      else sum += Math.abs(column.values[i] - column.values[j]) * scales[c];
    }
    return sum / nColumns;
  };
}

/** Total-variation distance ½ Σ_c |p_ic − p_jc| between rows i and j of a probability matrix. */
function totalVariation(probabilities: Matrix, i: number, j: number): number {
  const { cols, data } = probabilities;
  let sum = 0;
  for (let c = 0; c < cols; c++) sum += Math.abs(data[i * cols + c] - data[j * cols + c]);
  return sum / 2;
}

export interface IndividualFairnessOptions {
  /** Pairs to average over. Default 10,000; when the records form no more pairs than this, every pair is used once. */
  pairs?: number;
  /** Draws the sampled pairs; required unless every pair is used. */
  rng?: Rng;
}

/** Individual fairness deviation and the number of pairs it averaged. */
export interface IndividualFairness {
  value: number;
  pairs: number;
  /** Whether every pair of records was used instead of a sample. */
  exhaustive: boolean;
}

/**
 * Computes the individual fairness deviation
 * δ_i = mean over pairs (i, j) of |TV(f(x_i), f(x_j)) − d(x_i, x_j)|, with TV
 * the total-variation distance between the two rows of `probabilities` and d
 * the range-normalised record distance of `recordDistance`. Row r of
 * `probabilities` belongs to table row `rows[r]`. The paper's eq. 13 sums
 * over all pairs; the mean over sampled pairs keeps values comparable across
 * sizes.
 */
export function individualFairness(
  probabilities: Matrix,
  features: Table,
  rows: ArrayLike<number>,
  options: IndividualFairnessOptions = {},
): IndividualFairness {
  const n = rows.length;
  if (probabilities.rows !== n) {
    throw new RangeError(`individualFairness: ${probabilities.rows} probability rows for ${n} records`);
  }
  const requested = options.pairs ?? DEFAULT_FAIRNESS_PAIRS;
  if (!Number.isInteger(requested) || requested < 1) {
    throw new MiascopeError(`individual fairness pairs ${requested} is invalid; give a whole number ≥ 1`);
  }
  if (n < 2) return { value: NaN, pairs: 0, exhaustive: true };

  const distance = recordDistance(features, rows);
  const deviation = (a: number, b: number) => Math.abs(totalVariation(probabilities, a, b) - distance(rows[a], rows[b]));
  const allPairs = (n * (n - 1)) / 2;
  let sum = 0;
  if (allPairs <= requested) {
    for (let a = 0; a < n; a++) for (let b = a + 1; b < n; b++) sum += deviation(a, b);
    return { value: sum / allPairs, pairs: allPairs, exhaustive: true };
  }

  if (options.rng === undefined) throw new RangeError('individualFairness: sampling pairs needs an rng');
  for (let k = 0; k < requested; k++) {
    const a = options.rng.int(n);
    // Drawing b from the other n − 1 records keeps every ordered pair equally likely.
    let b = options.rng.int(n - 1);
    if (b >= a) b++;
    sum += deviation(a, b);
  }
  return { value: sum / requested, pairs: requested, exhaustive: false };
}

/**
 * Computes δ_i as the `paper` protocol defines it, from group shares and
 * predictions: | |P(g1) − P(g0)| − |max_y P[ŷ = y | g1] − max_y P[ŷ = y | g0]| |.
 */
export function paperIndividualFairness(predicted: Labels, groups: Uint8Array, nClasses = 2): number {
  checkLengths('paperIndividualFairness', groups, predicted);
  const inG1 = groups.reduce((sum, bit) => sum + bit, 0);
  const shareGap = Math.abs(inG1 / groups.length - (groups.length - inG1) / groups.length);
  const share = shareByGroup(predicted, groups, nClasses, () => true);
  const predictionGap = Math.abs(Math.max(...share[1]) - Math.max(...share[0]));
  return Math.abs(shareGap - predictionGap);
}
