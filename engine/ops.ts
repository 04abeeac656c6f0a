import type { Activation, BinaryOp, UnaryOp } from './backend/backend.ts';
import { record } from './autograd.ts';
import { Tensor } from './tensor.ts';
import { broadcastShapes, formatShape, normalizeAxis, sizeOf, type Shape } from './shape.ts';

/**
 * The differentiable ops. Each one validates shapes once, runs the backend
 * kernel and records itself on the tape; gradient rules live in gradients.ts
 * under the same op name.
 */

function sameBackend(op: string, a: Tensor, b: Tensor): void {
  if (a.backend !== b.backend) {
    throw new Error(`${op}: operands live on different backends (${a.backend.name} and ${b.backend.name})`);
  }
}

function make(x: Tensor, storage: Tensor['storage'], shape: Shape): Tensor {
  return new Tensor(storage, [...shape], x.backend);
}

export interface MatmulOptions {
  transA?: boolean;
  transB?: boolean;
}

/** op(A) · op(B) for 2-D tensors, where op transposes when asked. */
export function matmul(a: Tensor, b: Tensor, options: MatmulOptions = {}): Tensor {
  const transA = options.transA ?? false;
  const transB = options.transB ?? false;
  sameBackend('matmul', a, b);
  if (a.rank !== 2 || b.rank !== 2) {
    throw new RangeError(`matmul: needs 2-D operands, got ${formatShape(a.shape)} and ${formatShape(b.shape)}`);
  }
  const [m, kA] = transA ? [a.shape[1], a.shape[0]] : [a.shape[0], a.shape[1]];
  const [kB, n] = transB ? [b.shape[1], b.shape[0]] : [b.shape[0], b.shape[1]];
  if (kA !== kB) {
    throw new RangeError(
      `matmul: inner dimensions differ: ${formatShape(a.shape)}${transA ? 'ᵀ' : ''} · ${formatShape(b.shape)}${transB ? 'ᵀ' : ''}`,
    );
  }
  const out = make(a, a.backend.matmul(a.storage, b.storage, m, kA, n, transA, transB), [m, n]);
  return record(out, 'matmul', [a, b], { transA, transB });
}

function binary(op: BinaryOp, a: Tensor, b: Tensor): Tensor {
  sameBackend(op, a, b);
  const outShape = broadcastShapes(op, a.shape, b.shape);
  const out = make(a, a.backend.binary(op, a.storage, a.shape, b.storage, b.shape, outShape), outShape);
  return record(out, op, [a, b]);
}

/** a + b with broadcasting. */
export const add = (a: Tensor, b: Tensor): Tensor => binary('add', a, b);
/** a − b with broadcasting. */
export const sub = (a: Tensor, b: Tensor): Tensor => binary('sub', a, b);
/** a · b elementwise with broadcasting. */
export const mul = (a: Tensor, b: Tensor): Tensor => binary('mul', a, b);
/** a / b elementwise with broadcasting. */
export const div = (a: Tensor, b: Tensor): Tensor => binary('div', a, b);

function unary(op: UnaryOp, x: Tensor): Tensor {
  return record(make(x, x.backend.unary(op, x.storage), x.shape), op, [x]);
}

export const neg = (x: Tensor): Tensor => unary('neg', x);
export const exp = (x: Tensor): Tensor => unary('exp', x);
/** Natural logarithm. */
export const log = (x: Tensor): Tensor => unary('log', x);
export const abs = (x: Tensor): Tensor => unary('abs', x);
export const square = (x: Tensor): Tensor => unary('square', x);
export const relu = (x: Tensor): Tensor => unary('relu', x);
export const sigmoid = (x: Tensor): Tensor => unary('sigmoid', x);
export const tanh = (x: Tensor): Tensor => unary('tanh', x);

/** x · factor for a constant factor. */
export function scale(x: Tensor, factor: number): Tensor {
  return record(make(x, x.backend.scale(x.storage, factor), x.shape), 'scale', [x], { factor });
}

/** Views the same values under another shape of equal size. */
export function reshape(x: Tensor, shape: Shape): Tensor {
  if (sizeOf(shape) !== x.size) {
    throw new RangeError(`reshape: cannot view ${formatShape(x.shape)} (${x.size} values) as ${formatShape(shape)}`);
  }
  return record(make(x, x.storage, shape), 'reshape', [x]);
}

function reducedShape(x: Tensor, axis: number | undefined, keepDims: boolean, op: string): { keep: number[]; out: number[] } {
  if (axis === undefined) {
    return { keep: x.shape.map(() => 1), out: keepDims ? x.shape.map(() => 1) : [] };
  }
  const normalized = normalizeAxis(op, axis, x.rank);
  const keep = x.shape.map((extent, i) => (i === normalized ? 1 : extent));
  const out = keepDims ? keep : x.shape.filter((_, i) => i !== normalized);
  return { keep, out };
}

/** Sum over one axis, or over all values when `axis` is undefined. */
export function sum(x: Tensor, axis?: number, keepDims = false): Tensor {
  const { keep, out } = reducedShape(x, axis, keepDims, 'sum');
  const storage = x.backend.sumTo(x.storage, x.shape, keep);
  return record(make(x, storage, out), 'sum', [x], { keep });
}

/** Mean over one axis, or over all values when `axis` is undefined. */
export function mean(x: Tensor, axis?: number, keepDims = false): Tensor {
  const { keep, out } = reducedShape(x, axis, keepDims, 'mean');
  const count = x.size / sizeOf(keep);
  const storage = x.backend.scale(x.backend.sumTo(x.storage, x.shape, keep), count === 0 ? 0 : 1 / count);
  return record(make(x, storage, out), 'mean', [x], { keep, count });
}

