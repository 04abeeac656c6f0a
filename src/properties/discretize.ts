import { MiascopeError } from '../errors.ts';
import type { Table } from '../data/table.ts';

/** Number of equal-frequency bins for numeric columns when none is given. */
export const DEFAULT_BINS = 10;

/** One discretised column: a code in 0 … levels−1 per row. */
export interface DiscreteColumn {
  name: string;
  codes: Int32Array;
  levels: number;
  /** Numeric columns: upper bin edges; a value v is in bin #{edges e : e ≤ v}. Absent for categorical columns. */
  edges?: number[];
}

/** A table of discrete columns, as data and model properties read it. */
export interface DiscreteTable {
  columns: DiscreteColumn[];
  rows: number;
  /** Bins requested for numeric columns; a column gets fewer when ties merge bins. */
  bins: number;
}

/**
 * Discretises a table for properties: categorical columns keep their codes,
 * numeric columns go into `bins` equal-frequency bins whose edges come from
 * the values of `fitRows` (default all rows). Tied values always share a bin,
 * so a column with many ties gets fewer bins than requested.
 */
export function discretize(table: Table, options: { bins?: number; fitRows?: ArrayLike<number> } = {}): DiscreteTable {
  const bins = options.bins ?? DEFAULT_BINS;
  if (!Number.isInteger(bins) || bins < 2) {
    throw new MiascopeError(`bin count ${bins} is invalid; give a whole number ≥ 2 of equal-frequency bins`);
  }
  const columns = table.columns.map((column): DiscreteColumn => {
    if (column.kind === 'categorical') {
      return { name: column.name, codes: column.codes, levels: column.categories.length };
    }
    const edges = equalFrequencyEdges(column.values, bins, options.fitRows);
    const codes = new Int32Array(table.rows);
    for (let i = 0; i < table.rows; i++) codes[i] = upperBound(edges, column.values[i]);
    return { name: column.name, codes, levels: edges.length + 1, edges };
  });
  return { columns, rows: table.rows, bins };
}

/** Distinct values at the k/bins quantiles (k = 1 … bins−1) of the sorted values. */
function equalFrequencyEdges(values: Float64Array, bins: number, fitRows?: ArrayLike<number>): number[] {
  const sample = fitRows === undefined ? Float64Array.from(values) : Float64Array.from(fitRows, (row) => values[row]);
  sample.sort();
  const edges: number[] = [];
  for (let k = 1; k < bins; k++) {
    let edge = sample[Math.floor((k * sample.length) / bins)];
    // An edge equal to the minimum would leave bin 0 empty, so it moves up to
    // the next distinct value. A 0/1 column, or one that is mostly 0 (Adult's
    // capital-gain), then gets a bin for 0 and one for the values above. A
    // constant column has no value above and keeps a single bin.
    if (edge === sample[0]) edge = sample[upperBound(sample, edge)] ?? edge;
    if (edge > sample[0] && (edges.length === 0 || edge > edges[edges.length - 1])) edges.push(edge);
  }
  return edges;
}

/** Number of edges that are ≤ value (binary search over ascending edges). */
function upperBound(edges: ArrayLike<number>, value: number): number {
  let low = 0;
  let high = edges.length;
  while (low < high) {
    const middle = (low + high) >> 1;
    if (edges[middle] <= value) low = middle + 1;
    else high = middle;
  }
  return low;
}
