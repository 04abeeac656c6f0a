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

/** Copies `x` to float64 in feature-major order, [cols × rows]. */
function featureMajor(x: Matrix): Float64Array {
  const out = new Float64Array(x.rows * x.cols);
  for (let i = 0; i < x.rows; i++) {
    for (let j = 0; j < x.cols; j++) out[j * x.rows + i] = x.data[i * x.cols + j];
  }
  return out;
}

/** Builds the transpose of `x` as a [cols × rows] tensor, so that queries · it needs no transposed operand. */
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
 * Single rows (`rowInto`), and every block on the CPU backend, are computed
 * on the host, because a matrix-vector product gains little from the matmul
 * kernel and its copies.
 */
export class RbfKernel {
  readonly references: Matrix;
  private readonly referenceNorms: Float64Array;
  private readonly referencesTransposed: Tensor;
  /** The references feature by feature in float64, [cols × rows], built on the first `rowInto`. */
  private referencesByFeature: Float64Array | null = null;
  /** Dot products of one query with every reference, reused by `rowInto`. */
  private rowDots: Float64Array | null = null;

  constructor(
    references: Matrix,
    readonly gamma: number,
    readonly backend: Backend,
    referenceNorms?: Float64Array,
  ) {
    this.references = references;
    this.referenceNorms = referenceNorms ?? rowSquaredNorms(references);
    this.referencesTransposed = transposeToTensor(references, backend);
  }

  get nReferences(): number {
    return this.references.rows;
  }

  /** Computes the dot products query_r · reference_c as a [queries.rows × nReferences] block, on the backend. */
  async dots(queries: Matrix): Promise<Float32Array> {
    const queryTensor = tensor(queries.data, [queries.rows, queries.cols], { backend: this.backend });
    return matmul(queryTensor, this.referencesTransposed).data();
  }

  /** K from a dot product: exp(−γ(‖q‖² + ‖r‖² − 2q·r)), with rounding below 0 read as distance 0. */
  kernelValue(queryNorm: number, reference: number, dot: number): number {
    const squaredDistance = queryNorm + this.referenceNorms[reference] - 2 * dot;
    return squaredDistance > 0 ? Math.exp(-this.gamma * squaredDistance) : 1;
  }

  /**
   * Computes K(query, reference_p) for every reference p on the host and
   * writes it to out[targets[p]], or to out[p] when targets is null. The
   * query is queryData[queryOffset … queryOffset + cols) and queryNorm its
   * squared norm. Dot products accumulate in float64, four features per pass
   * over the references.
   */
  rowInto(queryData: Float32Array, queryOffset: number, queryNorm: number, out: Float32Array, targets: Int32Array | null): void {
    const n = this.nReferences;
    const cols = this.references.cols;
    const byFeature = (this.referencesByFeature ??= featureMajor(this.references));
    const dots = (this.rowDots ??= new Float64Array(n));
    dots.fill(0);

    let j = 0;
    for (; j + 4 <= cols; j += 4) {
      const q0 = queryData[queryOffset + j];
      const q1 = queryData[queryOffset + j + 1];
      const q2 = queryData[queryOffset + j + 2];
      const q3 = queryData[queryOffset + j + 3];
      const o0 = j * n;
      const o1 = o0 + n;
      const o2 = o1 + n;
      const o3 = o2 + n;
      for (let p = 0; p < n; p++) dots[p] += q0 * byFeature[o0 + p] + q1 * byFeature[o1 + p] + q2 * byFeature[o2 + p] + q3 * byFeature[o3 + p];
    }
    for (; j < cols; j++) {
      const q = queryData[queryOffset + j];
      const offset = j * n;
      for (let p = 0; p < n; p++) dots[p] += q * byFeature[offset + p];
    }

    const norms = this.referenceNorms;
    const negativeGamma = -this.gamma;
    for (let p = 0; p < n; p++) {
      const squaredDistance = queryNorm + norms[p] - 2 * dots[p];
      const value = squaredDistance > 0 ? Math.exp(negativeGamma * squaredDistance) : 1;
      out[targets === null ? p : targets[p]] = value;
    }
  }

