import { findColumn, type Table } from '../data/table.ts';
import { MiascopeError } from '../errors.ts';

/**
 * A protected attribute that splits records into groups g0 and g1, as the
 * fairness properties and the per-group attack results read it.
 */
export interface ProtectedGroups {
  column: string;
  /** Rule that selects g1, e.g. `sex = Male` or `age > 40`. Every other record is in g0. */
  g1: string;
  /** Rule that selects g0, e.g. `sex = Female` or `age ≤ 40`. */
  g0: string;
  /** 1 where the row is in g1, 0 where it is in g0, one per row of the table. */
  membership: Uint8Array;
}

/**
 * Resolves `COL[=VALUE]` against the feature table:
 * - a categorical column with two values needs no VALUE: g1 is the second
 *   value in sorted order (Adult's `sex`: g0 = Female, g1 = Male);
 * - a categorical column with more values needs VALUE, the category that
 *   forms g1 (the rest form g0);
 * - a numeric column with two distinct values needs no VALUE: g1 has the
 *   larger one;
 * - any other numeric column needs VALUE, a threshold T: g0 = value ≤ T and
 *   g1 = value > T.
 * Raises a MiascopeError naming the choices when the column or value does
 * not exist or a group would be empty.
 */
export function resolveProtectedAttribute(features: Table, spec: string): ProtectedGroups {
  const separator = spec.indexOf('=');
  const name = separator < 0 ? spec : spec.slice(0, separator);
  const value = separator < 0 ? undefined : spec.slice(separator + 1);
  const column = findColumn(features, name);
  if (column === undefined) {
    throw new MiascopeError(
      `--protected column ${JSON.stringify(name)} not found; choose one of ${features.columns.map((c) => c.name).join(', ')}`,
    );
  }

  const membership = new Uint8Array(features.rows);
  let g0: string;
  let g1: string;
  if (column.kind === 'categorical') {
    const { categories, codes } = column;
    let g1Code: number;
    if (value === undefined) {
      if (categories.length !== 2) {
        throw new MiascopeError(
          `--protected ${name} has ${categories.length} values; name the one that forms group g1 as ${name}=VALUE, with VALUE one of ${categories.join(', ')}`,
        );
      }
      g1Code = 1;
    } else {
      g1Code = categories.indexOf(value);
      if (g1Code < 0) {
        throw new MiascopeError(`--protected ${name}=${value}: value not found in ${name}; choose one of ${categories.join(', ')}`);
      }
    }
    for (let i = 0; i < features.rows; i++) membership[i] = codes[i] === g1Code ? 1 : 0;
    g1 = `${name} = ${categories[g1Code]}`;
    g0 = categories.length === 2 ? `${name} = ${categories[1 - g1Code]}` : `${name} ≠ ${categories[g1Code]}`;
  } else {
    const distinct = [...new Set(column.values)].sort((a, b) => a - b);
    let threshold: number;
    if (value === undefined) {
      if (distinct.length !== 2) {
        throw new MiascopeError(
          `--protected ${name} is numeric with ${distinct.length} distinct values; give a threshold as ${name}=T (g0: ${name} ≤ T, g1: ${name} > T), T between ${distinct[0]} and ${distinct[distinct.length - 1]}`,
        );
      }
      threshold = distinct[0];
    } else {
      threshold = Number(value);
      if (value.trim() === '' || !Number.isFinite(threshold)) {
        throw new MiascopeError(`--protected ${name}=${value}: ${name} is numeric, so the value must be a threshold number, such as ${name}=${distinct[Math.floor(distinct.length / 2)]}`);
      }
    }
    for (let i = 0; i < features.rows; i++) membership[i] = column.values[i] > threshold ? 1 : 0;
    g1 = `${name} > ${threshold}`;
    g0 = `${name} ≤ ${threshold}`;
  }

  const inG1 = membership.reduce((sum, bit) => sum + bit, 0);
  if (inG1 === 0 || inG1 === features.rows) {
    throw new MiascopeError(`--protected ${spec} puts every record in one group (${inG1 === 0 ? g0 : g1}); choose a value that splits the records`);
  }
  return { column: name, g0, g1, membership };
}

/**
 * Default protected attribute of a dataset: `sex` for Adult; for other data
 * the first column with exactly two distinct values, or null when none has.
 */
export function defaultProtectedAttribute(datasetName: string, features: Table): string | null {
  if (datasetName === 'adult') return 'sex';
  for (const column of features.columns) {
    const distinct = column.kind === 'categorical' ? column.categories.length : new Set(column.values).size;
    if (distinct === 2) return column.name;
  }
  return null;
}
