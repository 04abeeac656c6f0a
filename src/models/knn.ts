import { noGrad } from '../../engine/autograd.ts';
import type { Backend } from '../../engine/backend/backend.ts';
import { cpuBackend } from '../../engine/backend/cpu/index.ts';
import { Matrix, type Labels } from '../../engine/matrix.ts';
import { matmul } from '../../engine/ops.ts';
import { tensor, type Tensor } from '../../engine/tensor.ts';
import { MiascopeError } from '../errors.ts';
import { argmaxRows, type Classifier, type FitReport, type ModelJSON } from './classifier.ts';
import { oneOf, positiveInteger, validateFeatures, validateOptions, validateTrainingData, type OptionRule, checkModelJSON, requireFitted } from './validate.ts';

/**
 * Exact k-nearest-neighbour classification under the Euclidean distance.
 *
 * Every search ranks training records by the same float64 squared distance,
 * Σⱼ (qⱼ − xⱼ)² summed in feature order, and breaks equal distances by the
 * lower training index. Both search methods return exactly that ranking, so
 * they agree bit for bit:
 *
 * - `brute` gets approximate squared distances for a block of queries from
 *   one float32 matrix product, ‖q‖² + ‖x‖² − 2·q·x, through the engine (a GPU
 *   backend runs the product on the device). Float32 cancellation in that
 *   identity can reorder near neighbours, so each approximate distance carries
 *   a bound on its rounding error, and every record whose lower bound does
 *   not exceed the k-th smallest upper bound is re-ranked by its exact
 *   distance. The true k nearest are always among those candidates.
 * - `kd-tree` descends a k-d tree (Friedman, Bentley and Finkel, "An
 *   Algorithm for Finding Best Matches in Logarithmic Expected Time", 1977)
 *   and prunes a node only when the squared distance to its bounding box,
 *   computed in the same order and precision, is strictly larger than the
 *   current k-th distance.
 */

export type KnnAlgorithm = 'auto' | 'brute' | 'kd-tree';

export interface KnnOptions {
  /** Neighbours that vote. Must not exceed the number of training records. Default 3. */
  k: number;
  /** Search method; 'auto' picks by the rule in `chooseAlgorithm`. Default 'auto'. */
  algorithm: KnnAlgorithm;
  /** Largest number of records in a k-d tree leaf. Default 40, as scikit-learn's KDTree. */
  leafSize: number;
  /** Accepted so that every model family takes a seed; unused, because fit and search are deterministic. Default 0. */
  seed: string | number;
}

/** Table 1 defaults of "Data and Model Dependencies of Membership Inference Attack" (Tonni et al., 2020). */
export const KNN_DEFAULTS: KnnOptions = { k: 3, algorithm: 'auto', leafSize: 40, seed: 0 };

const seedRule: OptionRule = {
  check: (v) => typeof v === 'string' || (typeof v === 'number' && Number.isFinite(v)),
  accepted: 'a string or a finite number',
};

const OPTION_RULES = {
  k: positiveInteger,
  algorithm: oneOf('auto', 'brute', 'kd-tree'),
  leafSize: positiveInteger,
  seed: seedRule,
};

// Values in one block of the matmul output q·xᵀ, [queries in block × training records]:
// 2^20 float32 values, 4 MiB, and as much again for the host copy that `data()` returns.
// Besides the blocks, brute force keeps xᵀ and two float64 norms per training record.
const BLOCK_VALUES = 1 << 20;

// Unit roundoff of float32 and float64 (half a unit in the last place of 1).
const FLOAT32_UNIT_ROUNDOFF = 2 ** -24;
const FLOAT64_UNIT_ROUNDOFF = 2 ** -53;

