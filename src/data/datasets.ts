import { readFileSync, statSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';

import type { Labels } from '../../engine/matrix.ts';
import { MiascopeError } from '../errors.ts';
import { packagePath } from '../paths.ts';
import { parseCsv, type CsvData } from './csv.ts';
import { labelNotFound, splitLabel } from './label.ts';
import { buildTable, type ColumnKind, type MissingPolicy, type Table } from './table.ts';

/** Options of `loadDataset`. */
export interface DatasetOptions {
  /** Name of the label column. Required for a CSV file; default `income` for Adult. */
  label?: string;
  /**
   * Label value of the positive class; see `LabelOptions.positive`.
   * Default `>50K` for Adult's `income`, none otherwise.
   */
  positive?: string;
  /** Default `'drop-rows'`. */
  missingPolicy?: MissingPolicy;
  /** Cell strings that mean "missing". Default `['', '?', 'NA', 'NaN']`. */
  missingValues?: string[];
  /** Column kinds by column name, replacing the inferred kind. */
  columnTypes?: Record<string, ColumnKind>;
  /** Field separator of a CSV file. Default `','`. */
  delimiter?: string;
}

/** A loaded dataset: feature columns and a binary label. */
export interface Dataset {
  /** `adult`, or the CSV path as given. */
  name: string;
  features: Table;
  /** 1 for the positive class, 0 otherwise, one per row of `features`. */
  y: Labels;
  labelColumn: string;
  /** Names of class 0 and class 1. */
  classNames: [negative: string, positive: string];
  /** Number of rows of class 0 and class 1. */
  classCounts: [negative: number, positive: number];
  /** Data rows in the files, before any was dropped. */
  rowsRead: number;
  /** Rows dropped for a missing cell. */
  droppedRows: number;
  /** Cells filled by the `'impute'` missing-value policy. */
  imputedCells: number;
}

/** Column names of UCI Adult, in file order, from `adult.names`. */
export const ADULT_COLUMNS: readonly string[] = [
  'age',
  'workclass',
  'fnlwgt',
  'education',
  'education-num',
  'marital-status',
  'occupation',
  'relationship',
  'race',
  'sex',
  'capital-gain',
  'capital-loss',
  'hours-per-week',
  'native-country',
  'income',
];

/**
 * Loads the shipped UCI Adult dataset when `name` is `adult`, else the CSV
 * file at path `name`, which must have a header row. A path ending in `.gz`
 * is decompressed first.
 *
 * Raises MiascopeError for a file that does not exist or cannot be read, and
 * for any error of `parseCsv`, `buildTable` or `splitLabel`.
 */
export function loadDataset(name: 'adult' | (string & {}), options: DatasetOptions = {}): Dataset {
  return name === 'adult' ? loadAdult(options) : loadCsvDataset(name, options);
}

/**
 * Loads UCI Adult: `adult.data` followed by `adult.test`, 48,842 records, of
 * which 45,222 remain after dropping the rows with a `?`. The test file's
 * first line (`|1x3 Cross validator`) is skipped, and its labels end in a full
 * stop, which the default positive value `>50K` also matches.
 */
function loadAdult(options: DatasetOptions): Dataset {
  const label = options.label ?? 'income';
  const positive = options.positive ?? (label === 'income' ? '>50K' : undefined);
  const csvOptions = { header: false, columns: [...ADULT_COLUMNS] };
  const train = parseCsv(readShipped('adult.data.gz'), { ...csvOptions, source: 'adult.data' });
  const test = parseCsv(readShipped('adult.test.gz'), { ...csvOptions, source: 'adult.test', skipLines: 1 });

  const rows = train.rows.concat(test.rows);
  const describeRow = (index: number): string =>
    index < train.rows.length ? describeLine(train, index) : describeLine(test, index - train.rows.length);
  return assemble('adult', ADULT_COLUMNS, rows, describeRow, { ...options, label, positive });
}

function loadCsvDataset(path: string, options: DatasetOptions): Dataset {
  const csv = parseCsv(readDatasetFile(path), { source: path, delimiter: options.delimiter });
  return assemble(path, csv.columns, csv.rows, (index) => describeLine(csv, index), options);
}

function assemble(
  name: string,
  columnNames: readonly string[],
  rows: string[][],
  describeRow: (index: number) => string,
  options: DatasetOptions,
): Dataset {
  if (options.label === undefined) {
    throw new MiascopeError(`no label column given for ${name} (columns: ${columnNames.join(', ')}); choose one with --label COL`);
  }
  // Checked before the table is built, so that a wrong label name is reported
  // even when a missing cell would raise an error first.
  if (!columnNames.includes(options.label)) {
    throw labelNotFound(options.label, columnNames);
  }

  const build = buildTable(columnNames, rows, {
    missingValues: options.missingValues,
    missingPolicy: options.missingPolicy,
    columnTypes: options.columnTypes,
    requiredColumns: [options.label],
    describeRow,
  });
  const split = splitLabel(build.table, options.label, { positive: options.positive });

  return {
    name,
    features: split.features,
    y: split.y,
    labelColumn: split.labelColumn,
    classNames: split.classNames,
    classCounts: split.classCounts,
    rowsRead: rows.length,
    droppedRows: build.droppedRows,
    imputedCells: build.imputedCells,
  };
}

function describeLine(csv: CsvData, index: number): string {
  return `${csv.source} line ${csv.lineOf(index)}`;
}

function readShipped(file: string): Uint8Array {
  return gunzipSync(readFileSync(packagePath('data', 'adult', file)));
}

function readDatasetFile(path: string): Uint8Array {
  const stats = statSync(path, { throwIfNoEntry: false });
  if (stats === undefined) {
    throw new MiascopeError(`dataset file not found: ${path} (give a path to a CSV file with a header row, or --dataset adult)`);
  }
  if (!stats.isFile()) {
    throw new MiascopeError(`dataset path is not a file: ${path} (give a path to a CSV file with a header row, or --dataset adult)`);
  }

  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch (error) {
    throw new MiascopeError(`cannot read dataset file ${path}: ${(error as Error).message}`);
  }
  if (!path.endsWith('.gz')) return bytes;
  try {
    return gunzipSync(bytes);
  } catch (error) {
    throw new MiascopeError(`cannot decompress dataset file ${path}: ${(error as Error).message} (a path ending in .gz must be a gzip file)`);
  }
}
