import { abs, add, scale, square, sum } from '../ops.ts';
import type { Tensor } from '../tensor.ts';

function penalty(weights: Tensor[], lambda: number, elementwise: (w: Tensor) => Tensor): Tensor {
  if (weights.length === 0) throw new RangeError('penalty: needs at least one weight tensor');
  let total = sum(elementwise(weights[0]));
  for (let i = 1; i < weights.length; i++) total = add(total, sum(elementwise(weights[i])));
  return scale(total, lambda);
}

/** L1 penalty λ · Σ|w| over all given weight tensors. */
export function l1Penalty(weights: Tensor[], lambda: number): Tensor {
  return penalty(weights, lambda, abs);
}

/** L2 penalty λ · Σ w² over all given weight tensors (no ½ factor). */
export function l2Penalty(weights: Tensor[], lambda: number): Tensor {
  return penalty(weights, lambda, square);
}