// Up to this many features 'auto' searches a k-d tree. Measured with 5,000 standard
// normal queries against 10,000 standard normal records, k = 3, leaf size 40, CPU
// backend, Node 20 on a shared 2-core AMD EPYC VM (median of 5; runs differ by up
// to a factor of 2), the tree took 8 ms at 2 features, 65 ms at 5, 0.28 s at 8 and
// 0.89 s at 11 against 0.7–1.3 s for brute force, but 1.7 s at 14 and 2.4 s at 20
// against 0.9 and 1.9 s. Brute force costs the same on any data, while the tree
// depends on the data's structure: on Adult (14 z-scored ordinal features) it took
// 0.76–0.82 s against 0.89–0.95 s for brute force. The rule goes by the feature
// count alone, so that 'auto' is never much slower than brute force.
const KD_TREE_MAX_FEATURES = 12;

/** The search method that 'auto' uses: a k-d tree for up to 12 features, brute force above. */
export function chooseAlgorithm(nFeatures: number): 'brute' | 'kd-tree' {
  return nFeatures <= KD_TREE_MAX_FEATURES ? 'kd-tree' : 'brute';
}

/** The k nearest training records of each query, nearest first: indices and Euclidean distances, [nQueries × k] row-major. */
export interface Neighbors {
  k: number;
  indices: Int32Array;
  distances: Float64Array;
}

/** The k best (squared distance, index) pairs seen so far, sorted by distance then index. */
class TopK {
  readonly squared: Float64Array;
  readonly indices: Int32Array;
  count = 0;

  constructor(readonly k: number) {
    this.squared = new Float64Array(k);
    this.indices = new Int32Array(k);
  }

  reset(): void {
    this.count = 0;
  }

  /** The k-th smallest squared distance, or Infinity while fewer than k are held. */
  get bound(): number {
    return this.count < this.k ? Infinity : this.squared[this.k - 1];
  }

  insert(squared: number, index: number): void {
    const { k } = this;
    let position = this.count;
    if (position === k) {
      const last = k - 1;
      if (squared > this.squared[last] || (squared === this.squared[last] && index > this.indices[last])) return;
      position = last;
    } else {
      this.count++;
    }
    while (position > 0 && (this.squared[position - 1] > squared || (this.squared[position - 1] === squared && this.indices[position - 1] > index))) {
      this.squared[position] = this.squared[position - 1];
      this.indices[position] = this.indices[position - 1];
      position--;
    }
    this.squared[position] = squared;
    this.indices[position] = index;
  }
}

/** Σⱼ (q[qOffset + j] − x[xOffset + j])² in float64, j ascending: the distance every search ranks by. */
function squaredDistance(q: Float32Array, qOffset: number, x: Float32Array, xOffset: number, cols: number): number {
  let sum = 0;
  for (let j = 0; j < cols; j++) {
    const diff = q[qOffset + j] - x[xOffset + j];
    sum += diff * diff;
  }
  return sum;
}

/** A k-d tree over the rows of a matrix, in flat arrays; node 0 is the root. */
class KdTree {
  /** Row indices, permuted so that every node owns a contiguous range. */
  readonly order: Int32Array;
  readonly start: number[] = [];
  readonly end: number[] = [];
  /** Child node ids, −1 for a leaf. */
  readonly left: number[] = [];
  readonly right: number[] = [];
  /** Per node, the smallest and largest value of each feature over its rows: [node × cols]. */
  private lower: number[] = [];
  private upper: number[] = [];

  constructor(
    readonly x: Matrix,
    readonly leafSize: number,
  ) {
    this.order = new Int32Array(x.rows);
    for (let i = 0; i < x.rows; i++) this.order[i] = i;
    this.build(0, x.rows);
  }

  /** Builds the node for order[start … end) and returns its id. */
  private build(start: number, end: number): number {
    const { cols, data } = this.x;
    const node = this.start.length;
    this.start.push(start);
    this.end.push(end);
    this.left.push(-1);
    this.right.push(-1);

    let widestFeature = 0;
    let widestSpread = -1;
    for (let j = 0; j < cols; j++) {
      let min = Infinity;
      let max = -Infinity;
      for (let r = start; r < end; r++) {
        const value = data[this.order[r] * cols + j];
        if (value < min) min = value;
        if (value > max) max = value;
      }
      this.lower.push(min);
      this.upper.push(max);
      if (max - min > widestSpread) {
        widestSpread = max - min;
        widestFeature = j;
      }
    }

    // A leaf when small enough, or when every row is the same point (no split separates them).
    if (end - start <= this.leafSize || widestSpread === 0) return node;
    const middle = (start + end) >> 1;
    this.selectNth(start, end, middle, widestFeature);
    this.left[node] = this.build(start, middle);
    this.right[node] = this.build(middle, end);
    return node;
  }

