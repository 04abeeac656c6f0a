/**
 * Estimators of I_X, the information a trained model retains about its training
 * records (Tonni et al., "Data and Model Dependencies of Membership Inference
 * Attack", 2020, eqs. 3-4), which the paper leaves open:
 * - `predictive`: mean over features of I(a_j; ŷ) on the training records;
 * - `membership`: per record, I(m_i; loss) over models retrained on halves of
 *   a pool, averaged over records;
 * - `kraskov` (the `paper` protocol): per record, a k-nearest-neighbour
 *   estimate between the record and the first layer's weights.
 */

import type { Labels, Matrix } from '../../engine/matrix.ts';
import type { Rng } from '../../engine/rng.ts';
import type { Classifier } from '../models/classifier.ts';
import { MiascopeError } from '../errors.ts';
import { DEFAULT_BINS, discretize, type DiscreteTable } from './discretize.ts';
import { mutualInformationBits } from './information.ts';
import { KRASKOV_NEIGHBOURS, meanKraskovMutualInformation } from './kraskov.ts';

/**
 * Computes the `predictive` I_X in bits: (1/n) Σ_j I(a_j; ŷ) over the n
 * columns of `discrete`, on the table rows `rows` (the training records), with
 * `predicted[r]` the model's label for row `rows[r]`. It lies in
 * [0, min(H_D, H(ŷ))].
 */
export function predictiveInformation(discrete: DiscreteTable, rows: ArrayLike<number>, predicted: Labels, nClasses = 2): number {
  if (predicted.length !== rows.length) {
    throw new RangeError(`predictiveInformation: ${predicted.length} predictions for ${rows.length} rows`);
  }
  if (discrete.columns.length === 0 || rows.length === 0) return NaN;
  let sum = 0;
  for (const column of discrete.columns) {
    const codes = Int32Array.from(rows, (row) => column.codes[row]);
    sum += mutualInformationBits(codes, column.levels, predicted, nClasses);
  }
  return sum / discrete.columns.length;
}

/**
 * Draws `repeats` (even, ≥ 2) training sets over a pool of `poolSize`
 * records, in complementary pairs: one random half, then the rest. Each record
 * is thus a member of exactly repeats / 2 models, so H(m_i) = 1 bit for every
 * record. With an odd pool size the extra record joins the second half.
 */
export function membershipSplits(poolSize: number, repeats: number, rng: Rng): Int32Array[] {
  if (!Number.isInteger(repeats) || repeats < 2 || repeats % 2 !== 0) {
    throw new MiascopeError(`membership I_X repeats ${repeats} is invalid; give an even whole number ≥ 2 of retrained models`);
  }
  if (!Number.isInteger(poolSize) || poolSize < 4) {
    throw new MiascopeError(`membership I_X pool of ${poolSize} records is too small; give at least 4`);
  }
  const splits: Int32Array[] = [];
  const half = Math.floor(poolSize / 2);
  for (let pair = 0; pair < repeats / 2; pair++) {
    const order = rng.permutation(poolSize);
    splits.push(order.slice(0, half).sort(), order.slice(half).sort());
  }
  return splits;
}

/** Cross-entropy loss −ln p(y_i | x_i) of each row, with p clamped at 1e-12 so a certain mistake stays finite. */
export function crossEntropyLosses(probabilities: Matrix, y: Labels): Float64Array {
  return Float64Array.from(y, (label, i) => -Math.log(Math.max(probabilities.get(i, label), 1e-12)));
}

/**
 * Computes the `membership` I_X in bits from R retrained models:
 * `losses[r][i]` is model r's loss on pool record i and `splits[r]` lists the
 * records model r was trained on. Losses go into `bins` equal-frequency bins
 * fit on all R × N losses. The result is the mean over records of the
 * plug-in I(m_i; bin) over each record's R observations.
 *
 * NOTE: the plug-in estimate from R samples per record is biased upwards,
 * strongly for small R: a record whose R losses fall in R different bins
 * scores the full 1 bit whatever its membership. Compare values only at
 * equal R and bin count, and against the no-leakage baseline: with
 * `baseline` given, the same estimate with each record's memberships
 * shuffled across its models, averaged over `permutations` shuffles.
 */
