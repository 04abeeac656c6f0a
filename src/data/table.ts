import { MiascopeError } from '../errors.ts';

/** A column of finite numbers. */
export interface NumericColumn {
  name: string;
  kind: 'numeric';
  values: Float64Array;
}

/** A column of strings stored as codes into `categories`. */
export interface CategoricalColumn {
  name: string;
  kind: 'categorical';
  /** Index into `categories`, one per row. */
  codes: Int32Array;
  /** Distinct values of the column, sorted by UTF-16 code unit order. */
  categories: string[];
}

export type Column = NumericColumn | CategoricalColumn;

export type ColumnKind = Column['kind'];

/** A typed in-memory table with no missing cells. */
export interface Table {
  columns: Column[];
  /** Number of rows; every column has this many values. */
  rows: number;
}

/**
 * Treatment of a row with a missing cell: drop the row, raise an error, or
 * fill the cell with the column's median (numeric) or most frequent value
 * (categorical).
 */
export type MissingPolicy = 'drop-rows' | 'error' | 'impute';

export const MISSING_POLICIES: readonly MissingPolicy[] = ['drop-rows', 'error', 'impute'];

export const DEFAULT_MISSING_VALUES: readonly string[] = ['', '?', 'NA', 'NaN'];

/** Options of `buildTable`. */
export interface TableOptions {
  /** Cell strings that mean "missing", compared exactly. Default `DEFAULT_MISSING_VALUES`. */
  missingValues?: readonly string[];
  /** Default `'drop-rows'`. */
  missingPolicy?: MissingPolicy;
  /** Column kinds by column name, replacing the inferred kind. */
  columnTypes?: Record<string, ColumnKind>;
  /**
   * Columns that are never imputed: under `'impute'` a row with one of them
   * missing is dropped instead (a dataset's label, which imputing would invent).
   */
  requiredColumns?: readonly string[];
  /** Describes row `index` of the input in error messages. Default `row <index + 1>`. */
  describeRow?: (index: number) => string;
}

/** A table and what building it did to missing cells. */
export interface TableBuild {
  table: Table;
  /** Number of input rows dropped for a missing cell. */
  droppedRows: number;
  /** Number of cells filled by the `'impute'` policy. */
  imputedCells: number;
}

/**
 * Builds a typed table from string cells, one array per row in `columnNames`
 * order. A column is numeric when every non-missing cell parses as a finite
 * decimal number, and categorical otherwise; `columnTypes` overrides that.
 * Type inference reads every non-missing cell, including cells of rows that the
 * missing-value policy drops. The categories of a categorical column are the
 * values of the rows kept.
 *
 * Raises MiascopeError for duplicate or unknown column names, a numeric
 * override on a non-numeric cell, a missing cell under the `'error'` policy,
 * a column with no values to impute from, and when no row is left. Raises
 * RangeError for a row whose length differs from `columnNames.length`.
 */
export function buildTable(columnNames: readonly string[], rows: readonly string[][], options: TableOptions = {}): TableBuild {
  const missingValues = new Set(options.missingValues ?? DEFAULT_MISSING_VALUES);
  const policy = options.missingPolicy ?? 'drop-rows';
  const describeRow = options.describeRow ?? ((index: number) => `row ${index + 1}`);
  checkColumnNames(columnNames);
  checkPolicy(policy);
  const ragged = rows.findIndex((row) => row.length !== columnNames.length);
  if (ragged >= 0) {
    throw new RangeError(`buildTable: row ${ragged} has ${rows[ragged].length} cells, expected ${columnNames.length}`);
  }
  const required = new Set(options.requiredColumns ?? []);
  for (const name of [...Object.keys(options.columnTypes ?? {}), ...required]) {
    checkColumnExists(columnNames, name);
  }

  const checkEveryCell = [...missingValues].some((value) => !Number.isNaN(parseNumber(value)));
  const cells = columnNames.map((name, j) =>
    readColumn(rows, j, name, options.columnTypes?.[name], missingValues, checkEveryCell, describeRow),
  );

  if (policy === 'error') {
    rejectMissing(columnNames, rows, cells, describeRow);
  }
  const dropping = columnNames.map((name) => policy === 'drop-rows' || required.has(name));
  const kept = keptRows(rows.length, columnNames, cells, dropping, policy);

  let imputedCells = 0;
  const columns = columnNames.map((name, j): Column => {
    const read = cells[j];
    const build = read.kind === 'numeric' ? buildNumericColumn(name, read, kept) : buildCategoricalColumn(name, read, kept);
    imputedCells += build.imputed;
    return build.column;
  });

  return { table: { columns, rows: kept.length }, droppedRows: rows.length - kept.length, imputedCells };
}

/** Returns the column called `name`, or undefined. */
export function findColumn(table: Table, name: string): Column | undefined {
  return table.columns.find((column) => column.name === name);
}

/**
 * Parses a cell as a finite decimal number, or returns NaN. Number() alone
 * would also accept hexadecimal, octal and binary literals such as `0x1F`,
 * which in a data file are identifiers, not quantities.
 */
