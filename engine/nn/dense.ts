import type { Activation } from '../backend/backend.ts';
import { dense } from '../ops.ts';
import type { Rng } from '../rng.ts';
import { zeros, type Tensor, type TensorOptions } from '../tensor.ts';
import { initWeights, type Initializer } from './init.ts';

/** A fully connected layer y = activation(x · W + b), W: [inFeatures × outFeatures]. */
export class Dense {
  constructor(
    readonly weight: Tensor,
    readonly bias: Tensor,
    readonly activation: Activation,
  ) {}

  static create(
    inFeatures: number,
    outFeatures: number,
    activation: Activation,
    initializer: Initializer,
    rng: Rng,
    options: TensorOptions = {},
  ): Dense {
    const weight = initWeights(initializer, inFeatures, outFeatures, rng, options);
    const bias = zeros([outFeatures], { ...options, requiresGrad: true });
    return new Dense(weight, bias, activation);
  }

  forward(x: Tensor): Tensor {
    return dense(x, this.weight, this.bias, this.activation);
  }

  parameters(): Tensor[] {
    return [this.weight, this.bias];
  }
}
