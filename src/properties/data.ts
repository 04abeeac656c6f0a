import type { Labels } from '../../engine/matrix.ts';
import { MiascopeError } from '../errors.ts';
import type { Table } from '../data/table.ts';
import { DEFAULT_BINS, discretize, type DiscreteTable } from './discretize.ts';
import { entropyBits, mutualInformationBits } from './information.ts';

/**
 * Data properties of Tonni et al., "Data and Model Dependencies of Membership
 * Inference Attack" (2020): size, class balance, feature balance, number of
 * features and entropy, measured on a discretised table (categorical codes as
 * they are, numeric columns in equal-frequency bins).
 */

/** Number of features whose most frequent value combination defines feature balance. */
export const DEFAULT_BALANCE_FEATURES = 5;

/** A feature with a score in bits (its entropy, or its mutual information with the label). */
export interface FeatureScore {
  name: string;
  bits: number;
}

/** Share of records carrying c*, the most frequent value combination of the features most informative of the label. */
export interface FeatureBalance {
  /** The k features with the highest mutual information with the label, highest first. */
  features: string[];
  /** Indices of `features` among the table's columns. */
  columns: number[];
  /** Discrete code of c* in each of `features`. */
  codes: number[];
  /** c* written out: a category, or the bin of a numeric feature such as `[25, 33)`. */
  values: string[];
  /** 100 · P[x = c*]. */
  percent: number;
  /** P[x = c*] / P[x ≠ c*], the form the paper reports; Infinity when every record carries c*. */
  ratio: number;
}

/** The data properties of a set of records. */
export interface DataProperties {
  /** Number of records. */
  size: number;
  /** Percentage of records with y = 1. */
  classBalancePercent: number;
  featureBalance: FeatureBalance;
  /** Number of feature columns. */
  featureCount: number;
  /** Entropy of each feature, in table order. */
  featureEntropy: FeatureScore[];
  /** H_D, the mean of the feature entropies, in bits. */
  entropyBits: number;
  /** The features with the highest mutual information with the label, highest first. */
  topFeatures: FeatureScore[];
  /** Equal-frequency bins requested for numeric columns; tied values can leave a column with fewer. */
  bins: number;
}

/** Options of `dataProperties`. */
export interface DataPropertyOptions {
  /** Records to measure, as row indices. Default all rows. */
  rows?: ArrayLike<number>;
  /** Equal-frequency bins for numeric columns. Default 10. Ignored when `discrete` is given. */
  bins?: number;
  /** Features that define feature balance and are listed in `topFeatures`. Default 5. */
  k?: number;
  /**
   * The table already discretised. By default bin edges come from all rows of
   * the table, not only `rows`, so subsets of one dataset are measured on the
   * same bins. A sample concentrated in a few bins then has lower entropy.
   */
  discrete?: DiscreteTable;
}

/**
 * Measures the data properties of `rows` of a dataset (default all rows).
 *
 * Raises MiascopeError when there are no rows or no feature columns.
 */
export function dataProperties(data: { features: Table; y: Labels }, options: DataPropertyOptions = {}): DataProperties {
  const { features, y } = data;
  const rows = options.rows ?? everyRow(features.rows);
  if (rows.length === 0) throw new MiascopeError('cannot measure data properties of 0 records (give at least one record)');
  if (features.columns.length === 0) throw new MiascopeError('cannot measure data properties of a table with no feature columns');
  const discrete = options.discrete ?? discretize(features, { bins: options.bins ?? DEFAULT_BINS });
  const k = options.k ?? DEFAULT_BALANCE_FEATURES;

  let positives = 0;
  for (let r = 0; r < rows.length; r++) positives += y[rows[r]];
  const featureEntropy = featureEntropies(discrete, rows);
  const entropy = featureEntropy.reduce((sum, feature) => sum + feature.bits, 0) / featureEntropy.length;

  return {
    size: rows.length,
    classBalancePercent: (100 * positives) / rows.length,
    featureBalance: featureBalance(features, discrete, y, { k, rows }),
    featureCount: features.columns.length,
    featureEntropy,
    entropyBits: entropy,
    topFeatures: topFeaturesByMutualInformation(discrete, y, k, rows),
    bins: discrete.bins,
  };
}

/** Returns the entropy in bits of each discrete column over `rows`, in table order. */
export function featureEntropies(discrete: DiscreteTable, rows: ArrayLike<number> = everyRow(discrete.rows)): FeatureScore[] {
  return discrete.columns.map((column) => ({ name: column.name, bits: entropyBits(column.codes, column.levels, rows) }));
}

/** Returns H_D, the mean over the discrete columns of their entropy in bits over `rows`. */
export function datasetEntropyBits(discrete: DiscreteTable, rows: ArrayLike<number> = everyRow(discrete.rows)): number {
  const entropies = featureEntropies(discrete, rows);
  return entropies.reduce((sum, feature) => sum + feature.bits, 0) / entropies.length;
}

