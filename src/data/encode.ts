import { Matrix } from '../../engine/matrix.ts';
import { MiascopeError } from '../errors.ts';
import type { CategoricalColumn, Column, NumericColumn, Table } from './table.ts';

/**
 * Encoding of a categorical column for models: its code in the sorted order of
 * the category strings (one feature), or one 0/1 indicator per category.
 */
export type CategoricalEncoding = 'ordinal' | 'one-hot';

export const CATEGORICAL_ENCODINGS: readonly CategoricalEncoding[] = ['ordinal', 'one-hot'];

/**
 * Encoding of a numeric column for models: z-score standardisation, min-max
 * scaling to [0, 1] over the fit rows, or the raw value. Ordinal codes of
 * categorical columns are scaled the same way.
 */
export type NumericEncoding = 'z-score' | 'min-max' | 'none';

export const NUMERIC_ENCODINGS: readonly NumericEncoding[] = ['z-score', 'min-max', 'none'];

/** Options of `fitEncoder`. */
export interface EncoderOptions {
  /** Default `'ordinal'`. */
  categorical?: CategoricalEncoding;
  /** Default `'z-score'`. */
  numeric?: NumericEncoding;
}

/**
 * Fitted encoding of a numeric column: the feature is (value − mean) / std.
 * Under min-max scaling `mean` stores the minimum and `std` the range
 * (maximum − minimum), so the same formula maps the fit rows onto [0, 1].
 */
export interface NumericColumnEncoding {
  name: string;
  kind: 'numeric';
  mean: number;
  std: number;
  /** `'min-max'` when `mean` and `std` are the minimum and range; absent for z-score and none. */
  scaling?: 'min-max';
}

/** Fitted encoding of a categorical column. */
export interface CategoricalColumnEncoding {
  name: string;
  kind: 'categorical';
  encoding: CategoricalEncoding;
  /** Categories in code order; a one-hot column has one feature for each. */
  categories: string[];
  /**
   * Ordinal codes are standardised like numeric columns, (code − mean) / std,
   * with both fit on the training rows; mean 0 and std 1 leave the codes as
   * they are (numeric encoding 'none'). Under 'min-max', mean and std are the
   * minimum code and the code range. One-hot indicators are never scaled.
   */
  mean: number;
  std: number;
}

export type ColumnEncoding = NumericColumnEncoding | CategoricalColumnEncoding;

/** Everything a fitted encoder stores, as plain JSON-serialisable data. */
export interface EncoderState {
  columns: ColumnEncoding[];
}

/** A fitted encoder from a feature table to a model input matrix. */
export interface Encoder {
  state: EncoderState;
  /** Name of each matrix column: the column name, or `name=category` for one-hot indicators. */
  featureNames: string[];
  /**
   * Encodes `rows` of `features` (default all rows, in order) into a matrix of
   * shape [rows.length, featureNames.length]. The table must have the columns
   * the encoder was fit on, in the same order and of the same kinds.
   */
  transform(features: Table, rows?: ArrayLike<number>): Matrix;
  toJSON(): EncoderState;
}

/**
 * Fits an encoder on `features`. Means and standard deviations come from
 * `trainRows` only, so that held-out rows leave no trace in the encoding.
 * Categories come from the whole table, since they carry no information about
 * which rows are training rows and a category absent from the training rows
 * still needs a code.
 */
export function fitEncoder(features: Table, trainRows: ArrayLike<number>, options: EncoderOptions = {}): Encoder {
  const categorical = options.categorical ?? 'ordinal';
  const numeric = options.numeric ?? 'z-score';
  if (!CATEGORICAL_ENCODINGS.includes(categorical)) {
    throw new MiascopeError(`invalid categorical encoding "${categorical}" (use one of: ${CATEGORICAL_ENCODINGS.join(', ')})`);
  }
  if (!NUMERIC_ENCODINGS.includes(numeric)) {
    throw new MiascopeError(`invalid numeric encoding "${numeric}" (use one of: ${NUMERIC_ENCODINGS.join(', ')})`);
  }
  if (trainRows.length === 0) {
    throw new MiascopeError('cannot fit the encoder on 0 training rows (request a training set of at least 1 row)');
  }

  const columns = features.columns.map((column): ColumnEncoding => {
    if (column.kind === 'categorical') {
      const encoding = { name: column.name, kind: 'categorical' as const, encoding: categorical, categories: [...column.categories] };
      if (categorical === 'one-hot' || numeric === 'none') return { ...encoding, mean: 0, std: 1 };
      // The table's codes index its sorted categories, which the encoder copies, so they are the ordinal codes.
      const codes = Float64Array.from(column.codes);
      return { ...encoding, ...(numeric === 'min-max' ? minAndRange(codes, trainRows) : meanAndStd(codes, trainRows)) };
    }
    if (numeric === 'none') {
      return { name: column.name, kind: 'numeric', mean: 0, std: 1 };
    }
    if (numeric === 'min-max') {
      return { name: column.name, kind: 'numeric', ...minAndRange(column.values, trainRows), scaling: numeric };
    }
    return { name: column.name, kind: 'numeric', ...meanAndStd(column.values, trainRows) };
  });
  return encoderFromState({ columns });
}