function rowsAndCols(op: string, x: Tensor): [number, number] {
  if (x.rank === 1) return [1, x.shape[0]];
  if (x.rank === 2) return [x.shape[0], x.shape[1]];
  throw new RangeError(`${op}: needs a 1-D or 2-D tensor (softmax over the last axis), got ${formatShape(x.shape)}`);
}

/** Softmax over the last axis. */
export function softmax(x: Tensor): Tensor {
  const [rows, cols] = rowsAndCols('softmax', x);
  return record(make(x, x.backend.softmax(x.storage, rows, cols, false), x.shape), 'softmax', [x]);
}

/** Log-softmax (natural log) over the last axis. */
export function logSoftmax(x: Tensor): Tensor {
  const [rows, cols] = rowsAndCols('logSoftmax', x);
  return record(make(x, x.backend.softmax(x.storage, rows, cols, true), x.shape), 'logSoftmax', [x]);
}

/**
 * Mean over rows of −log softmax(logits)[label], natural log, fused so the
 * gradient is the stable (softmax − onehot) / rows. logits: [rows × classes];
 * labels: one class index per row.
 */
export function softmaxCrossEntropy(logits: Tensor, labels: Int32Array): Tensor {
  if (logits.rank !== 2) {
    throw new RangeError(`softmaxCrossEntropy: logits must be [rows × classes], got ${formatShape(logits.shape)}`);
  }
  const [rows, cols] = logits.shape;
  if (labels.length !== rows) {
    throw new RangeError(`softmaxCrossEntropy: ${labels.length} labels for ${rows} rows of logits`);
  }
  for (let i = 0; i < rows; i++) {
    if (labels[i] < 0 || labels[i] >= cols) {
      throw new RangeError(`softmaxCrossEntropy: label ${labels[i]} at row ${i} is outside 0…${cols - 1}`);
    }
  }
  const { loss, probs } = logits.backend.softmaxCrossEntropy(logits.storage, labels, rows, cols);
  return record(make(logits, loss, []), 'softmaxCrossEntropy', [logits], { labels, probs });
}

/**
 * Fused dense layer: activation(x · W + b). x: [batch × inFeatures],
 * W: [inFeatures × outFeatures], b: [outFeatures].
 */
export function dense(x: Tensor, w: Tensor, b: Tensor, activation: Activation = 'none'): Tensor {
  sameBackend('dense', x, w);
  sameBackend('dense', x, b);
  if (x.rank !== 2 || w.rank !== 2 || b.rank !== 1 || x.shape[1] !== w.shape[0] || b.shape[0] !== w.shape[1]) {
    throw new RangeError(
      `dense: needs x [batch × in], W [in × out], b [out], got x ${formatShape(x.shape)}, W ${formatShape(w.shape)}, b ${formatShape(b.shape)}`,
    );
  }
  const [m, k] = x.shape;
  const n = w.shape[1];
  const out = make(x, x.backend.dense(x.storage, w.storage, b.storage, m, k, n, activation), [m, n]);
  return record(out, 'dense', [x, w, b], { activation });
}

/**
 * Gathers rows `indices` of a 2-D tensor into [indices.length × cols], which is
 * how training takes a minibatch from features uploaded once. Not
 * differentiable, so x must not require gradients.
 */
export function gatherRows(x: Tensor, indices: Int32Array): Tensor {
  if (x.rank !== 2) throw new RangeError(`gatherRows: needs a 2-D tensor, got ${formatShape(x.shape)}`);
  if (x.requiresGrad) throw new Error('gatherRows: has no gradient; gather from a tensor that does not require gradients');
  const [rows, cols] = x.shape;
  for (let r = 0; r < indices.length; r++) {
    if (!(indices[r] >= 0 && indices[r] < rows)) throw new RangeError(`gatherRows: index ${indices[r]} at position ${r} is outside 0…${rows - 1}`);
  }
  return make(x, x.backend.gatherRows(x.storage, cols, indices), [indices.length, cols]);
}

function pairwiseShapes(op: string, a: Tensor, b: Tensor): [number, number, number] {
  sameBackend(op, a, b);
  if (a.rank !== 2 || b.rank !== 2 || a.shape[1] !== b.shape[1]) {
    throw new RangeError(`${op}: needs A [m × d] and B [n × d], got ${formatShape(a.shape)} and ${formatShape(b.shape)}`);
  }
  return [a.shape[0], b.shape[0], a.shape[1]];
}

/** Computes the squared Euclidean distances between the rows of A [m × d] and of B [n × d], as [m × n]. Not differentiable. */
export function squaredDistances(a: Tensor, b: Tensor): Tensor {
  const [m, n, d] = pairwiseShapes('squaredDistances', a, b);
  return make(a, a.backend.squaredDistances(a.storage, b.storage, m, n, d), [m, n]);
}

/** Computes the RBF kernel exp(−γ‖a − b‖²) between the rows of A [m × d] and of B [n × d], as [m × n]. Not differentiable. */
export function rbfKernel(a: Tensor, b: Tensor, gamma: number): Tensor {
  const [m, n, d] = pairwiseShapes('rbfKernel', a, b);
  return make(a, a.backend.rbfKernel(a.storage, b.storage, m, n, d, gamma), [m, n]);
}
