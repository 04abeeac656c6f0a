import { mul } from '../../engine/ops.ts';
import { l1Penalty, l2Penalty } from '../../engine/nn/penalties.ts';
import type { Tensor } from '../../engine/tensor.ts';
import type { Regularizer } from './options.ts';

/**
 * Builds the penalty term added to the mean cross-entropy, over the weights of
 * every dense layer: λ·Σ_j|θ_j| (L1), λ·Σ_j θ_j² (L2), or λ·Σ_j|θ_j·r| for a
 * property regulariser (Algorithm 1 of Tonni et al., "Data and Model
 * Dependencies of Membership Inference Attack", 2020). A number r is a
 * constant, so the gradient of the term is λ·r·sign(θ) (`paper` variant). A
 * tensor r that depends on the weights adds its own gradient
 * λ·Σ_j|θ_j|·∇r (`smooth` variant). Since r ≥ 0, |θ_j·r| = r·|θ_j|.
 * Returns null when the term is zero: no regulariser, λ = 0, or an r that
 * the draws left undefined.
 *
 * NOTE: the paper prints the term as "Σ_j |θ × e r|", which its text layout
 * leaves ambiguous. This function reads it as the product θ_j·r.
 */
export function penaltyTerm(regularizer: Regularizer, weights: Tensor[], lambda: number, r: number | Tensor | null): Tensor | null {
  if (regularizer === 'none' || lambda === 0) return null;
  if (regularizer === 'l1') return l1Penalty(weights, lambda);
  if (regularizer === 'l2') return l2Penalty(weights, lambda);
  if (r === null) return null;
  if (typeof r === 'number') return Number.isFinite(r) && r > 0 ? l1Penalty(weights, lambda * r) : null;
  return mul(r, l1Penalty(weights, lambda));
}

/**
 * Computes "Max diff" of Table 5 of Tonni et al.: the largest decrease of the
 * property during training, max over epochs i < j of history[i] − history[j],
 * never below 0. NaN entries (a draw with an empty group) are skipped. Returns
 * NaN when fewer than two values are finite.
 */
export function maxDecrease(history: readonly number[]): number {
  let highest = -Infinity;
  let largest = 0;
  let finite = 0;
  for (const value of history) {
    if (!Number.isFinite(value)) continue;
    finite++;
    if (value > highest) highest = value;
    largest = Math.max(largest, highest - value);
  }
  return finite < 2 ? NaN : largest;
}
