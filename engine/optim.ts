import type { Storage } from './backend/backend.ts';
import type { Tensor } from './tensor.ts';

/** Common optimiser contract: `step()` reads each parameter's `grad`, `zeroGrad()` clears them. */
export interface Optimizer {
  step(): void;
  zeroGrad(): void;
}

function requireGrad(optimizer: string, parameter: Tensor, index: number): Tensor {
  if (parameter.grad === null) {
    throw new Error(`${optimizer}.step: parameter ${index} (shape [${parameter.shape.join(', ')}]) has no gradient; call backward() first`);
  }
  return parameter.grad;
}

export interface SgdOptions {
  learningRate: number;
  momentum?: number;
  /** Nesterov's accelerated gradient instead of classical momentum. Default false. */
  nesterov?: boolean;
  /** Decoupled-from-loss L2 added to the gradient: g + weightDecay · θ. Default 0. */
  weightDecay?: number;
}

/** Stochastic gradient descent with optional (Nesterov) momentum, updated in place on the parameters' backend. */
export class SGD implements Optimizer {
  private readonly velocities: Storage[];

  constructor(
    readonly parameters: Tensor[],
    readonly options: SgdOptions,
  ) {
    this.velocities = parameters.map((p) => p.backend.zeros(p.size));
  }

  step(): void {
    const update = {
      learningRate: this.options.learningRate,
      momentum: this.options.momentum ?? 0,
      nesterov: this.options.nesterov ?? false,
      weightDecay: this.options.weightDecay ?? 0,
    };
    this.parameters.forEach((p, i) => {
      p.backend.sgdUpdate(p.storage, requireGrad('SGD', p, i).storage, this.velocities[i], update);
    });
  }

  zeroGrad(): void {
    for (const p of this.parameters) p.grad = null;
  }
}

export interface AdamOptions {
  learningRate?: number;
  beta1?: number;
  beta2?: number;
  epsilon?: number;
  weightDecay?: number;
}

/**
 * Adam with bias correction (Kingma and Ba, "Adam: A Method for Stochastic
 * Optimization", 2015). Defaults: learning rate 0.001, β1 0.9, β2 0.999, ε 1e-8.
 */
export class Adam implements Optimizer {
  private readonly firstMoments: Storage[];
  private readonly secondMoments: Storage[];
  private stepCount = 0;

  constructor(
    readonly parameters: Tensor[],
    readonly options: AdamOptions = {},
  ) {
    this.firstMoments = parameters.map((p) => p.backend.zeros(p.size));
    this.secondMoments = parameters.map((p) => p.backend.zeros(p.size));
  }

  step(): void {
    this.stepCount++;
    const update = {
      learningRate: this.options.learningRate ?? 0.001,
      beta1: this.options.beta1 ?? 0.9,
      beta2: this.options.beta2 ?? 0.999,
      epsilon: this.options.epsilon ?? 1e-8,
      step: this.stepCount,
      weightDecay: this.options.weightDecay ?? 0,
    };
    this.parameters.forEach((p, i) => {
      p.backend.adamUpdate(p.storage, requireGrad('Adam', p, i).storage, this.firstMoments[i], this.secondMoments[i], update);
    });
  }

  zeroGrad(): void {
    for (const p of this.parameters) p.grad = null;
  }
}
