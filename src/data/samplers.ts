import type { Labels } from '../../engine/matrix.ts';
import type { Rng } from '../../engine/rng.ts';
import { MiascopeError } from '../errors.ts';
import { carriesCombination, datasetEntropyBits, featureBalance, type FeatureBalance } from '../properties/data.ts';
import { DEFAULT_BINS, discretize, type DiscreteTable } from '../properties/discretize.ts';
import type { Table } from './table.ts';

/**
 * Seeded samplers that draw a training set with a requested data property
 * from a pool of rows, without replacement. Each sampler measures the
 * property on the rows it drew and returns that achieved value.
 */

/** The columns and label that samplers draw rows of. */
export interface SamplerData {
  features: Table;
  y: Labels;
}

/** Options shared by the samplers. */
export interface SamplerOptions {
  /** Rows that may be drawn, as row indices. Default all rows. */
  pool?: ArrayLike<number>;
  /** Equal-frequency bins of numeric columns, for feature balance and entropy. Default 10. */
  bins?: number;
}

/** Rows drawn with a requested class balance. */
export interface ClassBalanceSample {
  rows: Int32Array;
  /** Achieved percentage of rows with y = 1. */
  classBalancePercent: number;
}

/**
 * Draws `size` rows of which round(size · classBalancePercent / 100) have
 * y = 1, in random order.
 *
 * Raises MiascopeError when the pool has fewer rows of either class than the
 * request needs.
 */
export function sampleClassBalance(
  data: SamplerData,
  request: { size: number; classBalancePercent: number },
  rng: Rng,
  options: SamplerOptions = {},
): ClassBalanceSample {
  const pool = poolRows(data, options);
  checkSize(request.size, pool.length);
  checkPercent('class balance', request.classBalancePercent);
  const positives = pool.filter((row) => data.y[row] === 1);
  const negatives = pool.filter((row) => data.y[row] !== 1);
  const requestedCount = Math.round((request.size * request.classBalancePercent) / 100);

  const requestText = `${request.size.toLocaleString('en-US')} records at ${request.classBalancePercent}% class balance`;
  const rows = concat(
    drawFrom(positives, requestedCount, rng, `positives requested (${requestText})`, 'lower the size or the class balance'),
    drawFrom(negatives, request.size - requestedCount, rng, `negatives requested (${requestText})`, 'lower the size or raise the class balance'),
  );
  rng.shuffle(rows);
  return { rows, classBalancePercent: percentOf(rows, (row) => data.y[row] === 1) };
}

/** Rows drawn with a requested feature balance. */
export interface FeatureBalanceSample {
  rows: Int32Array;
  /** Achieved percentage of rows carrying the pool's c*. */
  featureBalancePercent: number;
  /** The top-k features and their combination c*, measured on the pool. */
  combination: FeatureBalance;
}

/**
 * Draws `size` rows of which round(size · featureBalancePercent / 100) carry
 * c*, the most frequent value combination of the pool's top-k features by
 * mutual information with the label (see `featureBalance`), in random order.
 *
 * Raises MiascopeError when the pool has too few rows with or without c*.
 */
export function sampleFeatureBalance(
  data: SamplerData,
  request: { size: number; featureBalancePercent: number; k?: number },
  rng: Rng,
  options: SamplerOptions = {},
): FeatureBalanceSample {
  const pool = poolRows(data, options);
  checkSize(request.size, pool.length);
  checkPercent('feature balance', request.featureBalancePercent);
  const discrete = discretize(data.features, { bins: options.bins ?? DEFAULT_BINS });
  const combination = featureBalance(data.features, discrete, data.y, { k: request.k, rows: pool });
  const carries = (row: number) => carriesCombination(discrete, combination.columns, combination.codes, row);
  const carriers = pool.filter(carries);
  const others = pool.filter((row) => !carries(row));
  const requestedCount = Math.round((request.size * request.featureBalancePercent) / 100);

  const requestText = `${request.size.toLocaleString('en-US')} records at ${request.featureBalancePercent}% feature balance`;
  const rows = concat(
    drawFrom(carriers, requestedCount, rng, `records with the most frequent combination c* requested (${requestText})`, 'lower the size or the feature balance'),
    drawFrom(others, request.size - requestedCount, rng, `records without c* requested (${requestText})`, 'lower the size or raise the feature balance'),
  );
  rng.shuffle(rows);
  return { rows, featureBalancePercent: percentOf(rows, carries), combination };
}

