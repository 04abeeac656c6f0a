import type { Shape } from '../shape.ts';

/**
 * Memory that contains a tensor's values on one backend: a Float32Array on the
 * CPU, a device buffer on a GPU. `length` counts float32 elements.
 */
export interface Storage {
  readonly length: number;
}

export type UnaryOp = 'neg' | 'exp' | 'log' | 'abs' | 'square' | 'sign' | 'relu' | 'sigmoid' | 'tanh';
export type BinaryOp = 'add' | 'sub' | 'mul' | 'div';
export type Activation = 'none' | 'relu' | 'sigmoid' | 'tanh';

/**
 * The op set every backend implements. Ops take storages plus the shapes they
 * need and return new storages; only the optimiser updates write in place.
 * Shapes are validated by the caller (engine/ops.ts), once, before an op runs.
 */
export interface Backend {
  readonly name: 'cpu' | 'webgpu';
  /** True when storages live in host memory, so that readSync works and costs no copy. */
  readonly hostMemory: boolean;

  fromArray(values: Float32Array): Storage;
  zeros(length: number): Storage;
  /** Copies values back to the host; immediate on the CPU. */
  read(storage: Storage): Promise<Float32Array>;
  /** Synchronous read, for backends that have host memory; others throw. */
  readSync(storage: Storage): Float32Array;

  /**
   * Opens a memory scope: storages allocated until the matching endScope are
   * released then, except those in `keep`, which pass to the enclosing scope.
   * The CPU backend leaves memory to the garbage collector and ignores scopes.
   */
  beginScope(): void;
  endScope(keep: Storage[]): void;

  /** C[m×n] = op(A) · op(B), where op(A) is [m×k] and op(B) is [k×n]. */
  matmul(a: Storage, b: Storage, m: number, k: number, n: number, transA: boolean, transB: boolean): Storage;
  /** act(X[m×k] · W[k×n] + b[n]), row-broadcast bias, in one pass. */
  dense(x: Storage, w: Storage, b: Storage, m: number, k: number, n: number, activation: Activation): Storage;
  /** dy · act'(·) written in terms of the activation's output y. */
  activationGrad(activation: Activation, y: Storage, dy: Storage): Storage;

  unary(op: UnaryOp, x: Storage): Storage;
  binary(op: BinaryOp, a: Storage, aShape: Shape, b: Storage, bShape: Shape, outShape: Shape): Storage;
  scale(x: Storage, factor: number): Storage;
  /** Reads x (shape `shape`) as if it had the larger shape `outShape`. */
  expand(x: Storage, shape: Shape, outShape: Shape): Storage;
  /** Sums x (shape `shape`) down to `targetShape`, which broadcasts to `shape`. */
  sumTo(x: Storage, shape: Shape, targetShape: Shape): Storage;

  /** Row-wise softmax (or log-softmax) of a [rows×cols] matrix. */
  softmax(x: Storage, rows: number, cols: number, log: boolean): Storage;
  /** Mean cross-entropy (natural log) of row-wise softmax(logits) against labels; also returns the posteriors. */
  softmaxCrossEntropy(logits: Storage, labels: Int32Array, rows: number, cols: number): { loss: Storage; probs: Storage };
  /** d(mean loss)/d(logits) = (probs − onehot(labels)) · dLoss / rows. */
  softmaxCrossEntropyGrad(probs: Storage, labels: Int32Array, rows: number, cols: number, dLoss: Storage): Storage;

  /** Rows `indices` of a row-major matrix with `cols` columns, as [indices.length × cols]. */
  gatherRows(x: Storage, cols: number, indices: Int32Array): Storage;
  /** In place: total ← total + factor · x, elementwise. */
  accumulate(total: Storage, x: Storage, factor: number): void;

  /** D[m×n] with D[i, j] = Σ_p (A[i, p] − B[j, p])² for A [m×d] and B [n×d], both row-major. */
  squaredDistances(a: Storage, b: Storage, m: number, n: number, d: number): Storage;
  /** K[m×n] with K[i, j] = exp(−γ · Σ_p (A[i, p] − B[j, p])²), the RBF kernel between the rows of A and of B. */
  rbfKernel(a: Storage, b: Storage, m: number, n: number, d: number, gamma: number): Storage;

  /** In place: v ← μ·v + g + λ·p; p ← p − lr·v (Nesterov: p ← p − lr·(g + λ·p + μ·v)). */
  sgdUpdate(param: Storage, grad: Storage, velocity: Storage, options: SgdUpdate): void;
  /** In place Adam step t (1-based) with bias correction. */
  adamUpdate(param: Storage, grad: Storage, m: Storage, v: Storage, options: AdamUpdate): void;
}

export interface SgdUpdate {
  learningRate: number;
  momentum: number;
  nesterov: boolean;
  weightDecay: number;
}

export interface AdamUpdate {
  learningRate: number;
  beta1: number;
  beta2: number;
  epsilon: number;
  step: number;
  weightDecay: number;
}