export function membershipInformationFromLosses(
  losses: Float64Array[],
  splits: ArrayLike<number>[],
  bins = DEFAULT_BINS,
  baseline?: { permutations: number; rng: Rng },
): number {
  const repeats = losses.length;
  if (splits.length !== repeats || repeats === 0) {
    throw new RangeError(`membershipInformationFromLosses: ${repeats} loss vectors for ${splits.length} splits`);
  }
  const poolSize = losses[0].length;
  const allLosses = new Float64Array(repeats * poolSize);
  losses.forEach((row, r) => allLosses.set(row, r * poolSize));
  const binned = discretize({ rows: allLosses.length, columns: [{ name: 'loss', kind: 'numeric', values: allLosses }] }, { bins }).columns[0];

  const membership = new Int32Array(repeats * poolSize);
  splits.forEach((members, r) => {
    for (let k = 0; k < members.length; k++) membership[r * poolSize + members[k]] = 1;
  });
  if (baseline === undefined) return meanRecordInformation(membership, binned.codes, binned.levels, repeats, poolSize);

  // The no-leakage baseline: each record's membership bits are shuffled across its R models, which keeps
  // its R/2 memberships but cuts any link to its losses, so what remains is the estimator's own bias.
  let total = 0;
  for (let p = 0; p < baseline.permutations; p++) {
    const shuffled = membership.slice();
    const bits = new Int32Array(repeats);
    for (let i = 0; i < poolSize; i++) {
      for (let r = 0; r < repeats; r++) bits[r] = membership[r * poolSize + i];
      baseline.rng.shuffle(bits);
      for (let r = 0; r < repeats; r++) shuffled[r * poolSize + i] = bits[r];
    }
    total += meanRecordInformation(shuffled, binned.codes, binned.levels, repeats, poolSize);
  }
  return total / baseline.permutations;
}

/** Mean over records of the plug-in I(m; loss bin) over each record's R observations (rows r·N + i). */
function meanRecordInformation(membership: Int32Array, codes: Int32Array, levels: number, repeats: number, poolSize: number): number {
  const recordRows = new Int32Array(repeats);
  let sum = 0;
  for (let i = 0; i < poolSize; i++) {
    for (let r = 0; r < repeats; r++) recordRows[r] = r * poolSize + i;
    sum += mutualInformationBits(membership, 2, codes, levels, recordRows);
  }
  return sum / poolSize;
}

export interface MembershipInformationOptions {
  /** Retrained models, even. Default 4. */
  repeats?: number;
  /** Loss bins. Default 10. */
  bins?: number;
  rng: Rng;
}

/**
 * Estimates the `membership` I_X of a training procedure on the pool (x, y):
 * `train(xTrain, yTrain, repeat)` returns a fitted classifier, called once per
 * split of `membershipSplits`. Models train one after another on this thread;
 * `runAudit` runs the same computation on a worker instead.
 */
export async function membershipInformation(
  x: Matrix,
  y: Labels,
  train: (x: Matrix, y: Labels, repeat: number) => Promise<Classifier>,
  options: MembershipInformationOptions,
): Promise<number> {
  const splits = membershipSplits(x.rows, options.repeats ?? 4, options.rng);
  const losses: Float64Array[] = [];
  for (let r = 0; r < splits.length; r++) {
    const model = await train(x.takeRows(splits[r]), Int32Array.from(splits[r], (row) => y[row]), r);
    losses.push(crossEntropyLosses(await model.predictProba(x), y));
  }
  return membershipInformationFromLosses(losses, splits, options.bins);
}

/**
 * Largest first-layer weight of each input feature: max over hidden units h
 * of W[j, h], for a row-major weight matrix W of shape [nFeatures × nHidden].
 */
export function largestFirstLayerWeights(weight: ArrayLike<number>, nFeatures: number, nHidden: number): Float64Array {
  if (weight.length !== nFeatures * nHidden) {
    throw new RangeError(`largestFirstLayerWeights: ${weight.length} weights for shape [${nFeatures}, ${nHidden}]`);
  }
  const largest = new Float64Array(nFeatures).fill(-Infinity);
  for (let j = 0; j < nFeatures; j++) {
    for (let h = 0; h < nHidden; h++) largest[j] = Math.max(largest[j], weight[j * nHidden + h]);
  }
  return largest;
}

/**
 * Computes I_X as the `paper` protocol does, in nats: for each training record
 * x_i (a row of the encoded `x`), the Kraskov estimate (k = 3) between its
 * feature values and `weights`, one value per feature (the largest
 * first-layer weight), taking the features as the paired observations;
 * averaged over records.
 */
export function kraskovInformation(x: Matrix, weights: ArrayLike<number>, rng: Rng, k = KRASKOV_NEIGHBOURS): number {
  if (weights.length !== x.cols) {
    throw new RangeError(`kraskovInformation: ${weights.length} weights for ${x.cols} features`);
  }
  return meanKraskovMutualInformation(x, weights, rng, k);
}