export function parseNumber(cell: string): number {
  const value = Number(cell);
  if (!Number.isFinite(value) || cell.length === 0) return NaN;
  if (cell.charCodeAt(0) === 48 /* 0 */ && cell.length > 2) {
    const second = cell.charCodeAt(1) | 0x20; // lower case of an ASCII letter
    if (second === 0x78 /* x */ || second === 0x6f /* o */ || second === 0x62 /* b */) return NaN;
  }
  return value;
}

function checkColumnNames(columnNames: readonly string[]): void {
  const firstIndex = new Map<string, number>();
  columnNames.forEach((name, j) => {
    const earlier = firstIndex.get(name);
    if (earlier !== undefined) {
      throw new MiascopeError(
        `duplicate column name "${name}" (columns ${earlier + 1} and ${j + 1}); rename one of them in the header row`,
      );
    }
    firstIndex.set(name, j);
  });
}

function checkPolicy(policy: string): void {
  if (!(MISSING_POLICIES as readonly string[]).includes(policy)) {
    throw new MiascopeError(`invalid missing-value policy "${policy}" (use one of: ${MISSING_POLICIES.join(', ')})`);
  }
}

function checkColumnExists(columnNames: readonly string[], name: string): void {
  if (!columnNames.includes(name)) {
    throw new MiascopeError(`column "${name}" not found (columns: ${columnNames.join(', ')})`);
  }
}

/** One input column, read into numbers, or into distinct strings with an id per row. */
type ColumnCells = NumberCells | InternedCells;

interface NumberCells {
  kind: 'numeric';
  /** Each row's number; 0 where `missing` is 1. */
  numbers: Float64Array;
  /** 1 for each row whose cell is a missing-value string. */
  missing: Uint8Array;
}

/**
 * A categorical column with each distinct string stored once, so that
 * missing-value checks and category lookups run once per distinct value.
 */
interface InternedCells {
  kind: 'categorical';
  /** Index into `distinct` of each row's cell. */
  ids: Int32Array;
  distinct: string[];
  /** 1 for each distinct value that is a missing-value string. */
  missingIds: Uint8Array;
  /** 1 for each row whose cell is a missing-value string. */
  missing: Uint8Array;
}

/**
 * Reads column j as numbers unless `kind` is categorical or a non-missing cell
 * is not a number, in which case it becomes categorical (or, for a numeric
 * `kind`, raises MiascopeError). When `checkEveryCell` is false, no missing
 * value parses as a number, so only cells that fail to parse are looked up in
 * `missingValues`.
 */
function readColumn(
  rows: readonly string[][],
  j: number,
  name: string,
  kind: ColumnKind | undefined,
  missingValues: Set<string>,
  checkEveryCell: boolean,
  describeRow: (index: number) => string,
): ColumnCells {
  if (kind !== 'categorical') {
    const numbers = new Float64Array(rows.length);
    const missing = new Uint8Array(rows.length);
    let firstText = -1;
    for (let i = 0; i < rows.length; i++) {
      const cell = rows[i][j];
      const value = parseNumber(cell);
      if (Number.isNaN(value) || checkEveryCell) {
        if (missingValues.has(cell)) {
          missing[i] = 1;
          continue;
        }
        if (Number.isNaN(value)) {
          firstText = i;
          break;
        }
      }
      numbers[i] = value;
    }
    if (firstText < 0) return { kind: 'numeric', numbers, missing };

    if (kind === 'numeric') {
      const cell = rows[firstText][j];
      throw new MiascopeError(
        `column ${name} is set to numeric but has the value "${cell}" at ${describeRow(firstText)} ` +
          `(set the column to categorical, or add "${cell}" to the missing values)`,
      );
    }
  }
  return internColumn(rows, j, missingValues);
}

function internColumn(rows: readonly string[][], j: number, missingValues: Set<string>): InternedCells {
  const ids = new Int32Array(rows.length);
  const idOf = new Map<string, number>();
  const distinct: string[] = [];
  for (let i = 0; i < rows.length; i++) {
    const cell = rows[i][j];
    let id = idOf.get(cell);
    if (id === undefined) {
      id = distinct.length;
      idOf.set(cell, id);
      distinct.push(cell);
    }
    ids[i] = id;
  }

  const missingIds = Uint8Array.from(distinct, (value) => (missingValues.has(value) ? 1 : 0));
  const missing = new Uint8Array(ids.length);
  for (let i = 0; i < ids.length; i++) missing[i] = missingIds[ids[i]];
  return { kind: 'categorical', ids, distinct, missingIds, missing };
}