  /** Reorders order[start … end) so that position n contains the row that a sort by `feature` would put there (Hoare's selection). */
  private selectNth(start: number, end: number, n: number, feature: number): void {
    const { cols, data } = this.x;
    const order = this.order;
    const key = (r: number) => data[order[r] * cols + feature];
    let lo = start;
    let hi = end - 1;
    while (lo < hi) {
      const pivot = key((lo + hi) >> 1);
      let i = lo;
      let j = hi;
      while (i <= j) {
        while (key(i) < pivot) i++;
        while (key(j) > pivot) j--;
        if (i <= j) {
          const swap = order[i];
          order[i] = order[j];
          order[j] = swap;
          i++;
          j--;
        }
      }
      if (n <= j) hi = j;
      else if (n >= i) lo = i;
      else return;
    }
  }

  /**
   * Squared distance from q to the node's bounding box, summed in feature
   * order like `squaredDistance`. Rounding is monotone, so it never exceeds
   * the computed distance to any row of the node.
   */
  private boxDistance(node: number, q: Float32Array, qOffset: number): number {
    const cols = this.x.cols;
    const base = node * cols;
    let sum = 0;
    for (let j = 0; j < cols; j++) {
      const value = q[qOffset + j];
      const below = this.lower[base + j] - value;
      const above = value - this.upper[base + j];
      if (below > 0) sum += below * below;
      else if (above > 0) sum += above * above;
    }
    return sum;
  }

  search(q: Float32Array, qOffset: number, best: TopK): void {
    this.visit(0, this.boxDistance(0, q, qOffset), q, qOffset, best);
  }

  private visit(node: number, boxSquared: number, q: Float32Array, qOffset: number, best: TopK): void {
    // Strictly greater: a row at exactly the k-th distance may still win on a lower index.
    if (boxSquared > best.bound) return;
    const { cols, data } = this.x;
    if (this.left[node] < 0) {
      for (let r = this.start[node]; r < this.end[node]; r++) {
        const row = this.order[r];
        const bound = best.bound;
        let sum = 0;
        let j = 0;
        // Partial sums only grow, so a row whose partial sum exceeds the bound cannot enter.
        // A completed sum is the same float64 value that squaredDistance returns.
        for (const xOffset = row * cols; j < cols && sum <= bound; j++) {
          const diff = q[qOffset + j] - data[xOffset + j];
          sum += diff * diff;
        }
        if (j === cols) best.insert(sum, row);
      }
      return;
    }
    const leftSquared = this.boxDistance(this.left[node], q, qOffset);
    const rightSquared = this.boxDistance(this.right[node], q, qOffset);
    if (leftSquared <= rightSquared) {
      this.visit(this.left[node], leftSquared, q, qOffset, best);
      this.visit(this.right[node], rightSquared, q, qOffset, best);
    } else {
      this.visit(this.right[node], rightSquared, q, qOffset, best);
      this.visit(this.left[node], leftSquared, q, qOffset, best);
    }
  }
}

interface FittedState {
  /** The training records: for k-nearest neighbours they are the model. */
  x: Matrix;
  y: Labels;
  nClasses: number;
  algorithm: 'brute' | 'kd-tree';
  /** Built at fit for 'kd-tree', else null. */
  tree: KdTree | null;
  /** For 'brute', made at the first search: ‖xᵢ‖² and ‖xᵢ‖ in float64, and xᵀ [nFeatures × nRecords] on the backend. */
  squaredNorms: Float64Array | null;
  norms: Float64Array | null;
  transposed: Tensor | null;
}

