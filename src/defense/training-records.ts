import type { Labels, Matrix } from '../../engine/matrix.ts';
import type { Rng } from '../../engine/rng.ts';
import type { Table } from '../data/table.ts';
import { MiascopeError } from '../errors.ts';
import { argmaxRows } from '../models/classifier.ts';
import { discretize, type DiscreteTable } from '../properties/discretize.ts';
import { equalOpportunityFairness, groupFairness, individualFairness } from '../properties/fairness.ts';
import { predictiveInformation } from '../properties/model-information.ts';
import { PROPERTY_SYMBOLS, type PropertyRegularizer } from './options.ts';

/**
 * Training records as a property regulariser reads them besides the encoded
 * features: the raw feature table (for the record distance of δ_i
 * and the discretised features of I_X) and the protected groups of the
 * fairness properties. Row i of each belongs to row i of the training matrix.
 */
export interface TrainingRecords {
  features: Table;
  /** Group of each record: 1 for g1, 0 for g0. Null when the data has no protected attribute. */
  groups: Uint8Array | null;
}

/** The training records prepared for measuring one property on draws of them. */
export interface PropertyContext {
  property: PropertyRegularizer;
  features: Table;
  groups: Uint8Array | null;
  /** Training labels. */
  y: Labels;
  nClasses: number;
  /** Features discretised for I_X, with bins fit on all training records. Null for the other properties. */
  discrete: DiscreteTable | null;
  /** Record pairs per draw for δ_i. */
  pairs: number;
}

/** Copies `rows` of a feature table, in that order. */
export function takeTableRows(table: Table, rows: ArrayLike<number>): Table {
  const columns = table.columns.map((column) =>
    column.kind === 'categorical'
      ? { ...column, codes: Int32Array.from(rows, (row) => column.codes[row]) }
      : { ...column, values: Float64Array.from(rows, (row) => column.values[row]) },
  );
  return { columns, rows: rows.length };
}

/** Checks the training records against the property and prepares them. Raises a MiascopeError when the property cannot be measured. */
export function propertyContext(
  property: PropertyRegularizer,
  records: TrainingRecords,
  y: Labels,
  nClasses: number,
  options: { pairs: number; bins: number },
): PropertyContext {
  if (records.features.rows !== y.length) {
    throw new RangeError(`propertyContext: ${records.features.rows} feature rows for ${y.length} labels`);
  }
  const fairness = property !== 'mutual-information';
  if (fairness && records.groups === null) {
    throw new MiascopeError(
      `the ${PROPERTY_SYMBOLS[property]} (${property}) regulariser needs a protected attribute to split records into groups g0 and g1; name one with --protected COL[=VALUE]`,
    );
  }
  if (records.groups !== null && records.groups.length !== y.length) {
    throw new RangeError(`propertyContext: ${records.groups.length} group memberships for ${y.length} labels`);
  }
  return {
    property,
    features: records.features,
    groups: records.groups,
    y,
    nClasses,
    discrete: property === 'mutual-information' ? discretize(records.features, { bins: options.bins }) : null,
    pairs: options.pairs,
  };
}

/**
 * Measures the property on one draw as the property functions define it:
 * δ_g, δ_p and I_X (bits) from the predicted labels, δ_i from the
 * probabilities. `rows` are training-record indices and `probabilities` the
 * model's output on them, [rows.length × nClasses]. NaN when a group (or,
 * for δ_p, a group within a class) has no record in the draw.
 */
export function measureOnDraw(context: PropertyContext, rows: Int32Array, probabilities: Matrix, rng: Rng): number {
  const predicted = argmaxRows(probabilities);
  const { nClasses } = context;
  switch (context.property) {
    case 'group-fairness':
      return groupFairness(predicted, drawGroups(context, rows), nClasses);
    case 'predictive-fairness':
      return equalOpportunityFairness(predicted, Int32Array.from(rows, (row) => context.y[row]), drawGroups(context, rows), nClasses);
    case 'individual-fairness':
      return individualFairness(probabilities, context.features, rows, { pairs: context.pairs, rng }).value;
    case 'mutual-information':
      return predictiveInformation(context.discrete!, rows, predicted, nClasses);
  }
}

/** Group memberships of the drawn records. */
export function drawGroups(context: PropertyContext, rows: Int32Array): Uint8Array {
  const groups = context.groups!;
  return Uint8Array.from(rows, (row) => groups[row]);
}

/** Draws `size` distinct training records (all of them when there are fewer). */
export function drawRecords(records: number, size: number, rng: Rng): Int32Array {
  return rng.permutation(records).slice(0, Math.min(size, records));
}
