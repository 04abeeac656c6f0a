import type { Activation } from './backend/backend.ts';
import type { TapeEntry } from './tensor.ts';
import { Tensor } from './tensor.ts';
import * as ops from './ops.ts';

/**
 * Gradient rules, one per op name. A rule receives the upstream gradient `dy`
 * (shaped like the op's output `y`), the tape entry and which inputs need a
 * gradient, and returns one gradient per input (null where not needed). A
 * gradient may keep the output's broadcast shape: the walker in autograd.ts
 * sums it back to the input's shape.
 */
export type GradientRule = (dy: Tensor, entry: TapeEntry, y: Tensor, needed: boolean[]) => Array<Tensor | null>;

function activationGrad(activation: Activation, y: Tensor, dy: Tensor): Tensor {
  return new Tensor(y.backend.activationGrad(activation, y.storage, dy.storage), y.shape, y.backend);
}

/** dy broadcast back to the shape a reduction removed. */
function expandTo(dy: Tensor, keep: number[], shape: readonly number[]): Tensor {
  return new Tensor(dy.backend.expand(dy.storage, keep, shape), shape, dy.backend);
}

export const gradientRules: Record<string, GradientRule> = {
  add: (dy) => [dy, dy],
  sub: (dy, _, __, needed) => [dy, needed[1] ? ops.neg(dy) : null],
  mul: (dy, { inputs: [a, b] }, _, needed) => [needed[0] ? ops.mul(dy, b) : null, needed[1] ? ops.mul(dy, a) : null],
  div: (dy, { inputs: [a, b] }, y, needed) => [
    needed[0] ? ops.div(dy, b) : null,
    needed[1] ? ops.neg(ops.div(ops.mul(dy, y), b)) : null,
  ],

  neg: (dy) => [ops.neg(dy)],
  exp: (dy, _, y) => [ops.mul(dy, y)],
  log: (dy, { inputs: [x] }) => [ops.div(dy, x)],
  abs: (dy, { inputs: [x] }) => [ops.mul(dy, new Tensor(x.backend.unary('sign', x.storage), x.shape, x.backend))],
  square: (dy, { inputs: [x] }) => [ops.mul(dy, ops.scale(x, 2))],
  relu: (dy, _, y) => [activationGrad('relu', y, dy)],
  sigmoid: (dy, _, y) => [activationGrad('sigmoid', y, dy)],
  tanh: (dy, _, y) => [activationGrad('tanh', y, dy)],
  scale: (dy, { saved }) => [ops.scale(dy, saved.factor as number)],
  reshape: (dy, { inputs: [x] }) => [new Tensor(dy.storage, x.shape, dy.backend)],

  sum: (dy, { inputs: [x], saved }) => [expandTo(dy, saved.keep as number[], x.shape)],
  mean: (dy, { inputs: [x], saved }) => [ops.scale(expandTo(dy, saved.keep as number[], x.shape), 1 / (saved.count as number))],

  // C = op(A)·op(B). Each case follows from dC = dA·B + A·dB with the transposes carried through.
  matmul: (dy, { inputs: [a, b], saved }, _, needed) => {
    const transA = saved.transA as boolean;
    const transB = saved.transB as boolean;
    let da: Tensor | null = null;
    let db: Tensor | null = null;
    if (!transA && !transB) {
      if (needed[0]) da = ops.matmul(dy, b, { transB: true });
      if (needed[1]) db = ops.matmul(a, dy, { transA: true });
    } else if (!transA && transB) {
      if (needed[0]) da = ops.matmul(dy, b);
      if (needed[1]) db = ops.matmul(dy, a, { transA: true });
    } else if (transA && !transB) {
      if (needed[0]) da = ops.matmul(b, dy, { transB: true });
      if (needed[1]) db = ops.matmul(a, dy);
    } else {
      if (needed[0]) da = ops.matmul(b, dy, { transA: true, transB: true });
      if (needed[1]) db = ops.matmul(dy, a, { transA: true, transB: true });
    }
    return [da, db];
  },

  // y = softmax(x): dx = y ⊙ (dy − Σ_j dy_j y_j), row-wise.
  softmax: (dy, _, y) => {
    const rowDot = ops.sum(ops.mul(dy, y), -1, true);
    return [ops.mul(y, ops.sub(dy, rowDot))];
  },
  // y = log softmax(x): dx = dy − softmax(x) · Σ_j dy_j, row-wise.
  logSoftmax: (dy, _, y) => [ops.sub(dy, ops.mul(ops.exp(y), ops.sum(dy, -1, true)))],

  softmaxCrossEntropy: (dy, { inputs: [logits], saved }) => {
    const [rows, cols] = logits.shape;
    const probs = saved.probs as Tensor['storage'];
    const storage = logits.backend.softmaxCrossEntropyGrad(probs, saved.labels as Int32Array, rows, cols, dy.storage);
    return [new Tensor(storage, logits.shape, logits.backend)];
  },

  // y = act(x·W + b): dz = dy ⊙ act'(z); dx = dz·Wᵀ; dW = xᵀ·dz; db = Σ_rows dz.
  dense: (dy, { inputs: [x, w], saved }, y, needed) => {
    const dz = activationGrad(saved.activation as Activation, y, dy);
    return [
      needed[0] ? ops.matmul(dz, w, { transB: true }) : null,
      needed[1] ? ops.matmul(x, dz, { transA: true }) : null,
      needed[2] ? ops.sum(dz, 0) : null,
    ];
  },
};
