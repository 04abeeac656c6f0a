import type { Labels, Matrix } from '../../engine/matrix.ts';
import { Rng } from '../../engine/rng.ts';
import { MiascopeError } from '../errors.ts';
import { fitEncoder } from './encode.ts';
import type { Table } from './table.ts';

/** Options of `fitGaussianMixture`. */
export interface GaussianMixtureOptions {
  /** Number of components. Default 2. */
  components?: number;
  /** Seed of the k-means++ initialisations. Default 0. */
  seed?: string | number;
  /** EM runs from different k-means++ starts; the one with the highest log-likelihood is kept. Default 5. */
  restarts?: number;
  /** Maximum EM iterations. Default 200. */
  maxIterations?: number;
  /** EM stops when the mean log-likelihood per row (nats) improves by less than this. Default 1e-6. */
  tolerance?: number;
  /** Added to every variance, so that a constant feature cannot make a component's density infinite. Default 1e-6, as scikit-learn's `reg_covar`. */
  varianceFloor?: number;
}

/** A fitted Gaussian mixture with diagonal covariance. */
export interface GaussianMixture {
  /** Mixing weight of each component; they sum to 1. */
  weights: number[];
  /** Mean vector of each component. */
  means: number[][];
  /** Per-feature variance of each component (the covariance diagonal). */
  variances: number[][];
  /** Mean log-likelihood per row at the end of fitting, in nats. */
  logLikelihood: number;
  iterations: number;
  /** False when EM stopped at `maxIterations` before meeting the tolerance. */
  converged: boolean;
}

/**
 * Fits a Gaussian mixture with diagonal covariance to the rows of `x` by
 * expectation-maximisation. The means start at k-means++ seeds (Arthur and
 * Vassilvitskii, "k-means++: The Advantages of Careful Seeding", 2007), every
 * row goes to its nearest seed, and the weights and variances of that hard
 * assignment start EM, as scikit-learn's `init_params='k-means++'` does.
 * EM only finds a local optimum, and one start can split the data along a
 * noise feature, so `restarts` starts run and the most likely fit is kept.
 *
 * Raises MiascopeError when `x` has fewer rows than components.
 */
export function fitGaussianMixture(x: Matrix, options: GaussianMixtureOptions = {}): GaussianMixture {
  const restarts = options.restarts ?? 5;
  if (!Number.isInteger(restarts) || restarts < 1) {
    throw new MiascopeError(`Gaussian mixture restarts ${restarts} is invalid; give a whole number ≥ 1`);
  }
  const rng = new Rng(options.seed ?? 0);
  let best: GaussianMixture | null = null;
  for (let start = 0; start < restarts; start++) {
    const fit = fitFromStart(x, options, rng.fork(start));
    if (best === null || fit.logLikelihood > best.logLikelihood) best = fit;
  }
  return best!;
}

/** Runs EM once from one k-means++ start. */
function fitFromStart(x: Matrix, options: GaussianMixtureOptions, rng: Rng): GaussianMixture {
  const k = options.components ?? 2;
  const maxIterations = options.maxIterations ?? 200;
  const tolerance = options.tolerance ?? 1e-6;
  const floor = options.varianceFloor ?? 1e-6;
  const { rows: n, cols: d } = x;
  if (n < k) {
    throw new MiascopeError(`cannot fit a ${k}-component Gaussian mixture to ${n} rows (give at least ${k} rows)`);
  }

  const data = Float64Array.from(x.data);
  const seeds = kMeansPlusPlus(data, n, d, k, rng);
  const responsibilities = new Float64Array(n * k);
  for (let i = 0; i < n; i++) responsibilities[i * k + nearest(data, i, d, seeds)] = 1;

  let model = maximize(data, n, d, k, responsibilities, floor);
  let logLikelihood = -Infinity;
  let iterations = 0;
  let converged = false;
  while (iterations < maxIterations) {
    iterations++;
    const next = expect(data, n, d, model, responsibilities);
    model = maximize(data, n, d, k, responsibilities, floor);
    if (Math.abs(next - logLikelihood) < tolerance) {
      logLikelihood = next;
      converged = true;
      break;
    }
    logLikelihood = next;
  }
  return { ...model, logLikelihood, iterations, converged };
}

/** Returns, for each row of `x`, the component with the highest posterior probability. */
export function predictComponents(model: GaussianMixture, x: Matrix): Int32Array {
  const { rows: n, cols: d } = x;
  const k = model.weights.length;
  const responsibilities = new Float64Array(n * k);
  expect(Float64Array.from(x.data), n, d, model, responsibilities);
  const components = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    let best = 0;
    for (let c = 1; c < k; c++) if (responsibilities[i * k + c] > responsibilities[i * k + best]) best = c;
    components[i] = best;
  }
  return components;
}

/** A label made of Gaussian mixture clusters. */
export interface MixtureLabels {
  /** 1 for rows of the smaller component, 0 for the others. */
  y: Labels;
  model: GaussianMixture;
}

/**
 * Labels each row of `features` by a 2-component Gaussian mixture fit on the
 * encoded features (ordinal codes for categorical columns, then z-scores over
 * all rows). Label 1 is the component with the smaller weight, so the
 * positive class is the minority cluster.
 */
