import type { Activation, AdamUpdate, Backend, BinaryOp, SgdUpdate, Storage, UnaryOp } from '../backend.ts';
import { broadcastStrides, sameShape, sizeOf, stridesOf, type Shape } from '../../shape.ts';
import { rbfKernel, squaredDistances } from './distance.ts';
import { matmul } from './matmul.ts';

/** Storages of this backend are plain Float32Arrays. */
function f32(storage: Storage): Float32Array {
  return storage as Float32Array;
}

const unaryKernels: Record<UnaryOp, (x: number) => number> = {
  neg: (x) => -x,
  exp: Math.exp,
  log: Math.log,
  abs: Math.abs,
  square: (x) => x * x,
  sign: Math.sign,
  relu: (x) => 0.5 * (x + Math.abs(x)),
  sigmoid: (x) => 1 / (1 + Math.exp(-x)),
  tanh: Math.tanh,
};

const binaryKernels: Record<BinaryOp, (a: number, b: number) => number> = {
  add: (a, b) => a + b,
  sub: (a, b) => a - b,
  mul: (a, b) => a * b,
  div: (a, b) => a / b,
};

/** Applies an activation in place; one loop per activation keeps each loop monomorphic. */
function applyActivation(activation: Activation, values: Float32Array): void {
  switch (activation) {
    case 'none':
      return;
    case 'relu':
      // Branch-free: signs that change at random defeat branch prediction, and
      // `x < 0 ? 0 : x` measured five times slower on such data. Exact for every
      // float: x + |x| is 2x or +0, never −0.
      for (let i = 0; i < values.length; i++) {
        const x = values[i];
        values[i] = 0.5 * (x + Math.abs(x));
      }
      return;
    case 'sigmoid':
      for (let i = 0; i < values.length; i++) values[i] = 1 / (1 + Math.exp(-values[i]));
      return;
    case 'tanh':
      for (let i = 0; i < values.length; i++) values[i] = Math.tanh(values[i]);
      return;
  }
}

/**
 * Visits every element of `outShape` in row-major order and calls
 * `visit(outIndex, indexA, indexB)` with the offsets of two operands read
 * through broadcast strides.
 */
function forEachBroadcast(
  outShape: Shape,
  stridesA: number[],
  stridesB: number[],
  visit: (outIndex: number, indexA: number, indexB: number) => void,
): void {
  const rank = outShape.length;
  const size = sizeOf(outShape);
  const counter = new Array<number>(rank).fill(0);
  let indexA = 0;
  let indexB = 0;
  for (let outIndex = 0; outIndex < size; outIndex++) {
    visit(outIndex, indexA, indexB);
    for (let axis = rank - 1; axis >= 0; axis--) {
      counter[axis]++;
      indexA += stridesA[axis];
      indexB += stridesB[axis];
      if (counter[axis] < outShape[axis]) break;
      indexA -= stridesA[axis] * outShape[axis];
      indexB -= stridesB[axis] * outShape[axis];
      counter[axis] = 0;
    }
  }
}

export class CpuBackend implements Backend {
  readonly name = 'cpu' as const;
  readonly hostMemory = true;

  fromArray(values: Float32Array): Storage {
    return Float32Array.from(values);
  }

  zeros(length: number): Storage {
    return new Float32Array(length);
  }

  async read(storage: Storage): Promise<Float32Array> {
    return Float32Array.from(f32(storage));
  }

  readSync(storage: Storage): Float32Array {
    return f32(storage);
  }

  beginScope(): void {}

  endScope(): void {}

  gatherRows(x: Storage, cols: number, indices: Int32Array): Storage {
    const xv = f32(x);
    const out = new Float32Array(indices.length * cols);
    for (let r = 0, to = 0; r < indices.length; r++) {
      const from = indices[r] * cols;
      for (let j = 0; j < cols; j++, to++) out[to] = xv[from + j];
    }
    return out;
  }

  accumulate(total: Storage, x: Storage, factor: number): void {
    const tv = f32(total);
    const xv = f32(x);
    for (let i = 0; i < tv.length; i++) tv[i] += factor * xv[i];
  }

  squaredDistances(a: Storage, b: Storage, m: number, n: number, d: number): Storage {
    return squaredDistances(f32(a), f32(b), m, n, d);
  }

  rbfKernel(a: Storage, b: Storage, m: number, n: number, d: number, gamma: number): Storage {
    return rbfKernel(f32(a), f32(b), m, n, d, gamma);
  }

  matmul(a: Storage, b: Storage, m: number, k: number, n: number, transA: boolean, transB: boolean): Storage {
    return matmul(f32(a), f32(b), m, k, n, transA, transB);
  }