/**
 * k-nearest-neighbour classifier: `predictProba` gives, per query, the share
 * of its k nearest training records (Euclidean distance, equal distances
 * broken by the lower training index) in each class, [nSamples × nClasses].
 * `fit` stores the training set, which `toJSON` writes out in full. A query
 * that is itself a training record finds itself at distance 0, so with
 * k = 1 the model reproduces its training labels, except where an identical
 * record with a lower index carries another label.
 */
export class KnnClassifier implements Classifier {
  readonly name = 'knn';
  readonly options: KnnOptions;
  private state: FittedState | null = null;

  constructor(
    options: Partial<KnnOptions> = {},
    readonly backend: Backend = cpuBackend,
  ) {
    this.options = { ...KNN_DEFAULTS, ...options };
    validateOptions('KnnClassifier', this.options, OPTION_RULES);
  }

  async fit(x: Matrix, y: Labels): Promise<FitReport> {
    const nClasses = validateTrainingData('KnnClassifier', x, y);
    if (this.options.k > x.rows) {
      throw new MiascopeError(
        `KnnClassifier.fit: k = ${this.options.k} exceeds the ${x.rows} training records; set k to at most ${x.rows} or add records`,
      );
    }
    this.state = KnnClassifier.index(new Matrix(x.rows, x.cols, x.data.slice()), y.slice(), nClasses, this.options);
    return { epochs: 0, lossHistory: [] };
  }

  private static index(x: Matrix, y: Labels, nClasses: number, options: KnnOptions): FittedState {
    const algorithm = options.algorithm === 'auto' ? chooseAlgorithm(x.cols) : options.algorithm;
    const tree = algorithm === 'kd-tree' ? new KdTree(x, options.leafSize) : null;
    return { x, y, nClasses, algorithm, tree, squaredNorms: null, norms: null, transposed: null };
  }

  /** Finds the k nearest training records of every row of `x`, nearest first. */
  async kneighbors(x: Matrix): Promise<Neighbors> {
    const state = this.requireFitted('kneighbors');
    if (x.cols !== state.x.cols) {
      throw new MiascopeError(`KnnClassifier.kneighbors: x has ${x.cols} features, the model was fit on ${state.x.cols}`);
    }
    validateFeatures('KnnClassifier.kneighbors', x);
    const { k } = this.options;
    const neighbors: Neighbors = { k, indices: new Int32Array(x.rows * k), distances: new Float64Array(x.rows * k) };
    if (state.algorithm === 'kd-tree') this.searchTree(state, x, neighbors);
    else await this.searchBrute(state, x, neighbors);
    return neighbors;
  }

  async predictProba(x: Matrix): Promise<Matrix> {
    const state = this.requireFitted('predictProba');
    const { k, indices } = await this.kneighbors(x);
    const out = new Matrix(x.rows, state.nClasses);
    const share = 1 / k;
    for (let i = 0; i < x.rows; i++) {
      for (let m = 0; m < k; m++) out.data[i * state.nClasses + state.y[indices[i * k + m]]] += share;
    }
    return out;
  }

  async predict(x: Matrix): Promise<Labels> {
    return argmaxRows(await this.predictProba(x));
  }

  private searchTree(state: FittedState, queries: Matrix, out: Neighbors): void {
    const best = new TopK(out.k);
    for (let i = 0; i < queries.rows; i++) {
      best.reset();
      state.tree!.search(queries.data, i * queries.cols, best);
      writeRow(best, out, i);
    }
  }

