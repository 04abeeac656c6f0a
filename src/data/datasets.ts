import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';

import type { Labels } from '../../engine/matrix.ts';
import { MiascopeError } from '../errors.ts';
import { packagePath } from '../paths.ts';
import { parseCsv, type CsvData } from './csv.ts';
import { binarizeByGaussianMixture } from './gmm.ts';
import { labelNotFound, splitLabel } from './label.ts';
import { buildTable, type ColumnKind, type MissingPolicy, type Table } from './table.ts';
import { readTarMembers } from './tar.ts';

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
  /**
   * Texas and Purchase: the dataset file, a CSV or the `.tar.gz` holding one
   * CSV as its authors publish it. Default: `Texas.csv` or `Texas.tar.gz`
   * (`Purchase.…` likewise) in the folder named by MIASCOPE_DATA_DIR.
   */
  path?: string;
  /**
   * `'gmm'` replaces the label by the cluster of a 2-component Gaussian
   * mixture fit on the encoded features (see `binarizeByGaussianMixture`).
   * The label column is still dropped from the features; without a label
   * column every column is a feature.
   */
  binarize?: Binarization;
  /** Seed of the Gaussian mixture of `binarize: 'gmm'`. Default 0. */
  binarizeSeed?: string | number;
}

/** Ways to make a binary label out of a dataset's columns. */
export type Binarization = 'gmm';

export const BINARIZATIONS: readonly Binarization[] = ['gmm'];

/** Datasets that miascope can load by name but does not ship, because their licences give no right to redistribute them. */
export type ExternalDatasetName = 'texas' | 'purchase';

/** File name stem of each external dataset, as its authors publish it. */
const EXTERNAL_FILE_STEMS: Record<ExternalDatasetName, string> = { texas: 'Texas', purchase: 'Purchase' };

/**
 * Header of each external dataset's CSV file as its authors publish it, with
 * the label `class` last. Texas has 17 feature columns (16 in the paper, plus
 * `pat_state_notused`) and Purchase 16. A file for that name must have exactly
 * these columns, in any order.
 */
const EXTERNAL_COLUMNS: Record<ExternalDatasetName, readonly string[]> = {
  texas: [
    'sex_code',
    'race',
    'illness_severity',
    'type_of_admission',
    'source_of_admission',
    'pat_state_notused',
    'pat_zip',
    'county',
    'public_health_region',
    'admit_weekday',
    'length_of_stay',
    'pat_age',
    'pat_status',
    'ethnicity',
    'princ_surg_proc_code',
    'princ_surg_proc_day',
    'risk_mortality',
    'class',
  ],
  purchase: [
    'repeater',
    'year',
    'purchasequantity',
    'id',
    'chain',
    'dept',
    'category',
    'company',
    'brand',
    'productsize',
    'productmeasure',
    'purchaseamount',
    'offer',
    'market',
    'repeattrips',
    'offer_year',
    'class',
  ],
};

/** Environment variable naming a folder that contains the external dataset files. */
export const DATA_DIR_VARIABLE = 'MIASCOPE_DATA_DIR';

