/**
 * Differentiable forms of the property regularisers: each property is
 * computed from predicted probabilities instead of predicted labels, with
 * engine ops only, so that backpropagation carries its gradient to the
 * weights on any backend. Each soft value becomes the property function's
 * value when every probability is 0 or 1.
 *
 * Every form is a product of a constant selection matrix (built on the host
 * from the draw's groups, labels or pairs) with the probabilities P, [m ×
 * nClasses] for the m drawn records, followed by elementwise ops and sums.
 */

import { abs, add, log, matmul, mean, mul, scale, sub, sum } from '../../engine/ops.ts';
import type { Rng } from '../../engine/rng.ts';
import { tensor, type Tensor } from '../../engine/tensor.ts';
import { recordDistance } from '../properties/fairness.ts';
import { entropyBits } from '../properties/information.ts';
import { drawGroups, type PropertyContext } from './training-records.ts';

/** Added inside logarithms so that an empty cell of the joint distribution keeps a finite gradient. */
const LOG_EPSILON = 1e-12;

/**
 * Computes the soft property of the draw `rows` (training-record indices)
 * from the probabilities on them, as a scalar tensor on the probabilities'
 * backend. Returns null when the draw leaves the property undefined, as with
 * an empty group.
 */
export function softPropertyOnDraw(context: PropertyContext, rows: Int32Array, probabilities: Tensor, rng: Rng): Tensor | null {
  switch (context.property) {
    case 'group-fairness':
      return softGroupFairness(drawGroups(context, rows), probabilities);
    case 'predictive-fairness':
      return softEqualOpportunity(
        drawGroups(context, rows),
        Int32Array.from(rows, (row) => context.y[row]),
        probabilities,
      );
    case 'individual-fairness':
      return softIndividualFairness(context, rows, probabilities, rng);
    case 'mutual-information':
      return softPredictiveInformation(context, rows, probabilities);
  }
}

function constant(values: Float32Array, shape: number[], like: Tensor): Tensor {
  return tensor(values, shape, { backend: like.backend });
}

/**
 * Soft δ_g = (1/n) Σ_c |mean_{g0} p_c − mean_{g1} p_c|: the gap in mean
 * predicted probability of each class between the groups. The row vector
 * v_i = [i ∈ g0]/|g0| − [i ∈ g1]/|g1| gives both gaps as v · P.
 */
export function softGroupFairness(groups: Uint8Array, probabilities: Tensor): Tensor | null {
  const m = groups.length;
  const inG1 = groups.reduce((total, bit) => total + bit, 0);
  if (inG1 === 0 || inG1 === m) return null;
  const v = Float32Array.from(groups, (bit) => (bit === 1 ? -1 / inG1 : 1 / (m - inG1)));
  return mean(abs(matmul(constant(v, [1, m], probabilities), probabilities)));
}

/**
 * Soft δ_p = mean over classes c of |mean_{y=c, g0} p_c − mean_{y=c, g1} p_c|,
 * the gap in soft true-positive rate. Row c of V selects the records of
 * class c as in `softGroupFairness`, so (V · P)_cc is class c's gap. A
 * class missing from either group in the draw is left out of the mean.
 */
export function softEqualOpportunity(groups: Uint8Array, labels: Int32Array, probabilities: Tensor): Tensor | null {
  const m = groups.length;
  const nClasses = probabilities.shape[1];
  const selection = new Float32Array(nClasses * m);
  const diagonal = new Float32Array(nClasses * nClasses);
  let defined = 0;
  for (let c = 0; c < nClasses; c++) {
    const counts = [0, 0];
    for (let i = 0; i < m; i++) if (labels[i] === c) counts[groups[i]]++;
    if (counts[0] === 0 || counts[1] === 0) continue;
    for (let i = 0; i < m; i++) {
      if (labels[i] === c) selection[c * m + i] = groups[i] === 1 ? -1 / counts[1] : 1 / counts[0];
    }
    diagonal[c * nClasses + c] = 1;
    defined++;
  }
  if (defined === 0) return null;
  const gaps = mul(matmul(constant(selection, [nClasses, m], probabilities), probabilities), constant(diagonal, [nClasses, nClasses], probabilities));
  return scale(sum(abs(gaps)), 1 / defined);
}

/**
 * Soft δ_i = mean over pairs (a, b) of |TV(p_a, p_b) − d(x_a, x_b)|, with d the
 * range-normalised record distance of `recordDistance`, over m pairs: each
 * drawn record a with one other record b of the draw, chosen at random. Row
 * a of D has +1 at a and −1 at b, so row a of D · P is p_a − p_b.
 */
export function softIndividualFairness(context: PropertyContext, rows: Int32Array, probabilities: Tensor, rng: Rng): Tensor | null {
  const m = rows.length;
  if (m < 2) return null;
  const distance = recordDistance(context.features, rows);
  const differences = new Float32Array(m * m);
  const distances = new Float32Array(m);
  for (let a = 0; a < m; a++) {
    // Drawing b from the other m − 1 records keeps every ordered pair equally likely.
    let b = rng.int(m - 1);
    if (b >= a) b++;
    differences[a * m + a] = 1;
    differences[a * m + b] = -1;
    distances[a] = distance(rows[a], rows[b]);
  }
  const totalVariation = scale(sum(abs(matmul(constant(differences, [m, m], probabilities), probabilities)), 1), 0.5);
  return mean(abs(sub(totalVariation, constant(distances, [m], probabilities))));
}

/**
 * Soft I_X in bits, the predictive estimator with the predicted label
 * replaced by the probability vector: per feature a_j,
 * I(a_j; ŷ) = H(a_j) + H(ŷ) − H(a_j, ŷ), with P(a_j = v, ŷ = c) the mean of
 * [a_ij = v]·p_ic over the draw, then averaged over the n features. The
 * indicator rows of every feature's levels stack into one matrix A, so
 * A · P contains every joint distribution at once. H(a_j) does not depend on the
 * model and enters as a constant.
 */
export function softPredictiveInformation(context: PropertyContext, rows: Int32Array, probabilities: Tensor): Tensor | null {
  const columns = context.discrete!.columns;
  const m = rows.length;
  if (columns.length === 0 || m === 0) return null;
  const totalLevels = columns.reduce((total, column) => total + column.levels, 0);
  const indicators = new Float32Array(totalLevels * m);
  let offset = 0;
  let featureEntropyBits = 0;
  for (const column of columns) {
    for (let i = 0; i < m; i++) indicators[(offset + column.codes[rows[i]]) * m + i] = 1 / m;
    featureEntropyBits += entropyBits(column.codes, column.levels, rows);
    offset += column.levels;
  }
  const n = columns.length;
  const epsilon = constant(Float32Array.of(LOG_EPSILON), [], probabilities);

  // Σ_j Σ_{v,c} J log J = −Σ_j H(a_j, ŷ), in nats.
  const joint = matmul(constant(indicators, [totalLevels, m], probabilities), probabilities);
  const negativeJointEntropy = sum(mul(joint, log(add(joint, epsilon))));
  // H(ŷ) of the mean probabilities, in nats.
  const marginal = mean(probabilities, 0);
  const labelEntropy = scale(sum(mul(marginal, log(add(marginal, epsilon)))), -1);

  const nats = add(labelEntropy, scale(negativeJointEntropy, 1 / n));
  const constantBits = constant(Float32Array.of(featureEntropyBits / n), [], probabilities);
  return add(scale(nats, 1 / Math.LN2), constantBits);
}