  dense(x: Storage, w: Storage, b: Storage, m: number, k: number, n: number, activation: Activation): Storage {
    const bias = f32(b);
    const out = new Float32Array(m * n);
    for (let i = 0; i < m; i++) out.set(bias, i * n);
    // ReLU is applied as the product is stored; other activations take a pass of their own.
    matmul(f32(x), f32(w), m, k, n, false, false, out, activation === 'relu');
    if (activation !== 'relu') applyActivation(activation, out);
    return out;
  }

  activationGrad(activation: Activation, y: Storage, dy: Storage): Storage {
    // Gradients are never written in place, so the identity can return dy itself.
    if (activation === 'none') return dy;
    const yv = f32(y);
    const dyv = f32(dy);
    const dx = new Float32Array(yv.length);
    switch (activation) {
      case 'relu': {
        // y = relu(z) is +0 or positive, so its bits as an int32 are 0 or positive and
        // (−bits) >>> 31 is the 0/1 mask y > 0 without a branch.
        const bits = new Int32Array(yv.buffer, yv.byteOffset, yv.length);
        for (let i = 0; i < dx.length; i++) dx[i] = dyv[i] * ((-bits[i]) >>> 31);
        break;
      }
      case 'sigmoid':
        for (let i = 0; i < dx.length; i++) dx[i] = dyv[i] * yv[i] * (1 - yv[i]);
        break;
      case 'tanh':
        for (let i = 0; i < dx.length; i++) dx[i] = dyv[i] * (1 - yv[i] * yv[i]);
        break;
    }
    return dx;
  }

  unary(op: UnaryOp, x: Storage): Storage {
    const xv = f32(x);
    if (op === 'relu' || op === 'sigmoid' || op === 'tanh') {
      const out = Float32Array.from(xv);
      applyActivation(op, out);
      return out;
    }
    const out = new Float32Array(xv.length);
    const kernel = unaryKernels[op];
    for (let i = 0; i < xv.length; i++) out[i] = kernel(xv[i]);
    return out;
  }

  binary(op: BinaryOp, a: Storage, aShape: Shape, b: Storage, bShape: Shape, outShape: Shape): Storage {
    const av = f32(a);
    const bv = f32(b);
    const out = new Float32Array(sizeOf(outShape));
    const kernel = binaryKernels[op];

    if (sameShape(aShape, outShape) && sameShape(bShape, outShape)) {
      for (let i = 0; i < out.length; i++) out[i] = kernel(av[i], bv[i]);
    } else if (bv.length === 1 && av.length === out.length) {
      const scalar = bv[0];
      for (let i = 0; i < out.length; i++) out[i] = kernel(av[i], scalar);
    } else {
      return this.binaryGeneral(kernel, av, aShape, bv, bShape, outShape);
    }
    return out;
  }

  private binaryGeneral(
    kernel: (a: number, b: number) => number,
    av: Float32Array,
    aShape: Shape,
    bv: Float32Array,
    bShape: Shape,
    outShape: Shape,
  ): Float32Array {
    const out = new Float32Array(sizeOf(outShape));
    forEachBroadcast(outShape, broadcastStrides(aShape, outShape), broadcastStrides(bShape, outShape), (o, ia, ib) => {
      out[o] = kernel(av[ia], bv[ib]);
    });
    return out;
  }

  scale(x: Storage, factor: number): Storage {
    const xv = f32(x);
    const out = new Float32Array(xv.length);
    for (let i = 0; i < xv.length; i++) out[i] = xv[i] * factor;
    return out;
  }

  expand(x: Storage, shape: Shape, outShape: Shape): Storage {
    const xv = f32(x);
    const out = new Float32Array(sizeOf(outShape));
    const zeroStrides = new Array<number>(outShape.length).fill(0);
    forEachBroadcast(outShape, broadcastStrides(shape, outShape), zeroStrides, (o, ix) => {
      out[o] = xv[ix];
    });
    return out;
  }

