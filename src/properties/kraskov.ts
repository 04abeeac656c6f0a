import type { Matrix } from '../../engine/matrix.ts';
import type { Rng } from '../../engine/rng.ts';
import { MiascopeError } from '../errors.ts';

/** Neighbours k of the `paper` protocol's Kraskov estimate. */
export const KRASKOV_NEIGHBOURS = 3;

/**
 * Digamma function ψ(x) for x > 0: the recurrence ψ(x) = ψ(x + 1) − 1/x up
 * to x ≥ 10, then the asymptotic series, accurate to about 1e-13 there.
 */
export function digamma(x: number): number {
  let shift = 0;
  while (x < 10) {
    shift -= 1 / x;
    x += 1;
  }
  const inverseSquare = 1 / (x * x);
  const series =
    inverseSquare * (1 / 12 - inverseSquare * (1 / 120 - inverseSquare * (1 / 252 - inverseSquare * (1 / 240 - inverseSquare / 132))));
  return shift + Math.log(x) - 1 / (2 * x) - series;
}

/**
 * Scales values to unit standard deviation and adds seeded noise of relative
 * size 1e-10, so that tied values (ordinal codes, repeated weights) get
 * distinct distances, as the estimator assumes. Returns null for a constant
 * input, which shares no information with anything.
 */
function standardiseWithJitter(values: ArrayLike<number>, rng: Rng): Float64Array | null {
  const n = values.length;
  let mean = 0;
  for (let i = 0; i < n; i++) mean += values[i] / n;
  let variance = 0;
  for (let i = 0; i < n; i++) variance += (values[i] - mean) ** 2 / n;
  if (!(variance > 0)) return null;

  const scale = 1 / Math.sqrt(variance);
  const out = Float64Array.from(values, (value) => value * scale);
  let meanAbsolute = 0;
  for (let i = 0; i < n; i++) meanAbsolute += Math.abs(out[i]) / n;
  const noise = 1e-10 * Math.max(1, meanAbsolute);
  for (let i = 0; i < n; i++) out[i] += noise * rng.normal();
  return out;
}

/**
 * Estimates the mutual information I(X; Y) in nats between two scalar
 * variables observed as pairs (x[i], y[i]), by algorithm 1 of Kraskov,
 * Stögbauer and Grassberger, "Estimating mutual information" (2004):
 * I = ψ(k) + ψ(N) − ⟨ψ(n_x + 1) + ψ(n_y + 1)⟩, where ε_i is the max-norm
 * distance from point i to its k-th neighbour in the joint space and n_x,
 * n_y count the other points closer than ε_i in x and in y. The estimate can
 * fall below 0 for independent variables; it is returned as 0 then, since
 * mutual information is never negative. O(N²) time.
 */
export function kraskovMutualInformation(x: ArrayLike<number>, y: ArrayLike<number>, rng: Rng, k = KRASKOV_NEIGHBOURS): number {
  if (y.length !== x.length) throw new RangeError(`kraskovMutualInformation: ${x.length} x values and ${y.length} y values`);
  checkNeighbours(x.length, k);
  const xs = standardiseWithJitter(x, rng);
  const ys = standardiseWithJitter(y, rng);
  if (xs === null || ys === null) return 0;
  return kraskovOfStandardised(xs, ys, k, new Float64Array(x.length - 1), digammaTable(x.length));
}

function checkNeighbours(n: number, k: number): void {
  if (!Number.isInteger(k) || k < 1 || n <= k) {
    throw new MiascopeError(`Kraskov estimate with k = ${k} needs a whole k ≥ 1 and more than k points; got ${n} points`);
  }
}

/**
 * Averages the Kraskov estimate between each row of `x` and the same `y`
 * (one value per column of x), in nats. `y` is standardised and jittered
 * once; each row gets its own jitter.
 */
export function meanKraskovMutualInformation(x: Matrix, y: ArrayLike<number>, rng: Rng, k = KRASKOV_NEIGHBOURS): number {
  if (y.length !== x.cols) throw new RangeError(`meanKraskovMutualInformation: ${y.length} y values for ${x.cols} columns`);
  checkNeighbours(x.cols, k);
  if (x.rows === 0) return NaN;
  const ys = standardiseWithJitter(y, rng);
  if (ys === null) return 0;
  const scratch = new Float64Array(x.cols - 1);
  const table = digammaTable(x.cols);
  let sum = 0;
  for (let i = 0; i < x.rows; i++) {
    const xs = standardiseWithJitter(x.row(i), rng);
    if (xs !== null) sum += kraskovOfStandardised(xs, ys, k, scratch, table);
  }
  return sum / x.rows;
}

/** ψ(0 … n), with ψ(0) unused, since the counts are whole numbers. */
function digammaTable(n: number): Float64Array {
  return Float64Array.from({ length: n + 1 }, (_, m) => (m === 0 ? NaN : digamma(m)));
}

/** Algorithm 1 on standardised, jittered inputs; `scratch` has room for n − 1 values and `psi` is digammaTable(n). */
function kraskovOfStandardised(xs: Float64Array, ys: Float64Array, k: number, scratch: Float64Array, psi: Float64Array): number {
  const n = xs.length;
  let sumDigamma = 0;
  for (let i = 0; i < n; i++) {
    for (let j = 0, m = 0; j < n; j++) {
      if (j !== i) scratch[m++] = Math.max(Math.abs(xs[i] - xs[j]), Math.abs(ys[i] - ys[j]));
    }
    const radius = kthSmallest(scratch, k);
    let nx = 0;
    let ny = 0;
    for (let j = 0; j < n; j++) {
      if (j === i) continue;
      if (Math.abs(xs[i] - xs[j]) < radius) nx++;
      if (Math.abs(ys[i] - ys[j]) < radius) ny++;
    }
    sumDigamma += psi[nx + 1] + psi[ny + 1];
  }
  return Math.max(0, psi[k] + psi[n] - sumDigamma / n);
}

/** Finds the k-th smallest value (k ≥ 1) of `values`, reordering them. */
function kthSmallest(values: Float64Array, k: number): number {
  // Small k: k passes of selection beat a sort.
  for (let a = 0; a < k; a++) {
    let best = a;
    for (let b = a + 1; b < values.length; b++) if (values[b] < values[best]) best = b;
    const swap = values[a];
    values[a] = values[best];
    values[best] = swap;
  }
  return values[k - 1];
}