/** Rebuilds an encoder from the state of a fitted one (`encoder.toJSON()`). */
export function encoderFromState(state: EncoderState): Encoder {
  const featureNames = state.columns.flatMap((encoding) =>
    encoding.kind === 'categorical' && encoding.encoding === 'one-hot'
      ? encoding.categories.map((category) => `${encoding.name}=${category}`)
      : [encoding.name],
  );

  const transform = (features: Table, rows?: ArrayLike<number>): Matrix => {
    checkColumns(state, features);
    const selected = rows ?? allRows(features.rows);
    const out = new Matrix(selected.length, featureNames.length);
    let offset = 0;
    state.columns.forEach((encoding, j) => {
      offset += writeColumn(out, offset, encoding, features.columns[j], selected);
    });
    return out;
  };

  return { state, featureNames, transform, toJSON: () => state };
}

/**
 * Mean and population standard deviation (divisor n) of `values` over `rows`.
 * A constant column has std 0; it is stored as 1, so that its feature is 0 on
 * every row instead of NaN.
 */
function meanAndStd(values: Float64Array, rows: ArrayLike<number>): { mean: number; std: number } {
  let sum = 0;
  for (let r = 0; r < rows.length; r++) sum += values[rows[r]];
  const mean = sum / rows.length;

  let squares = 0;
  for (let r = 0; r < rows.length; r++) {
    const deviation = values[rows[r]] - mean;
    squares += deviation * deviation;
  }
  const std = Math.sqrt(squares / rows.length);
  return { mean, std: std > 0 ? std : 1 };
}

/**
 * Minimum and range (maximum − minimum) of `values` over `rows`, in the
 * `mean` and `std` fields that the transform reads. A constant column has
 * range 0; it is stored as 1, so that its feature is 0 on every row.
 */
function minAndRange(values: Float64Array, rows: ArrayLike<number>): { mean: number; std: number } {
  let min = Infinity;
  let max = -Infinity;
  for (let r = 0; r < rows.length; r++) {
    const value = values[rows[r]];
    if (value < min) min = value;
    if (value > max) max = value;
  }
  return { mean: min, std: max > min ? max - min : 1 };
}

function checkColumns(state: EncoderState, features: Table): void {
  const expected = state.columns.map((c) => `${c.name} (${c.kind})`).join(', ');
  const found = features.columns.map((c) => `${c.name} (${c.kind})`).join(', ');
  if (expected !== found) {
    throw new MiascopeError(
      `the table does not match the encoder: the encoder was fit on columns ${expected}, ` +
        `the table has ${found} (encode a table with the same columns, or fit a new encoder)`,
    );
  }
}

/** Writes the features of one column into `out` from column `offset` on and returns how many it wrote. */
function writeColumn(out: Matrix, offset: number, encoding: ColumnEncoding, column: Column, rows: ArrayLike<number>): number {
  const width = out.cols;
  if (encoding.kind === 'numeric') {
    const values = (column as NumericColumn).values;
    for (let r = 0; r < rows.length; r++) {
      out.data[r * width + offset] = (values[rows[r]] - encoding.mean) / encoding.std;
    }
    return 1;
  }

  const { codes, categories } = column as CategoricalColumn;
  const encoderCode = mapCategories(encoding, categories);
  for (let r = 0; r < rows.length; r++) {
    const code = encoderCode[codes[rows[r]]];
    if (code < 0) {
      throw new MiascopeError(
        `column ${encoding.name} has the category "${categories[codes[rows[r]]]}", which the encoder was not fit on ` +
          `(known: ${encoding.categories.join(', ')}); fit the encoder on a table that contains it`,
      );
    }
    if (encoding.encoding === 'ordinal') {
      out.data[r * width + offset] = (code - encoding.mean) / encoding.std;
    } else {
      out.data[r * width + offset + code] = 1;
    }
  }
  return encoding.encoding === 'ordinal' ? 1 : encoding.categories.length;
}

/** Maps each code of the table's `categories` to the encoder's code for the same string, or −1. */
function mapCategories(encoding: CategoricalColumnEncoding, categories: readonly string[]): Int32Array {
  const encoderCode = new Map(encoding.categories.map((category, code) => [category, code]));
  return Int32Array.from(categories, (category) => encoderCode.get(category) ?? -1);
}

function allRows(n: number): Int32Array {
  const rows = new Int32Array(n);
  for (let i = 0; i < n; i++) rows[i] = i;
  return rows;
}