/**
 * Returns the `k` features (all, when there are fewer) with the highest plug-in
 * mutual information with the binary label `y` over `rows`, highest first.
 * Ties keep table order.
 */
export function topFeaturesByMutualInformation(
  discrete: DiscreteTable,
  y: Labels,
  k: number = DEFAULT_BALANCE_FEATURES,
  rows: ArrayLike<number> = everyRow(discrete.rows),
): (FeatureScore & { column: number })[] {
  const scores = discrete.columns.map((column, j) => ({
    name: column.name,
    bits: mutualInformationBits(column.codes, column.levels, y, 2, rows),
    column: j,
  }));
  // Array.prototype.sort is stable, so equal scores stay in table order.
  return scores.sort((a, b) => b.bits - a.bits).slice(0, k);
}

/**
 * Measures feature balance over `rows`: c* is the most frequent combination of
 * the discrete values of the top-k features by mutual information with the
 * label (ties go to the combination seen first in `rows`).
 */
export function featureBalance(
  features: Table,
  discrete: DiscreteTable,
  y: Labels,
  options: { k?: number; rows?: ArrayLike<number> } = {},
): FeatureBalance {
  const rows = options.rows ?? everyRow(discrete.rows);
  const top = topFeaturesByMutualInformation(discrete, y, options.k ?? DEFAULT_BALANCE_FEATURES, rows);
  const columns = top.map((feature) => feature.column);

  const counts = new Map<string, number>();
  let modeKey = '';
  let modeCount = 0;
  for (let r = 0; r < rows.length; r++) {
    const key = combinationKey(discrete, columns, rows[r]);
    const count = (counts.get(key) ?? 0) + 1;
    counts.set(key, count);
    if (count > modeCount) {
      modeKey = key;
      modeCount = count;
    }
  }

  const codes = modeKey === '' ? [] : modeKey.split(',').map(Number);
  const share = modeCount / rows.length;
  return {
    features: top.map((feature) => feature.name),
    columns,
    codes,
    values: columns.map((j, t) => describeCode(features, discrete, j, codes[t])),
    percent: 100 * share,
    ratio: share === 1 ? Infinity : share / (1 - share),
  };
}

/** Tests whether row `row` carries the combination `codes` in `columns`. */
export function carriesCombination(discrete: DiscreteTable, columns: readonly number[], codes: readonly number[], row: number): boolean {
  return columns.every((j, t) => discrete.columns[j].codes[row] === codes[t]);
}

/**
 * Joins a row's codes in `columns` with commas. A string key, because the
 * product of the level counts of five columns can exceed 2^53.
 */
function combinationKey(discrete: DiscreteTable, columns: readonly number[], row: number): string {
  return columns.map((j) => discrete.columns[j].codes[row]).join(',');
}

/** Writes out code `code` of column j: its category, or its bin as an interval of the numeric values. */
function describeCode(features: Table, discrete: DiscreteTable, j: number, code: number): string {
  const column = features.columns[j];
  if (column.kind === 'categorical') return column.categories[code];
  const edges = discrete.columns[j].edges ?? [];
  if (edges.length === 0) return 'all values';
  if (code === 0) return `< ${edges[0]}`;
  if (code === edges.length) return `≥ ${edges[edges.length - 1]}`;
  return `[${edges[code - 1]}, ${edges[code]})`;
}

function everyRow(n: number): Int32Array {
  const rows = new Int32Array(n);
  for (let i = 0; i < n; i++) rows[i] = i;
  return rows;
}

/**
 * Marks the records of the `paper` protocol's feature-balance group: those
 * whose first `columns` feature columns are all ≤ 0.5 after min-max scaling to
 * [0, 1] over the whole table, as the published code of Tonni et al. selects
 * it. Categorical columns are scaled through their ordinal codes. Returns 1 for
 * records in the group and 0 for the rest.
 *
 * NOTE: "first" follows this table's column order. The authors' processed
 * Adult table orders its columns differently (age, race, gender, …), so on
 * Adult the group differs from theirs.
 */
export function paperFeatureBalanceGroup(features: Table, columns = DEFAULT_BALANCE_FEATURES): Uint8Array {
  const inGroup = new Uint8Array(features.rows).fill(1);
  for (const column of features.columns.slice(0, columns)) {
    const values = column.kind === 'numeric' ? column.values : Float64Array.from(column.codes);
    let min = Infinity;
    let max = -Infinity;
    for (const value of values) {
      if (value < min) min = value;
      if (value > max) max = value;
    }
    const range = max - min;
    for (let i = 0; i < features.rows; i++) {
      // A constant column scales to 0 everywhere, as min-max scaling with a zero range does in the authors' code.
      const scaled = range > 0 ? (values[i] - min) / range : 0;
      if (scaled > 0.5) inGroup[i] = 0;
    }
  }
  return inGroup;
}
