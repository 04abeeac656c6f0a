import type { Backend } from '../../engine/backend/backend.ts';
import { Matrix } from '../../engine/matrix.ts';
import { matmul } from '../../engine/ops.ts';
import { tensor, type Tensor } from '../../engine/tensor.ts';

// Largest kernel block, in float32 entries (16 MiB), that one matmul call
// produces when kernel values are computed for many query rows at once.
const MAX_BLOCK_ENTRIES = 1 << 22;

/** Squared Euclidean norm of each row, accumulated in float64. */
function rowSquaredNorms(x: Matrix): Float64Array {
  const norms = new Float64Array(x.rows);
  for (let i = 0; i < x.rows; i++) {
    let sum = 0;
    for (let j = 0, at = i * x.cols; j < x.cols; j++, at++) sum += x.data[at] * x.data[at];
    norms[i] = sum;
  }
  return norms;
}

/** The transpose of `x` as a [cols × rows] tensor, so that a block of queries times it needs no transposed operand. */
function transposeToTensor(x: Matrix, backend: Backend): Tensor {
  const transposed = new Float32Array(x.rows * x.cols);
  for (let i = 0; i < x.rows; i++) {
    for (let j = 0; j < x.cols; j++) transposed[j * x.rows + i] = x.data[i * x.cols + j];
  }
  return tensor(transposed, [x.cols, x.rows], { backend });
}

/**
 * The RBF kernel K(a, b) = exp(−γ‖a − b‖²) between query rows and a fixed set
 * of reference rows (the training set while solving, the support vectors when
 * predicting). The dot products a·b come from the engine's matmul, so a GPU
 * backend computes the O(rows · references · features) part; the expansion
 * ‖a‖² + ‖b‖² − 2a·b and the exponential run on the host in one pass.
 */
export class RbfKernel {
  readonly references: Matrix;
  private readonly referenceNorms: Float64Array;
  private readonly referencesTransposed: Tensor;

  constructor(
    references: Matrix,
    readonly gamma: number,
    readonly backend: Backend,
  ) {
    this.references = references;
    this.referenceNorms = rowSquaredNorms(references);
    this.referencesTransposed = transposeToTensor(references, backend);
  }

  get nReferences(): number {
    return this.references.rows;
  }

  /**
   * Computes K(query_r, reference_c) for every query row r and reference c:
   * a [queries.rows × nReferences] row-major block. Each entry is computed
   * from float32 dot products, so it agrees with an exact float64 evaluation
   * to about 1e-6 relative to the squared norms.
   */
  async block(queries: Matrix): Promise<Float32Array> {
    const nReferences = this.nReferences;
    const dots = await matmul(tensor(queries.data, [queries.rows, queries.cols], { backend: this.backend }), this.referencesTransposed).data();
    const queryNorms = rowSquaredNorms(queries);
    const gamma = this.gamma;
    const referenceNorms = this.referenceNorms;
    for (let r = 0; r < queries.rows; r++) {
      const offset = r * nReferences;
      const queryNorm = queryNorms[r];
      for (let c = 0; c < nReferences; c++) {
        // Rounding can make the expansion slightly negative for near-equal rows.
        const squaredDistance = queryNorm + referenceNorms[c] - 2 * dots[offset + c];
        dots[offset + c] = squaredDistance > 0 ? Math.exp(-gamma * squaredDistance) : 1;
      }
    }
    return dots;
  }

  /**
   * Computes Σ_c K(query_r, reference_c) · weights[c] for every query row,
   * in blocks of rows that keep each kernel block under 16 MiB.
   */
  async weightedSums(queries: Matrix, weights: Float64Array): Promise<Float64Array> {
    const nReferences = this.nReferences;
    const sums = new Float64Array(queries.rows);
    if (nReferences === 0) return sums;
    const rowsPerBlock = Math.max(1, Math.floor(MAX_BLOCK_ENTRIES / nReferences));
    for (let start = 0; start < queries.rows; start += rowsPerBlock) {
      const end = Math.min(start + rowsPerBlock, queries.rows);
      const block = await this.block(sliceRows(queries, start, end));
      for (let r = start; r < end; r++) {
        const offset = (r - start) * nReferences;
        let sum = 0;
        for (let c = 0; c < nReferences; c++) sum += block[offset + c] * weights[c];
        sums[r] = sum;
      }
    }
    return sums;
  }
}

/** Rows [start, end) of `x` as a matrix that shares its memory. */
function sliceRows(x: Matrix, start: number, end: number): Matrix {
  return new Matrix(end - start, x.cols, x.data.subarray(start * x.cols, end * x.cols));
}

/** Hit and miss counts of a kernel cache, for fit reports and tests. */
export interface KernelCacheStats {
  hits: number;
  misses: number;
  /** Largest number of bytes of row storage held at any time. */
  peakBytes: number;
}