  sumTo(x: Storage, shape: Shape, targetShape: Shape): Storage {
    const xv = f32(x);
    const out = new Float32Array(sizeOf(targetShape));
    const rows = shape.length === 2 ? shape[0] : -1;
    const cols = shape.length === 2 ? shape[1] : -1;

    // Fast path for the bias gradient of a dense layer: [m×n] summed to [n] or [1×n].
    if (rows >= 0 && out.length === cols && targetShape[targetShape.length - 1] === cols && (targetShape.length === 1 || targetShape[0] === 1)) {
      // Four rows per pass, so that each out[j] is loaded and stored once per four rows:
      // 2.4 times faster than row by row for a 200 × 50 gradient.
      const rows4 = rows - (rows % 4);
      for (let i = 0; i < rows4; i += 4) {
        const r0 = i * cols;
        const r1 = r0 + cols;
        const r2 = r1 + cols;
        const r3 = r2 + cols;
        for (let j = 0; j < cols; j++) out[j] += xv[r0 + j] + xv[r1 + j] + xv[r2 + j] + xv[r3 + j];
      }
      for (let i = rows4; i < rows; i++) {
        const row = i * cols;
        for (let j = 0; j < cols; j++) out[j] += xv[row + j];
      }
      return out;
    }

    const targetStrides = broadcastStrides(targetShape, shape);
    const ownStrides = stridesOf(shape);
    forEachBroadcast(shape, ownStrides, targetStrides, (_, ix, it) => {
      out[it] += xv[ix];
    });
    return out;
  }

  softmax(x: Storage, rows: number, cols: number, log: boolean): Storage {
    const xv = f32(x);
    const out = new Float32Array(rows * cols);
    for (let i = 0; i < rows; i++) {
      const row = i * cols;
      let max = -Infinity;
      for (let j = 0; j < cols; j++) max = Math.max(max, xv[row + j]);
      let sum = 0;
      for (let j = 0; j < cols; j++) sum += Math.exp(xv[row + j] - max);
      if (log) {
        const logSum = Math.log(sum) + max;
        for (let j = 0; j < cols; j++) out[row + j] = xv[row + j] - logSum;
      } else {
        for (let j = 0; j < cols; j++) out[row + j] = Math.exp(xv[row + j] - max) / sum;
      }
    }
    return out;
  }

  softmaxCrossEntropy(logits: Storage, labels: Int32Array, rows: number, cols: number): { loss: Storage; probs: Storage } {
    const xv = f32(logits);
    const probs = new Float32Array(rows * cols);
    let total = 0;
    for (let i = 0; i < rows; i++) {
      const row = i * cols;
      let max = -Infinity;
      for (let j = 0; j < cols; j++) max = Math.max(max, xv[row + j]);
      let sum = 0;
      for (let j = 0; j < cols; j++) {
        const e = Math.exp(xv[row + j] - max);
        probs[row + j] = e;
        sum += e;
      }
      for (let j = 0; j < cols; j++) probs[row + j] /= sum;
      // −log softmax of the true class, computed from logits for accuracy.
      total += Math.log(sum) + max - xv[row + labels[i]];
    }
    return { loss: Float32Array.of(rows === 0 ? 0 : total / rows), probs };
  }

  softmaxCrossEntropyGrad(probs: Storage, labels: Int32Array, rows: number, cols: number, dLoss: Storage): Storage {
    const pv = f32(probs);
    const factor = f32(dLoss)[0] / rows;
    const dx = new Float32Array(rows * cols);
    for (let i = 0; i < rows; i++) {
      const row = i * cols;
      for (let j = 0; j < cols; j++) dx[row + j] = pv[row + j] * factor;
      dx[row + labels[i]] -= factor;
    }
    return dx;
  }

  sgdUpdate(param: Storage, grad: Storage, velocity: Storage, options: SgdUpdate): void {
    const p = f32(param);
    const g = f32(grad);
    const v = f32(velocity);
    const { learningRate, momentum, nesterov, weightDecay } = options;
    for (let i = 0; i < p.length; i++) {
      const gi = g[i] + weightDecay * p[i];
      v[i] = momentum * v[i] + gi;
      p[i] -= learningRate * (nesterov ? gi + momentum * v[i] : v[i]);
    }
  }

  adamUpdate(param: Storage, grad: Storage, m: Storage, v: Storage, options: AdamUpdate): void {
    const p = f32(param);
    const g = f32(grad);
    const mv = f32(m);
    const vv = f32(v);
    const { learningRate, beta1, beta2, epsilon, step, weightDecay } = options;
    const correction1 = 1 - beta1 ** step;
    const correction2 = 1 - beta2 ** step;
    for (let i = 0; i < p.length; i++) {
      const gi = g[i] + weightDecay * p[i];
      mv[i] = beta1 * mv[i] + (1 - beta1) * gi;
      vv[i] = beta2 * vv[i] + (1 - beta2) * gi * gi;
      p[i] -= (learningRate * (mv[i] / correction1)) / (Math.sqrt(vv[i] / correction2) + epsilon);
    }
  }
}

export const cpuBackend = new CpuBackend();
