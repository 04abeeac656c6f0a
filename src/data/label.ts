import type { Labels } from '../../engine/matrix.ts';
import { MiascopeError } from '../errors.ts';
import { findColumn, parseNumber, type Column, type Table } from './table.ts';

/** Options of `splitLabel`. */
export interface LabelOptions {
  /**
   * Label value of the positive class (y = 1). Values are compared without one
   * trailing full stop, so `>50K` and `>50K.` both match the `>50K` of UCI
   * Adult's training file and the `>50K.` of its test file. When absent, a two-valued label takes the second value in sorted
   * order as positive.
   */
  positive?: string;
}

/** Feature columns and the binary label split off a table. */
export interface LabelSplit {
  /** The table without the label column. */
  features: Table;
  /** 1 for the positive class, 0 otherwise, one per row. */
  y: Labels;
  labelColumn: string;
  /** Names of class 0 and class 1. */
  classNames: [negative: string, positive: string];
  /** Number of rows of class 0 and class 1. */
  classCounts: [negative: number, positive: number];
}

/** Number of label values that error messages list before "and N more". */
const LISTED_VALUES = 10;

/**
 * Splits `table` into feature columns and a binary label taken from column
 * `labelColumn`, which may be numeric or categorical.
 *
 * Class 0 is named after the negative value when there is one (ignoring a
 * trailing full stop), else `not <positive>`.
 *
 * Raises MiascopeError when the column does not exist, when the label has more
 * than two values and no positive value is given, and when either class would
 * be empty.
 */
export function splitLabel(table: Table, labelColumn: string, options: LabelOptions = {}): LabelSplit {
  const column = findColumn(table, labelColumn);
  if (column === undefined) {
    throw labelNotFound(labelColumn, table.columns.map((c) => c.name));
  }
  const features: Table = { columns: table.columns.filter((c) => c !== column), rows: table.rows };
  const { values, counts, valueIndex } = labelValues(column);

  if (values.length < 2) {
    const found = values.length === 0 ? 'no values' : `a single class: ${listValueCounts(values, counts)}`;
    throw new MiascopeError(
      `label column ${labelColumn} has ${found}; a binary label needs two classes (choose another column with --label COL)`,
    );
  }
  if (options.positive === undefined && values.length > 2) {
    throw new MiascopeError(
      `label column ${labelColumn} has ${values.length} values, so the positive class is ambiguous: ` +
        `${listValueCounts(values, counts)}; pass --positive VALUE to choose it`,
    );
  }

  const positive = options.positive ?? values[1];
  const isPositive = values.map((value) => matchesPositive(value, positive, column));
  const positiveCount = counts.reduce((sum, count, v) => sum + (isPositive[v] ? count : 0), 0);
  if (positiveCount === 0) {
    throw new MiascopeError(
      `positive value "${positive}" not found in label column ${labelColumn} ` +
        `(values: ${listValueCounts(values, counts)}); pass --positive with one of them`,
    );
  }
  if (positiveCount === table.rows) {
    throw new MiascopeError(
      `every record of label column ${labelColumn} matches the positive value "${positive}" ` +
        `(values: ${listValueCounts(values, counts)}); pass --positive with a value that some records lack`,
    );
  }

  const y = new Int32Array(table.rows);
  for (let i = 0; i < table.rows; i++) {
    y[i] = isPositive[valueIndex(i)] ? 1 : 0;
  }
  const negativeName = nameNegativeClass(values.filter((_, v) => !isPositive[v]), positive);

  return {
    features,
    y,
    labelColumn,
    classNames: [negativeName, withoutFullStop(positive)],
    classCounts: [table.rows - positiveCount, positiveCount],
  };
}

/** Creates the error for a label column that is not among `columnNames`. */
export function labelNotFound(labelColumn: string, columnNames: readonly string[]): MiascopeError {
  return new MiascopeError(
    `label column "${labelColumn}" not found (columns: ${columnNames.join(', ')}); choose one with --label COL`,
  );
}

interface LabelValues {
  /** Distinct values as text: categories in their sorted order, numbers in ascending order. */
  values: string[];
  counts: number[];
  /** Index into `values` of row i's value. */
  valueIndex: (row: number) => number;
}

function labelValues(column: Column): LabelValues {
  if (column.kind === 'categorical') {
    const counts = new Array<number>(column.categories.length).fill(0);
    for (const code of column.codes) counts[code]++;
    // Categories absent from the rows cannot occur in a table from buildTable,
    // but a table assembled by hand may carry them.
    const present = column.categories.map((_, code) => code).filter((code) => counts[code] > 0);
    const indexOfCode = new Int32Array(column.categories.length);
    present.forEach((code, v) => (indexOfCode[code] = v));
    return {
      values: present.map((code) => column.categories[code]),
      counts: present.map((code) => counts[code]),
      valueIndex: (row) => indexOfCode[column.codes[row]],
    };
  }

  const distinct = [...new Set(column.values)].sort((a, b) => a - b);
  const indexOfValue = new Map(distinct.map((value, v) => [value, v]));
  const counts = new Array<number>(distinct.length).fill(0);
  for (const value of column.values) counts[indexOfValue.get(value)!]++;
  return {
    values: distinct.map(String),
    counts,
    valueIndex: (row) => indexOfValue.get(column.values[row])!,
  };
}

function withoutFullStop(value: string): string {
  return value.endsWith('.') ? value.slice(0, -1) : value;
}

function matchesPositive(value: string, positive: string, column: Column): boolean {
  if (withoutFullStop(value) === withoutFullStop(positive)) return true;
  return column.kind === 'numeric' && Number(value) === parseNumber(positive);
}

function nameNegativeClass(negativeValues: string[], positive: string): string {
  const names = new Set(negativeValues.map(withoutFullStop));
  return names.size === 1 ? [...names][0] : `not ${positive}`;
}

/** Formats values with their counts as `a (3), b (4)`, listing at most LISTED_VALUES of them. */
function listValueCounts(values: readonly string[], counts: readonly number[]): string {
  const listed = values.slice(0, LISTED_VALUES).map((value, v) => `${value} (${counts[v]})`);
  if (values.length > LISTED_VALUES) listed.push(`and ${values.length - LISTED_VALUES} more`);
  return listed.join(', ');
}
