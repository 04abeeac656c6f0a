import type { Labels } from '../../engine/matrix.ts';
import type { Rng } from '../../engine/rng.ts';
import { MiascopeError } from '../errors.ts';

/**
 * Draws disjoint random sets of row indices from 0 … n−1, one of each size in
 * `sizes`, in random order. Rows left over belong to no part. The same `rng`
 * state gives the same parts.
 *
 * Raises MiascopeError when a size is not a non-negative whole number or the
 * sizes add up to more than n.
 */
export function splitRows(n: number, sizes: readonly number[], rng: Rng): Int32Array[] {
  checkSizes(n, sizes);
  const order = rng.permutation(n);
  const parts: Int32Array[] = [];
  let start = 0;
  for (const size of sizes) {
    parts.push(order.slice(start, start + size));
    start += size;
  }
  return parts;
}

/**
 * Like `splitRows` over the rows of `y`, but each part takes the classes in
 * the proportions of the whole of `y`, as closely as whole row counts allow.
 * A part's count of class c is its size times the share of c, rounded so that
 * the counts add up to the part's size (largest remainder first) and no class
 * gives out more rows than it has.
 */
export function splitRowsStratified(y: Labels, sizes: readonly number[], rng: Rng): Int32Array[] {
  checkSizes(y.length, sizes);
  const byClass = rowsByClass(y);
  for (const rows of byClass) rng.shuffle(rows);

  const taken = new Array<number>(byClass.length).fill(0);
  return sizes.map((size) => {
    const counts = allocate(size, byClass, taken, y.length);
    const part = new Int32Array(size);
    let filled = 0;
    counts.forEach((count, c) => {
      part.set(byClass[c].subarray(taken[c], taken[c] + count), filled);
      taken[c] += count;
      filled += count;
    });
    return rng.shuffle(part);
  });
}

function checkSizes(n: number, sizes: readonly number[]): void {
  for (const size of sizes) {
    if (!Number.isInteger(size) || size < 0) {
      throw new MiascopeError(`invalid split size ${size}: a size is a whole number of rows, 0 or more`);
    }
  }
  const total = sizes.reduce((sum, size) => sum + size, 0);
  if (total > n) {
    throw new MiascopeError(
      `requested ${sizes.join(' + ')} = ${total} rows, but only ${n} are available (request at most ${n} rows in total)`,
    );
  }
}

/** Row indices of each class value 0 … max(y), in ascending order. */
function rowsByClass(y: Labels): Int32Array[] {
  let classes = 0;
  for (const label of y) classes = Math.max(classes, label + 1);
  const counts = new Int32Array(classes);
  for (const label of y) counts[label]++;

  const rows = Array.from(counts, (count) => new Int32Array(count));
  const filled = new Int32Array(classes);
  y.forEach((label, i) => {
    rows[label][filled[label]++] = i;
  });
  return rows;
}

/** Per-class row counts for one part of `size` rows, given the rows each class has already given out. */
function allocate(size: number, byClass: readonly Int32Array[], taken: readonly number[], n: number): number[] {
  const quotas = byClass.map((rows) => (size * rows.length) / n);
  const counts = quotas.map((quota, c) => Math.min(Math.floor(quota), byClass[c].length - taken[c]));
  let remaining = size - counts.reduce((sum, count) => sum + count, 0);

  // Each extra row goes to the class furthest below its quota that still has
  // rows left. Some class always has one, because the sizes add up to at most n.
  while (remaining > 0) {
    let best = -1;
    for (let c = 0; c < counts.length; c++) {
      const left = byClass[c].length - taken[c] - counts[c];
      if (left > 0 && (best < 0 || quotas[c] - counts[c] > quotas[best] - counts[best])) best = c;
    }
    counts[best]++;
    remaining--;
  }
  return counts;
}
