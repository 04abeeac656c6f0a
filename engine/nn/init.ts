import type { Rng } from '../rng.ts';
import { tensor, type Tensor, type TensorOptions } from '../tensor.ts';

/**
 * Seeded weight initialisers for a [fanIn × fanOut] weight matrix.
 *
 * He: uniform on ±√(6 / fanIn), variance 2 / fanIn, for ReLU layers
 * (He et al., "Delving Deep into Rectifiers", 2015).
 * Xavier: uniform on ±√(6 / (fanIn + fanOut)), for tanh and sigmoid layers
 * (Glorot and Bengio, "Understanding the difficulty of training deep
 * feedforward neural networks", 2010).
 */
export type Initializer = 'he' | 'xavier';

export function initWeights(kind: Initializer, fanIn: number, fanOut: number, rng: Rng, options: TensorOptions = {}): Tensor {
  const limit = kind === 'he' ? Math.sqrt(6 / fanIn) : Math.sqrt(6 / (fanIn + fanOut));
  const values = new Float32Array(fanIn * fanOut);
  for (let i = 0; i < values.length; i++) values[i] = (2 * rng.uniform() - 1) * limit;
  return tensor(values, [fanIn, fanOut], { requiresGrad: true, ...options });
}