/** Rows and a random subset of the feature columns. */
export interface FeatureCountSample {
  rows: Int32Array;
  /** Names of the chosen columns, in table order. */
  columns: string[];
  /** The table restricted to the chosen columns (all of its rows). */
  features: Table;
  /** Achieved number of features, `columns.length`. */
  featureCount: number;
}

/**
 * Draws `size` rows uniformly and `featureCount` of the feature columns
 * uniformly, keeping the chosen columns in table order.
 *
 * Raises MiascopeError when `featureCount` is not between 1 and the number of
 * columns.
 */
export function sampleFeatureCount(
  data: SamplerData,
  request: { size: number; featureCount: number },
  rng: Rng,
  options: SamplerOptions = {},
): FeatureCountSample {
  const pool = poolRows(data, options);
  checkSize(request.size, pool.length);
  const available = data.features.columns.length;
  const count = request.featureCount;
  if (!Number.isInteger(count) || count < 1 || count > available) {
    throw new MiascopeError(`${count} features requested but the table has ${available}; request a whole number from 1 to ${available}`);
  }
  const chosen = Array.from(rng.permutation(available).subarray(0, count)).sort((a, b) => a - b);
  const columns = chosen.map((j) => data.features.columns[j]);
  const rows = rng.shuffle(Int32Array.from(pool)).slice(0, request.size);
  return {
    rows,
    columns: columns.map((column) => column.name),
    features: { columns, rows: data.features.rows },
    featureCount: columns.length,
  };
}

/** Rows drawn with a requested dataset entropy. */
export interface EntropySample {
  rows: Int32Array;
  /** Achieved H_D in bits. */
  entropyBits: number;
  /** Share of the rows drawn uniformly from the pool; the rest come from the low-diversity stratum. */
  uniformShare: number;
  /** Lowest and highest H_D the mix can reach: all rows from the stratum, all drawn uniformly. */
  range: [low: number, high: number];
}

/** Relative distance from the requested entropy within which `sampleEntropy` accepts a mix. */
export const ENTROPY_TOLERANCE = 0.02;

/**
 * Draws `size` rows whose H_D (mean feature entropy, in bits, on the pool's
 * bins) lands within 2% of `entropyBits`. The rows mix a low-diversity stratum,
 * the `size` pool rows with the highest log-probability under the pool's
 * per-feature value frequencies, with a uniform draw from the pool. A binary
 * search over the number of uniform rows finds the mix closest to the request.
 *
 * Raises MiascopeError when the request lies outside the range the mix can
 * reach, or when no mix lands within the tolerance.
 */
export function sampleEntropy(
  data: SamplerData,
  request: { size: number; entropyBits: number },
  rng: Rng,
  options: SamplerOptions = {},
): EntropySample {
  const pool = poolRows(data, options);
  checkSize(request.size, pool.length);
  const size = request.size;
  const target = request.entropyBits;
  const discrete = discretize(data.features, { bins: options.bins ?? DEFAULT_BINS });

  const stratum = lowDiversityOrder(discrete, rng.shuffle(Int32Array.from(pool)));
  const uniform = rng.shuffle(Int32Array.from(pool));
  const mix = (uniformCount: number) => mixRows(stratum, uniform, size, uniformCount);
  const entropyOf = (uniformCount: number) => datasetEntropyBits(discrete, mix(uniformCount));

  const low = entropyOf(0);
  const high = entropyOf(size);
  if (!(target >= low * (1 - ENTROPY_TOLERANCE) && target <= high * (1 + ENTROPY_TOLERANCE))) {
    throw new MiascopeError(
      `entropy ${target} bits requested for ${size.toLocaleString('en-US')} records, but mixes from this pool reach only ` +
        `${low.toFixed(3)} to ${high.toFixed(3)} bits; request a value in that range`,
    );
  }

  // H_D rises with the number of uniform rows, up to sampling noise.
  let below = 0;
  let above = size;
  while (above - below > 1) {
    const middle = (below + above) >> 1;
    if (entropyOf(middle) < target) below = middle;
    else above = middle;
  }
  const candidates = [below, above].map((count) => ({ count, bits: entropyOf(count) }));
  const best = candidates.reduce((a, b) => (Math.abs(b.bits - target) < Math.abs(a.bits - target) ? b : a));
  if (Math.abs(best.bits - target) > ENTROPY_TOLERANCE * target) {
    throw new MiascopeError(
      `no mix of ${size.toLocaleString('en-US')} records lands within 2% of ${target} bits (closest: ${best.bits.toFixed(3)} bits); ` +
        `request a larger size or another entropy`,
    );
  }
  const rows = rng.shuffle(mix(best.count));
  return { rows, entropyBits: best.bits, uniformShare: best.count / size, range: [low, high] };
}

