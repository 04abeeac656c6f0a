/**
 * Float64 reference implementations of the engine's ops, written without any
 * engine code, so that tests compare the float32 engine with an independent
 * oracle. Arrays are row-major with NumPy broadcasting.
 */
import * as assert from 'uvu/assert';

/** A float64 n-dimensional array, row-major. */
export interface Ref {
  shape: number[];
  data: number[];
}

export type ActivationName = 'none' | 'relu' | 'sigmoid' | 'tanh';

/** Absolute and relative tolerance: |actual − expected| ≤ atol + rtol · |expected|. */
export interface Tolerance {
  atol: number;
  rtol: number;
}

export function sizeOfShape(shape: readonly number[]): number {
  return shape.reduce((size, extent) => size * extent, 1);
}

export function ref(shape: number[], data: number[]): Ref {
  if (data.length !== sizeOfShape(shape)) {
    throw new RangeError(`ref: ${data.length} values do not fill shape [${shape.join(', ')}]`);
  }
  return { shape, data };
}

/** Computes the shape two operands broadcast to under NumPy rules (aligned on the last axis). */
export function broadcastShape(a: readonly number[], b: readonly number[]): number[] {
  const rank = Math.max(a.length, b.length);
  const out: number[] = [];
  for (let i = 0; i < rank; i++) {
    const extentA = i - (rank - a.length) >= 0 ? a[i - (rank - a.length)] : 1;
    const extentB = i - (rank - b.length) >= 0 ? b[i - (rank - b.length)] : 1;
    if (extentA !== extentB && extentA !== 1 && extentB !== 1) {
      throw new RangeError(`broadcastShape: [${a.join(', ')}] and [${b.join(', ')}] are incompatible`);
    }
    out.push(Math.max(extentA, extentB));
  }
  return out;
}

/** Multi-index of flat position `index` in `shape`. */
function unravel(index: number, shape: readonly number[]): number[] {
  const coords = new Array<number>(shape.length).fill(0);
  let rest = index;
  for (let axis = shape.length - 1; axis >= 0; axis--) {
    coords[axis] = rest % shape[axis];
    rest = Math.floor(rest / shape[axis]);
  }
  return coords;
}

/** Flat position in an operand of `shape` read at output coordinates `coords` under broadcasting. */
function broadcastIndex(coords: readonly number[], shape: readonly number[]): number {
  const offset = coords.length - shape.length;
  let index = 0;
  for (let axis = 0; axis < shape.length; axis++) {
    const coord = shape[axis] === 1 ? 0 : coords[axis + offset];
    index = index * shape[axis] + coord;
  }
  return index;
}

export function unaryRef(f: (x: number) => number, x: Ref): Ref {
  return { shape: [...x.shape], data: x.data.map(f) };
}

export function binaryRef(f: (a: number, b: number) => number, a: Ref, b: Ref): Ref {
  const shape = broadcastShape(a.shape, b.shape);
  const data: number[] = [];
  for (let i = 0; i < sizeOfShape(shape); i++) {
    const coords = unravel(i, shape);
    data.push(f(a.data[broadcastIndex(coords, a.shape)], b.data[broadcastIndex(coords, b.shape)]));
  }
  return { shape, data };
}

/** Element (i, j) of a 2-D array, or of its transpose when `transposed`. */
function at(x: Ref, i: number, j: number, transposed: boolean): number {
  return transposed ? x.data[j * x.shape[1] + i] : x.data[i * x.shape[1] + j];
}

/** op(A) · op(B) by the textbook triple loop; `absolute` sums |a|·|b| instead (the rounding-error scale). */
export function matmulRef(a: Ref, b: Ref, transA = false, transB = false, absolute = false): Ref {
  const m = transA ? a.shape[1] : a.shape[0];
  const k = transA ? a.shape[0] : a.shape[1];
  const n = transB ? b.shape[0] : b.shape[1];
  const kB = transB ? b.shape[1] : b.shape[0];
  if (k !== kB) throw new RangeError(`matmulRef: inner dimensions ${k} and ${kB} differ`);
  const data = new Array<number>(m * n).fill(0);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let total = 0;
      for (let p = 0; p < k; p++) {
        const product = at(a, i, p, transA) * at(b, p, j, transB);
        total += absolute ? Math.abs(product) : product;
      }
      data[i * n + j] = total;
    }
  }
  return { shape: [m, n], data };
}

/** Sum or mean over one axis (negative counts from the end), or over everything when `axis` is undefined. */
export function reduceRef(x: Ref, axis: number | undefined, keepDims: boolean, kind: 'sum' | 'mean'): Ref {
  if (axis === undefined) {
    const total = x.data.reduce((acc, value) => acc + value, 0);
    const value = kind === 'mean' ? total / x.data.length : total;
    return { shape: keepDims ? x.shape.map(() => 1) : [], data: [value] };
  }
  const reduced = axis < 0 ? axis + x.shape.length : axis;
  const keptShape = x.shape.map((extent, i) => (i === reduced ? 1 : extent));
  const data = new Array<number>(sizeOfShape(keptShape)).fill(0);
  for (let i = 0; i < x.data.length; i++) {
    const coords = unravel(i, x.shape);
    coords[reduced] = 0;
    let target = 0;
    for (let d = 0; d < coords.length; d++) target = target * keptShape[d] + coords[d];
    data[target] += x.data[i];
  }
  const count = x.shape[reduced];
  const values = kind === 'mean' ? data.map((value) => value / count) : data;
  const shape = keepDims ? keptShape : x.shape.filter((_, i) => i !== reduced);
  return { shape, data: values };
}