  /**
   * Computes K(query_r, reference_c) for every query row r and reference c:
   * a [queries.rows × nReferences] row-major block. On the CPU backend the
   * rows come from `rowInto`, so they equal the rows of a KernelCache. On
   * other backends the dot products come from the float32 matmul, so an entry
   * agrees with an exact float64 evaluation to about 1e-6 relative to the
   * squared norms.
   */
  async block(queries: Matrix): Promise<Float32Array> {
    const nReferences = this.nReferences;
    if (this.backend.name === 'cpu') {
      // With the 14 Adult features, rowInto took about 10 ns per entry for the
      // dot products against about 15 for the CPU matmul plus its copies
      // (2-core x86 VM, Node 20).
      const values = new Float32Array(queries.rows * nReferences);
      const queryNorms = rowSquaredNorms(queries);
      for (let r = 0; r < queries.rows; r++) {
        this.rowInto(queries.data, r * queries.cols, queryNorms[r], values.subarray(r * nReferences, (r + 1) * nReferences), null);
      }
      return values;
    }
    const values = await this.dots(queries);
    const queryNorms = rowSquaredNorms(queries);
    for (let r = 0; r < queries.rows; r++) {
      const offset = r * nReferences;
      for (let c = 0; c < nReferences; c++) values[offset + c] = this.kernelValue(queryNorms[r], c, values[offset + c]);
    }
    return values;
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
  /** The active-set epoch the row was computed in; a partial row of an older epoch lacks columns. */
  epoch: number;
  /** True when every column is computed, so the row is valid in any epoch. */
  full: boolean;
}

/**
 * A least-recently-used cache of kernel rows K(x_i, ·) over the training set,
 * bounded in bytes: it stores at most ⌊budgetBytes / (4 · n)⌋ float32 rows of
 * n entries. The budget counts row storage only, not the Map's own overhead.
 * The solver needs two rows at a time, so the budget must hold two.
 *
 * `fetch` computes rows only at the columns of the active set (the rows SMO
 * has not shrunk away), as LIBSVM does; other entries are left 0 until
 * `fullRow` fills them. The active set only shrinks until `restrict` is
 * called with `grew = true`, which starts a new epoch in which partial rows
 * of earlier epochs are recomputed.
 */
export class KernelCache {
  readonly capacityRows: number;
  readonly stats: KernelCacheStats = { hits: 0, misses: 0, peakBytes: 0 };
  private readonly rows = new Map<number, CachedRow>();
  private epoch = 0;
  private activeIndices: Int32Array;
  private activeKernel: RbfKernel;
  /** Training rows outside the active set, and their kernel, built when a full row is first needed. */
  private inactive: { indices: Int32Array; kernel: RbfKernel } | null = null;
  /** Squared norm of every training row, computed once. */
  private readonly trainingNorms: Float64Array;

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
        `KernelCache: a budget of ${budgetBytes} bytes fits fewer than 2 kernel rows of ${rowBytes} bytes; raise the cache size to at least ${2 * rowBytes} bytes`,
      );
    }
    this.activeIndices = Int32Array.from({ length: training.rows }, (_, i) => i);
    this.trainingNorms = rowSquaredNorms(training);
    this.activeKernel = new RbfKernel(training, gamma, backend, this.trainingNorms);
  }

  get rowBytes(): number {
    return 4 * this.training.rows;
  }

  get bytesUsed(): number {
    return this.rows.size * this.rowBytes;
  }

  /**
   * Sets the columns that later rows are computed at. Pass `grew = true` when
   * `active` contains a row that the previous active set lacked.
   */
  restrict(active: ArrayLike<number>, grew: boolean): void {
    if (grew) this.epoch++;
    this.activeIndices = Int32Array.from(active);
    this.activeKernel = this.kernelOver(this.activeIndices);
    this.inactive = null;
  }

  /** Returns the valid cached entry for row i, marked as most recently used, or undefined. */
  private lookup(i: number): CachedRow | undefined {
    const entry = this.rows.get(i);
    if (entry === undefined) return undefined;
    this.rows.delete(i);
    if (!entry.full && entry.epoch !== this.epoch) return undefined;
    this.rows.set(i, entry);
    return entry;
  }

  /**
   * Returns the kernel rows for `indices` (at most the cache's capacity),
   * valid at the active columns, computing the missing ones on the host.
   * The diagonal entry K(x_i, x_i) is set to exactly 1, as the RBF kernel gives.
   */
  async fetch(indices: readonly number[]): Promise<Float32Array[]> {
    if (indices.length > this.capacityRows) {
      throw new RangeError(`KernelCache.fetch: ${indices.length} rows requested at once, the cache fits ${this.capacityRows}`);
    }
    const result: Float32Array[] = new Array(indices.length);
    const missing: number[] = [];
    indices.forEach((index, position) => {
      const entry = this.lookup(index);
      if (entry !== undefined) {
        this.stats.hits++;
        result[position] = entry.values;
      } else if (!missing.includes(index)) {
        missing.push(index);
      }
    });
    if (missing.length === 0) return result;

    this.stats.misses += missing.length;
    const full = this.activeIndices.length === this.training.rows;
    const targets = full ? null : this.activeIndices;
    const cols = this.training.cols;
    const computed = new Map<number, Float32Array>();
    for (let r = 0; r < missing.length; r++) {
      const values = new Float32Array(this.training.rows);
      this.activeKernel.rowInto(this.training.data, missing[r] * cols, this.trainingNorms[missing[r]], values, targets);
      values[missing[r]] = 1;
      computed.set(missing[r], values);
      this.insert(missing[r], { values, epoch: this.epoch, full });
    }
    indices.forEach((index, position) => {
      result[position] ??= computed.get(index)!;
    });
    return result;
  }

  /** Fetches one row, valid at the active columns. */
  async row(i: number): Promise<Float32Array> {
    const entry = this.lookup(i);
    if (entry !== undefined) {
      this.stats.hits++;
      return entry.values;
    }
    return (await this.fetch([i]))[0];
  }

  /** Fetches row i with every column computed, filling the inactive columns of a cached partial row. */
  async fullRow(i: number): Promise<Float32Array> {
    await this.row(i);
    const entry = this.rows.get(i)!;
    if (entry.full) return entry.values;

    this.inactive ??= this.buildInactive();
    const { indices, kernel } = this.inactive;
    kernel.rowInto(this.training.data, i * this.training.cols, this.trainingNorms[i], entry.values, indices);
    entry.full = true;
    return entry.values;
  }

  private buildInactive(): { indices: Int32Array; kernel: RbfKernel } {
    const isActive = new Uint8Array(this.training.rows);
    for (const t of this.activeIndices) isActive[t] = 1;
    const indices: number[] = [];
    for (let t = 0; t < this.training.rows; t++) if (isActive[t] === 0) indices.push(t);
    const inactiveIndices = Int32Array.from(indices);
    return { indices: inactiveIndices, kernel: this.kernelOver(inactiveIndices) };
  }

  /** Builds the kernel whose references are the training rows at `indices`, reusing their cached norms. */
  private kernelOver(indices: Int32Array): RbfKernel {
    if (indices.length === this.training.rows) return new RbfKernel(this.training, this.gamma, this.backend, this.trainingNorms);
    const norms = Float64Array.from(indices, (t) => this.trainingNorms[t]);
    return new RbfKernel(this.training.takeRows(indices), this.gamma, this.backend, norms);
  }

  private insert(i: number, entry: CachedRow): void {
    while (this.rows.size >= this.capacityRows) {
      const leastRecent = this.rows.keys().next().value as number;
      this.rows.delete(leastRecent);
    }
    this.rows.set(i, entry);
    this.stats.peakBytes = Math.max(this.stats.peakBytes, this.bytesUsed);
  }
}