/** A loaded dataset: feature columns and a binary label. */
export interface Dataset {
  /** `adult`, `texas`, `purchase`, or the CSV path as given. */
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
 * Loads the shipped UCI Adult dataset when `name` is `adult`, the Texas or
 * Purchase files of Tonni et al. when it is `texas` or `purchase` (see
 * `loadExternal`), else the CSV file at path `name`, which must have a header
 * row. A path ending in `.gz` is decompressed first.
 *
 * Raises MiascopeError for a file that does not exist or cannot be read, and
 * for any error of `parseCsv`, `buildTable` or `splitLabel`.
 */
export function loadDataset(name: 'adult' | ExternalDatasetName | (string & {}), options: DatasetOptions = {}): Dataset {
  if (options.binarize !== undefined && !BINARIZATIONS.includes(options.binarize)) {
    throw new MiascopeError(`invalid binarization "${options.binarize}" (use one of: ${BINARIZATIONS.join(', ')})`);
  }
  if (name === 'texas' || name === 'purchase') return loadExternal(name as ExternalDatasetName, options);
  if (options.path !== undefined) {
    throw new MiascopeError(`a data path applies only to --dataset texas or purchase, not to ${name}; for a CSV file give its path as --dataset FILE.csv`);
  }
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

/**
 * Loads Texas or Purchase as processed by Tonni et al. for "Data and Model
 * Dependencies of Membership Inference Attack" (2020): a CSV, or a `.tar.gz`
 * holding one CSV member, with numeric columns and the label in column
 * `class` (positive value `1`). The file is `options.path`, else
 * `<Stem>.csv` or `<Stem>.tar.gz` in the folder named by MIASCOPE_DATA_DIR.
 */
function loadExternal(name: ExternalDatasetName, options: DatasetOptions): Dataset {
  const path = locateExternal(name, options.path);
  const bytes = isTarGz(path) ? readCsvMember(path) : readDatasetFile(path);
  const csv = parseCsv(bytes, { source: path, delimiter: options.delimiter });
  checkExternalColumns(name, path, csv.columns);
  const label = options.label ?? 'class';
  const positive = options.positive ?? (label === 'class' ? '1' : undefined);
  return assemble(name, csv.columns, csv.rows, (index) => describeLine(csv, index), { ...options, label, positive });
}

/** Rejects a file whose header is not the one of dataset `name`, e.g. the Purchase file given as Texas. */
function checkExternalColumns(name: ExternalDatasetName, path: string, columns: readonly string[]): void {
  const expected = EXTERNAL_COLUMNS[name];
  const missing = expected.filter((column) => !columns.includes(column));
  const unexpected = columns.filter((column) => !expected.includes(column));
  if (missing.length === 0 && unexpected.length === 0) return;

  const stem = EXTERNAL_FILE_STEMS[name];
  const other = (Object.keys(EXTERNAL_COLUMNS) as ExternalDatasetName[]).find(
    (candidate) => candidate !== name && EXTERNAL_COLUMNS[candidate].length === columns.length && EXTERNAL_COLUMNS[candidate].every((column) => columns.includes(column)),
  );
  if (other !== undefined) {
    throw new MiascopeError(
      `${path} is not the ${name} dataset: its ${columns.length} columns are those of ${EXTERNAL_FILE_STEMS[other]}.csv (${listNames(columns, 4)}), ` +
        `not the ${expected.length} of ${stem}.csv (${listNames(expected, 4)}); load it with --dataset ${other}, or give the ${stem} file with --data-path FILE`,
    );
  }
  const found = [
    missing.length === 0 ? '' : `; missing: ${listNames(missing)}`,
    unexpected.length === 0 ? '' : `; not ${stem} columns: ${listNames(unexpected)}`,
  ].join('');
  throw new MiascopeError(
    `${path} is not the ${name} dataset: expected the ${expected.length} columns of ${stem}.csv (${expected.join(', ')}), found ${columns.length}${found}. ` +
      `Give the ${stem} file of Tonni et al. with --data-path FILE, or load this file as your own CSV with --dataset ${path} --label COL`,
  );
}

/** Lists up to `maxListed` names, then how many there are in all. */
function listNames(names: readonly string[], maxListed = 8): string {
  return names.length <= maxListed ? names.join(', ') : `${names.slice(0, maxListed).join(', ')}, … (${names.length} in all)`;
}

function locateExternal(name: ExternalDatasetName, path: string | undefined): string {
  if (path !== undefined) {
    if (statSync(path, { throwIfNoEntry: false }) === undefined) throw externalNotFound(name, `${path} does not exist`);
    return path;
  }
  const stem = EXTERNAL_FILE_STEMS[name];
  const folder = process.env[DATA_DIR_VARIABLE];
  if (folder === undefined || folder === '') throw externalNotFound(name, `no data path given and ${DATA_DIR_VARIABLE} is not set`);
  const candidates = [`${stem}.csv`, `${stem}.tar.gz`].map((file) => join(folder, file));
  const found = candidates.find((candidate) => statSync(candidate, { throwIfNoEntry: false }) !== undefined);
  if (found === undefined) throw externalNotFound(name, `neither ${candidates.join(' nor ')} exists`);
  return found;
}

function externalNotFound(name: ExternalDatasetName, reason: string): MiascopeError {
  const stem = EXTERNAL_FILE_STEMS[name];
  return new MiascopeError(
    `${name} dataset file not found: ${reason}. miascope does not ship ${stem}.csv because its licence gives no right to redistribute it; ` +
      `get ${stem}.tar.gz or ${stem}.csv from the authors of "Data and Model Dependencies of Membership Inference Attack" and pass its path ` +
      `with --data-path FILE, or put it in a folder named by ${DATA_DIR_VARIABLE}`,
  );
}

function isTarGz(path: string): boolean {
  return path.endsWith('.tar.gz') || path.endsWith('.tgz');
}

/** Reads a `.tar.gz` file and returns its only CSV member. */
function readCsvMember(path: string): Uint8Array {
  const members = readTarMembers(readDatasetFile(path), path).filter((member) => member.name.toLowerCase().endsWith('.csv'));
  if (members.length !== 1) {
    throw new MiascopeError(
      `${path} contains ${members.length} CSV files${members.length > 0 ? ` (${members.map((m) => m.name).join(', ')})` : ''}; ` +
        `expected exactly one (extract the one you want and pass it with --data-path FILE.csv)`,
    );
  }
  return members[0].content;
}

function loadCsvDataset(path: string, options: DatasetOptions): Dataset {
  const bytes = isTarGz(path) ? readCsvMember(path) : readDatasetFile(path);
  const csv = parseCsv(bytes, { source: path, delimiter: options.delimiter });
  return assemble(path, csv.columns, csv.rows, (index) => describeLine(csv, index), options);
}

function assemble(
  name: string,
  columnNames: readonly string[],
  rows: string[][],
  describeRow: (index: number) => string,
  options: DatasetOptions,
): Dataset {
  if (options.binarize === 'gmm') return assembleByMixture(name, columnNames, rows, describeRow, options);
  if (options.label === undefined) {
    throw new MiascopeError(`no label column given for ${name} (columns: ${columnNames.join(', ')}); choose one with --label COL`);
  }
  // Checked before the table is built, so that a wrong label name is reported
  // even when a missing cell would raise an error first.
  if (!columnNames.includes(options.label)) {
    throw labelNotFound(options.label, columnNames);
  }

  const build = tableWithPolicy(columnNames, rows, describeRow, options, [options.label]);
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

/** Builds the table like `assemble`, but with the cluster label of `binarizeByGaussianMixture` in place of the label column. */
function assembleByMixture(
  name: string,
  columnNames: readonly string[],
  rows: string[][],
  describeRow: (index: number) => string,
  options: DatasetOptions,
): Dataset {
  if (options.label !== undefined && !columnNames.includes(options.label)) {
    throw labelNotFound(options.label, columnNames);
  }
  const build = tableWithPolicy(columnNames, rows, describeRow, options, []);
  const features: Table = { columns: build.table.columns.filter((column) => column.name !== options.label), rows: build.table.rows };
  const { y } = binarizeByGaussianMixture(features, options.binarizeSeed ?? 0);
  const positives = y.reduce((sum, label) => sum + label, 0);

  return {
    name,
    features,
    y,
    labelColumn: 'gmm-cluster',
    classNames: ['cluster 0', 'cluster 1'],
    classCounts: [y.length - positives, positives],
    rowsRead: rows.length,
    droppedRows: build.droppedRows,
    imputedCells: build.imputedCells,
  };
}

/** Builds the typed table with the dataset options' missing-value policy and column types. */
function tableWithPolicy(
  columnNames: readonly string[],
  rows: string[][],
  describeRow: (index: number) => string,
  options: DatasetOptions,
  requiredColumns: string[],
) {
  return buildTable(columnNames, rows, {
    missingValues: options.missingValues,
    missingPolicy: options.missingPolicy,
    columnTypes: options.columnTypes,
    requiredColumns,
    describeRow,
  });
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
    throw new MiascopeError(`dataset path is not a file: ${path} (give the path of a CSV file, or of a .tar.gz holding one)`);
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
    throw new MiascopeError(
      `cannot decompress dataset file ${path}: ${(error as Error).message} (the gzip data is corrupt or truncated, or the file is not gzip: download or compress it again)`,
    );
  }
}