/** Softmax or log-softmax over the last axis of a 1-D or 2-D array, shifted by the row maximum. */
export function softmaxRef(x: Ref, log: boolean): Ref {
  const cols = x.shape[x.shape.length - 1];
  const rows = x.data.length / cols;
  const data: number[] = [];
  for (let i = 0; i < rows; i++) {
    const row = x.data.slice(i * cols, (i + 1) * cols);
    const max = Math.max(...row);
    const logSum = Math.log(row.reduce((acc, value) => acc + Math.exp(value - max), 0)) + max;
    for (const value of row) data.push(log ? value - logSum : Math.exp(value - logSum));
  }
  return { shape: [...x.shape], data };
}

/** Mean over rows of −log softmax(logits)[label], as a scalar of shape []. */
export function crossEntropyRef(logits: Ref, labels: readonly number[]): Ref {
  const logProbs = softmaxRef(logits, true);
  const cols = logits.shape[1];
  let total = 0;
  labels.forEach((label, i) => {
    total -= logProbs.data[i * cols + label];
  });
  return { shape: [], data: [total / labels.length] };
}

export const activationRefs: Record<ActivationName, (z: number) => number> = {
  none: (z) => z,
  relu: (z) => Math.max(z, 0),
  sigmoid: (z) => 1 / (1 + Math.exp(-z)),
  tanh: Math.tanh,
};

/** act(x · W + b) with b broadcast over rows. */
export function denseRef(x: Ref, w: Ref, b: Ref, activation: ActivationName): Ref {
  const z = binaryRef((left, right) => left + right, matmulRef(x, w), b);
  return unaryRef(activationRefs[activation], z);
}

/**
 * Central-difference gradient of `loss` with respect to `inputs[which]`, in
 * float64. The step is 1e-5 relative (absolute for |x| < 1): the truncation
 * error is O(h²) ≈ 1e-10 and the cancellation error about 1e-16 / h ≈ 1e-11,
 * both far below the float32 engine's error.
 */
export function numericalGradient(loss: (inputs: Ref[]) => number, inputs: Ref[], which: number): number[] {
  const x = inputs[which];
  const gradient: number[] = [];
  for (let i = 0; i < x.data.length; i++) {
    const h = 1e-5 * Math.max(1, Math.abs(x.data[i]));
    const shifted = (delta: number): number => {
      const data = [...x.data];
      data[i] += delta;
      const replaced = inputs.map((input, index) => (index === which ? { shape: input.shape, data } : input));
      return loss(replaced);
    };
    gradient.push((shifted(h) - shifted(-h)) / (2 * h));
  }
  return gradient;
}

/**
 * Seeded generator for test data (mulberry32), separate from the engine's Rng
 * so that the data does not depend on the code under test. The arrays it
 * returns hold float32 values exactly, so the engine and the float64
 * reference see the same inputs.
 */
export class TestRng {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  static fromName(name: string): TestRng {
    let hash = 2166136261;
    for (let i = 0; i < name.length; i++) hash = Math.imul(hash ^ name.charCodeAt(i), 16777619);
    return new TestRng(hash);
  }

  /** Uniform in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** Values uniform in [low, high), rounded to float32. */
  uniform(shape: number[], low = -1, high = 1): Ref {
    const data: number[] = [];
    for (let i = 0; i < sizeOfShape(shape); i++) data.push(Math.fround(low + (high - low) * this.next()));
    return { shape, data };
  }

  /** Values with |x| uniform in [minAbs, maxAbs) and a random sign, rounded to float32. */
  awayFromZero(shape: number[], minAbs: number, maxAbs: number): Ref {
    const magnitudes = this.uniform(shape, minAbs, maxAbs);
    return { shape, data: magnitudes.data.map((value) => (this.next() < 0.5 ? -value : value)) };
  }
}

/**
 * Asserts, once, that every element of `actual` is within atol + rtol · |expected|
 * of `expected`, and reports the worst element when one is not. Matching NaNs
 * count as equal.
 */
export function assertClose(actual: ArrayLike<number>, expected: ArrayLike<number>, tolerance: Tolerance, label: string): void {
  if (actual.length !== expected.length) {
    assert.unreachable(`${label}: ${actual.length} values, expected ${expected.length}`);
    return;
  }
  let worst = -1;
  let worstExcess = 0;
  for (let i = 0; i < actual.length; i++) {
    if (Number.isNaN(actual[i]) && Number.isNaN(expected[i])) continue;
    const allowed = tolerance.atol + tolerance.rtol * Math.abs(expected[i]);
    const difference = Math.abs(actual[i] - expected[i]);
    const excess = Number.isNaN(difference) ? Infinity : difference - allowed;
    if (excess > 0 && excess > worstExcess) {
      worst = i;
      worstExcess = excess;
    }
  }
  const message =
    worst < 0
      ? ''
      : `${label}: element ${worst} is ${actual[worst]}, expected ${expected[worst]} ` +
        `(atol ${tolerance.atol}, rtol ${tolerance.rtol})`;
  assert.ok(worst < 0, message);
}