/** Sorts `rows` by the sum over features of log₂ P(value), most typical first; equal sums keep the given order. */
function lowDiversityOrder(discrete: DiscreteTable, rows: Int32Array): Int32Array {
  const logProbabilities = discrete.columns.map((column) => {
    const counts = new Float64Array(column.levels);
    for (const row of rows) counts[column.codes[row]]++;
    return counts.map((count) => Math.log2(count / rows.length));
  });
  const scores = new Map<number, number>();
  for (const row of rows) {
    let score = 0;
    discrete.columns.forEach((column, j) => (score += logProbabilities[j][column.codes[row]]));
    scores.set(row, score);
  }
  return Int32Array.from(rows).sort((a, b) => scores.get(b)! - scores.get(a)!);
}

/** The first size − uniformCount stratum rows plus the first uniformCount rows of `uniform` not among them. */
function mixRows(stratum: Int32Array, uniform: Int32Array, size: number, uniformCount: number): Int32Array {
  const rows = new Int32Array(size);
  const fromStratum = stratum.subarray(0, size - uniformCount);
  rows.set(fromStratum);
  const taken = new Set(fromStratum);
  let filled = fromStratum.length;
  for (let i = 0; filled < size; i++) {
    if (!taken.has(uniform[i])) rows[filled++] = uniform[i];
  }
  return rows;
}

function poolRows(data: SamplerData, options: SamplerOptions): Int32Array {
  if (options.pool !== undefined) return Int32Array.from(options.pool);
  return Int32Array.from({ length: data.features.rows }, (_, i) => i);
}

function checkSize(size: number, poolSize: number): void {
  if (!Number.isInteger(size) || size < 1) {
    throw new MiascopeError(`invalid sample size ${size}; request a whole number of records, 1 or more`);
  }
  if (size > poolSize) {
    throw new MiascopeError(
      `${size.toLocaleString('en-US')} records requested but the pool contains ${poolSize.toLocaleString('en-US')}; lower the size`,
    );
  }
}

function checkPercent(property: string, percent: number): void {
  if (!Number.isFinite(percent) || percent < 0 || percent > 100) {
    throw new MiascopeError(`invalid ${property} ${percent}%; request a percentage from 0 to 100`);
  }
}

/** Draws `count` of `rows` without replacement, or raises the error of an impossible request. */
function drawFrom(rows: Int32Array, count: number, rng: Rng, description: string, fix: string): Int32Array {
  if (count > rows.length) {
    throw new MiascopeError(`${count.toLocaleString('en-US')} ${description} but the pool contains ${rows.length.toLocaleString('en-US')}; ${fix}`);
  }
  return rng.shuffle(Int32Array.from(rows)).slice(0, count);
}

function concat(a: Int32Array, b: Int32Array): Int32Array {
  const out = new Int32Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

function percentOf(rows: Int32Array, predicate: (row: number) => boolean): number {
  let count = 0;
  for (const row of rows) if (predicate(row)) count++;
  return (100 * count) / rows.length;
}