interface CachedRow {
  values: Float32Array;
  /** The active-set epoch the row was computed in; rows of older epochs lack columns. */
  epoch: number;
}

/**
 * A least-recently-used cache of kernel rows K(x_i, ·) over the training set,
 * bounded in bytes: it holds at most ⌊budgetBytes / (4 · n)⌋ float32 rows of
 * n entries. The budget counts row storage only, not the Map's own overhead.
 * The solver needs two rows at a time, so the budget must hold two.
 *
 * Rows are computed only at the columns of the active set (the rows SMO has
 * not shrunk away), as LIBSVM does; other entries of a row are left 0. The
 * active set only shrinks until `restrict` is called with `grew = true`,
 * which starts a new epoch and drops every cached row.
 */
export class KernelCache {
  readonly capacityRows: number;
  readonly stats: KernelCacheStats = { hits: 0, misses: 0, peakBytes: 0 };
  private readonly rows = new Map<number, CachedRow>();
  private epoch = 0;
  private activeIndices: Int32Array;
  private activeKernel: RbfKernel;

  constructor(
    readonly training: Matrix,
    readonly gamma: number,
    readonly backend: Backend,
    readonly budgetBytes: number,
  ) {
    const rowBytes = 4 * training.rows;
    this.capacityRows = Math.floor(budgetBytes / rowBytes);
    if (this.capacityRows < 2) {
      throw new RangeError(
        `KernelCache: a budget of ${budgetBytes} bytes holds fewer than 2 kernel rows of ${rowBytes} bytes; raise the cache size to at least ${2 * rowBytes} bytes`,
      );
    }
    this.activeIndices = Int32Array.from({ length: training.rows }, (_, i) => i);
    this.activeKernel = new RbfKernel(training, gamma, backend);
  }

  get rowBytes(): number {
    return 4 * this.training.rows;
  }

  get bytesUsed(): number {
    return this.rows.size * this.rowBytes;
  }

  /**
   * Sets the columns that later rows are computed at. Pass `grew = true` when
   * `active` holds a row that the previous active set lacked.
   */
  restrict(active: ArrayLike<number>, grew: boolean): void {
    if (grew) {
      this.epoch++;
      this.rows.clear();
    }
    this.activeIndices = Int32Array.from(active);
    this.activeKernel = new RbfKernel(this.training.takeRows(this.activeIndices), this.gamma, this.backend);
  }

  /** The cached row i, marked as most recently used, or undefined. */
  private peek(i: number): Float32Array | undefined {
    const entry = this.rows.get(i);
    if (entry === undefined) return undefined;
    this.rows.delete(i);
    if (entry.epoch !== this.epoch) return undefined;
    this.rows.set(i, entry);
    return entry.values;
  }

  /**
   * Returns the kernel rows for `indices` (at most the cache's capacity),
   * computing the missing ones in one batch. The diagonal entry K(x_i, x_i)
   * is set to exactly 1, as the RBF kernel gives.
   */
  async fetch(indices: readonly number[]): Promise<Float32Array[]> {
    if (indices.length > this.capacityRows) {
      throw new RangeError(`KernelCache.fetch: ${indices.length} rows requested at once, the cache holds ${this.capacityRows}`);
    }
    const result: Float32Array[] = new Array(indices.length);
    const missing: number[] = [];
    indices.forEach((index, position) => {
      const row = this.peek(index);
      if (row !== undefined) {
        this.stats.hits++;
        result[position] = row;
      } else if (!missing.includes(index)) {
        missing.push(index);
      }
    });
    if (missing.length === 0) return result;

    this.stats.misses += missing.length;
    const block = await this.activeKernel.block(this.training.takeRows(missing));
    const active = this.activeIndices;
    const computed = new Map<number, Float32Array>();
    for (let r = 0; r < missing.length; r++) {
      const values = new Float32Array(this.training.rows);
      const offset = r * active.length;
      for (let p = 0; p < active.length; p++) values[active[p]] = block[offset + p];
      values[missing[r]] = 1;
      computed.set(missing[r], values);
      this.insert(missing[r], values);
    }
    indices.forEach((index, position) => {
      result[position] ??= computed.get(index)!;
    });
    return result;
  }

  /** Fetches one row. */
  async row(i: number): Promise<Float32Array> {
    const cached = this.peek(i);
    if (cached !== undefined) {
      this.stats.hits++;
      return cached;
    }
    return (await this.fetch([i]))[0];
  }

  private insert(i: number, values: Float32Array): void {
    while (this.rows.size >= this.capacityRows) {
      const leastRecent = this.rows.keys().next().value as number;
      this.rows.delete(leastRecent);
    }
    this.rows.set(i, { values, epoch: this.epoch });
    this.stats.peakBytes = Math.max(this.stats.peakBytes, this.bytesUsed);
  }
}