export function binarizeByGaussianMixture(features: Table, seed: string | number = 0): MixtureLabels {
  const everyRow = Int32Array.from({ length: features.rows }, (_, i) => i);
  const x = fitEncoder(features, everyRow).transform(features);
  const model = fitGaussianMixture(x, { components: 2, seed });
  const minority = model.weights[1] <= model.weights[0] ? 1 : 0;
  const components = predictComponents(model, x);
  const y = new Int32Array(features.rows);
  for (let i = 0; i < y.length; i++) y[i] = components[i] === minority ? 1 : 0;
  return { y, model };
}

/** Picks k rows as seeds: the first uniformly, each next one with probability proportional to its squared distance to the nearest seed so far. */
function kMeansPlusPlus(data: Float64Array, n: number, d: number, k: number, rng: Rng): Float64Array[] {
  const rowAt = (i: number) => data.slice(i * d, (i + 1) * d);
  const seeds = [rowAt(rng.int(n))];
  const distances = new Float64Array(n).fill(Infinity);
  while (seeds.length < k) {
    const latest = seeds[seeds.length - 1];
    let total = 0;
    for (let i = 0; i < n; i++) {
      distances[i] = Math.min(distances[i], squaredDistance(data, i, d, latest));
      total += distances[i];
    }
    // Every row equal to a seed: any row will do.
    if (total === 0) {
      seeds.push(rowAt(rng.int(n)));
      continue;
    }
    let target = rng.uniform() * total;
    let chosen = n - 1;
    for (let i = 0; i < n; i++) {
      target -= distances[i];
      if (target < 0) {
        chosen = i;
        break;
      }
    }
    seeds.push(rowAt(chosen));
  }
  return seeds;
}

function squaredDistance(data: Float64Array, i: number, d: number, point: Float64Array): number {
  let sum = 0;
  for (let j = 0; j < d; j++) {
    const diff = data[i * d + j] - point[j];
    sum += diff * diff;
  }
  return sum;
}

function nearest(data: Float64Array, i: number, d: number, seeds: Float64Array[]): number {
  let best = 0;
  let bestDistance = Infinity;
  seeds.forEach((seed, c) => {
    const distance = squaredDistance(data, i, d, seed);
    if (distance < bestDistance) {
      best = c;
      bestDistance = distance;
    }
  });
  return best;
}

type MixtureParameters = Pick<GaussianMixture, 'weights' | 'means' | 'variances'>;

/** E-step: writes each row's posterior over the components into `responsibilities` and returns the mean log-likelihood per row. */
function expect(data: Float64Array, n: number, d: number, model: MixtureParameters, responsibilities: Float64Array): number {
  const k = model.weights.length;
  // log w_c − ½ Σ_j log(2π σ²_cj), the part of each component's log density that does not depend on the row.
  const constants = model.weights.map((weight, c) => {
    let sum = Math.log(weight);
    for (let j = 0; j < d; j++) sum -= 0.5 * Math.log(2 * Math.PI * model.variances[c][j]);
    return sum;
  });
  const logDensity = new Float64Array(k);
  let total = 0;
  for (let i = 0; i < n; i++) {
    let max = -Infinity;
    for (let c = 0; c < k; c++) {
      const mean = model.means[c];
      const variance = model.variances[c];
      let sum = constants[c];
      for (let j = 0; j < d; j++) {
        const diff = data[i * d + j] - mean[j];
        sum -= (0.5 * diff * diff) / variance[j];
      }
      logDensity[c] = sum;
      max = Math.max(max, sum);
    }
    // log-sum-exp, shifted by the maximum so that exp cannot underflow to 0 for every component.
    let sumExp = 0;
    for (let c = 0; c < k; c++) sumExp += Math.exp(logDensity[c] - max);
    const logRow = max + Math.log(sumExp);
    for (let c = 0; c < k; c++) responsibilities[i * k + c] = Math.exp(logDensity[c] - logRow);
    total += logRow;
  }
  return total / n;
}

/** M-step: weights, means and variances from the responsibilities. */
function maximize(data: Float64Array, n: number, d: number, k: number, responsibilities: Float64Array, floor: number): MixtureParameters {
  const weights: number[] = [];
  const means: number[][] = [];
  const variances: number[][] = [];
  for (let c = 0; c < k; c++) {
    // The small constant keeps an empty component from dividing by 0, as scikit-learn does.
    let mass = 10 * Number.EPSILON;
    const mean = new Array<number>(d).fill(0);
    for (let i = 0; i < n; i++) {
      const r = responsibilities[i * k + c];
      mass += r;
      for (let j = 0; j < d; j++) mean[j] += r * data[i * d + j];
    }
    for (let j = 0; j < d; j++) mean[j] /= mass;

    const variance = new Array<number>(d).fill(0);
    for (let i = 0; i < n; i++) {
      const r = responsibilities[i * k + c];
      for (let j = 0; j < d; j++) {
        const diff = data[i * d + j] - mean[j];
        variance[j] += r * diff * diff;
      }
    }
    for (let j = 0; j < d; j++) variance[j] = variance[j] / mass + floor;

    weights.push(mass / n);
    means.push(mean);
    variances.push(variance);
  }
  return { weights, means, variances };
}