/** Raises the `'error'` policy's MiascopeError for the first missing cell in row order, if there is one. */
function rejectMissing(
  columnNames: readonly string[],
  rows: readonly string[][],
  cells: readonly ColumnCells[],
  describeRow: (index: number) => string,
): void {
  let firstRow = rows.length;
  let firstColumn = -1;
  cells.forEach(({ missing }, j) => {
    const i = missing.subarray(0, firstRow).indexOf(1);
    if (i >= 0) {
      firstRow = i;
      firstColumn = j;
    }
  });
  if (firstColumn < 0) return;

  throw new MiascopeError(
    `missing value "${rows[firstRow][firstColumn]}" in column ${columnNames[firstColumn]} at ${describeRow(firstRow)} ` +
      `(set the missing-value policy to drop-rows or impute: --missing drop-rows, --missing impute)`,
  );
}

/** Indices of the rows with no missing cell in a `dropping` column, ascending. */
function keptRows(
  rowCount: number,
  columnNames: readonly string[],
  cells: readonly ColumnCells[],
  dropping: readonly boolean[],
  policy: MissingPolicy,
): Int32Array {
  const keep = new Uint8Array(rowCount).fill(1);
  const missingCounts = cells.map(({ missing }, j) => {
    let count = 0;
    for (let i = 0; i < rowCount; i++) {
      if (missing[i] === 0) continue;
      count++;
      if (dropping[j]) keep[i] = 0;
    }
    return count;
  });

  const kept: number[] = [];
  for (let i = 0; i < rowCount; i++) {
    if (keep[i] === 1) kept.push(i);
  }
  if (kept.length === 0 && rowCount > 0) {
    const worst = missingCounts.indexOf(Math.max(...missingCounts));
    const fix = policy === 'impute' ? 'remove that column from the file' : 'remove that column from the file, or use --missing impute';
    throw new MiascopeError(
      `every row has a missing cell, so none is left (column ${columnNames[worst]} is missing in ` +
        `${missingCounts[worst]} of ${rowCount} rows); ${fix}`,
    );
  }
  return Int32Array.from(kept);
}

interface ColumnBuild {
  column: Column;
  imputed: number;
}

function buildNumericColumn(name: string, cells: NumberCells, kept: Int32Array): ColumnBuild {
  const { numbers, missing } = cells;
  const values = new Float64Array(kept.length);
  const missingAt: number[] = [];
  for (let r = 0; r < kept.length; r++) {
    if (missing[kept[r]] === 1) missingAt.push(r);
    else values[r] = numbers[kept[r]];
  }

  if (missingAt.length > 0) {
    const fill = median(values, missingAt, name);
    for (const r of missingAt) values[r] = fill;
  }
  return { column: { name, kind: 'numeric', values }, imputed: missingAt.length };
}

function buildCategoricalColumn(name: string, cells: InternedCells, kept: Int32Array): ColumnBuild {
  const { ids, distinct, missingIds } = cells;
  const counts = new Int32Array(distinct.length);
  for (let r = 0; r < kept.length; r++) counts[ids[kept[r]]]++;

  // Only values present in the kept rows become categories.
  const present = distinct
    .map((_, id) => id)
    .filter((id) => missingIds[id] === 0 && counts[id] > 0)
    .sort((a, b) => compareStrings(distinct[a], distinct[b]));
  const missingCount = distinct.reduce((sum, _, id) => sum + (missingIds[id] === 1 ? counts[id] : 0), 0);
  if (missingCount > 0 && present.length === 0) {
    throw noValuesToImpute(name);
  }

  // Missing cells get the code of the most frequent category; ties go to the
  // first in sorted order. Under 'drop-rows' no kept cell is missing.
  const codeOfId = new Int32Array(distinct.length).fill(missingCount > 0 ? mostFrequentCode(present, counts) : -1);
  present.forEach((id, code) => (codeOfId[id] = code));
  const codes = new Int32Array(kept.length);
  for (let r = 0; r < kept.length; r++) codes[r] = codeOfId[ids[kept[r]]];

  return {
    column: { name, kind: 'categorical', codes, categories: present.map((id) => distinct[id]) },
    imputed: missingCount,
  };
}

/** Median of `values` over the positions not listed in `missingAt` (the mean of the two middle values for an even count). */
function median(values: Float64Array, missingAt: readonly number[], name: string): number {
  const isMissing = new Uint8Array(values.length);
  for (const r of missingAt) isMissing[r] = 1;
  const present = values.filter((_, r) => isMissing[r] === 0).sort();
  if (present.length === 0) throw noValuesToImpute(name);
  const middle = present.length >> 1;
  return present.length % 2 === 1 ? present[middle] : (present[middle - 1] + present[middle]) / 2;
}

/** Position in `present` (a list of value ids in category order) of the most frequent value. */
function mostFrequentCode(present: readonly number[], counts: Int32Array): number {
  let best = 0;
  for (let code = 1; code < present.length; code++) {
    if (counts[present[code]] > counts[present[best]]) best = code;
  }
  return best;
}

function noValuesToImpute(name: string): MiascopeError {
  return new MiascopeError(
    `column ${name} has no values to impute from because every cell is missing (remove the column from the file)`,
  );
}

/** Orders strings by UTF-16 code units, the same order on every platform and locale. */
export function compareStrings(a: string, b: string): number {
  if (a < b) return -1;
  if (a > b) return 1;
  return 0;
}