  private async searchBrute(state: FittedState, queries: Matrix, out: Neighbors): Promise<void> {
    const { x } = state;
    const { rows: n, cols: d } = x;
    if (state.transposed === null) {
      const transposed = new Float32Array(d * n);
      const squaredNorms = new Float64Array(n);
      for (let i = 0; i < n; i++) {
        for (let j = 0; j < d; j++) transposed[j * n + i] = x.data[i * d + j];
        squaredNorms[i] = squaredDistance(x.data, i * d, new Float32Array(d), 0, d);
      }
      state.transposed = tensor(transposed, [d, n], { backend: this.backend });
      state.squaredNorms = squaredNorms;
      state.norms = squaredNorms.map(Math.sqrt);
    }
    const trainNorms = state.squaredNorms!;
    const trainLengths = state.norms!;

    // A float32 dot product of d terms, in any summation order, is off by at most
    // γ_d·Σ|qⱼxⱼ| ≤ γ_d·‖q‖·‖x‖ with γ_d = d·u / (1 − d·u) ("Accuracy and Stability of
    // Numerical Algorithms", Higham, §3.1). The bound below doubles it for the
    // factor 2 in the identity, doubles it again as a margin, and adds the float64
    // rounding of the norms and of the exact distance itself.
    const gamma = (d * FLOAT32_UNIT_ROUNDOFF) / (1 - d * FLOAT32_UNIT_ROUNDOFF);
    const float64Slack = 4 * (d + 2) * FLOAT64_UNIT_ROUNDOFF;

    const k = out.k;
    const best = new TopK(k);
    const upper = new TopK(k);
    const blockRows = Math.max(1, Math.floor(BLOCK_VALUES / n));
    const lowerBounds = new Float64Array(n);
    for (let first = 0; first < queries.rows; first += blockRows) {
      const last = Math.min(first + blockRows, queries.rows);
      const block = queries.data.subarray(first * d, last * d);
      const dots = await noGrad(() => matmul(tensor(block, [last - first, d], { backend: this.backend }), state.transposed!).data());

      for (let i = first; i < last; i++) {
        const qOffset = i * d;
        const queryNorm = squaredDistance(queries.data, qOffset, new Float32Array(d), 0, d);
        const queryLength = Math.sqrt(queryNorm);
        const row = (i - first) * n;

        // Pass 1: the k-th smallest upper bound on the exact distance.
        upper.reset();
        for (let r = 0; r < n; r++) {
          const approximate = queryNorm + trainNorms[r] - 2 * dots[row + r];
          const error = 4 * gamma * queryLength * trainLengths[r] + float64Slack * (queryNorm + trainNorms[r]);
          lowerBounds[r] = approximate - error;
          upper.insert(approximate + error, r);
        }
        const cutoff = upper.bound;

        // Pass 2: re-rank every record that could be among the k nearest by its exact distance.
        best.reset();
        for (let r = 0; r < n; r++) {
          if (lowerBounds[r] <= cutoff) best.insert(squaredDistance(queries.data, qOffset, x.data, r * d, d), r);
        }
        writeRow(best, out, i);
      }
    }
  }

  toJSON(): ModelJSON {
    const state = this.requireFitted('toJSON');
    return {
      model: this.name,
      formatVersion: 1,
      options: this.options,
      nFeatures: state.x.cols,
      nClasses: state.nClasses,
      // The training records are the model. Float32 values print and parse back exactly.
      x: Array.from(state.x.data),
      y: Array.from(state.y),
    };
  }

  static fromJSON(json: ModelJSON, backend: Backend = cpuBackend): KnnClassifier {
    checkModelJSON('KnnClassifier', json, 'knn');
    const nFeatures = json.nFeatures as number;
    const x = json.x as number[];
    const y = json.y as number[];
    if (!Array.isArray(x) || !Array.isArray(y) || x.length !== y.length * nFeatures) {
      throw new MiascopeError(
        `KnnClassifier.fromJSON: expected ${nFeatures} features per training label; the JSON is truncated or not from KnnClassifier.toJSON`,
      );
    }
    const model = new KnnClassifier(json.options as Partial<KnnOptions>, backend);
    const records = new Matrix(y.length, nFeatures, Float32Array.from(x));
    model.state = KnnClassifier.index(records, Int32Array.from(y), json.nClasses as number, model.options);
    return model;
  }

  private requireFitted(call: string): FittedState {
    return requireFitted('KnnClassifier', this.state, call);
  }
}

function writeRow(best: TopK, out: Neighbors, i: number): void {
  for (let m = 0; m < out.k; m++) {
    out.indices[i * out.k + m] = best.indices[m];
    out.distances[i * out.k + m] = Math.sqrt(best.squared[m]);
  }
}
