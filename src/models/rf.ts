import { Matrix, type Labels } from '../../engine/matrix.ts';
import { Rng } from '../../engine/rng.ts';
import { MiascopeError } from '../errors.ts';
import { argmaxRows, type Classifier, type FitOptions, type FitReport, type ModelJSON } from './classifier.ts';
import { binFeatures, growTree, leafOf, type Tree } from './cart.ts';
import { positiveInteger, validateFeatures, validateOptions, validateTrainingData, type OptionRule, checkModelJSON, requireFitted } from './validate.ts';

export interface RandomForestOptions {
  /** Number of trees. Default 100. */
  nEstimators: number;
  /** Depth limit of every tree; the root has depth 0. Default 2. */
  maxDepth: number;
  /** Minimum number of distinct training rows in a leaf. Default 1. */
  minSamplesLeaf: number;
  /** Features drawn per split: 'sqrt' is ⌊√nFeatures⌋ (at least 1), a number is a count. Default 'sqrt'. */
  maxFeatures: 'sqrt' | number;
  /** Fit each tree on a bootstrap sample (n draws with replacement) rather than on all rows. Default true. */
  bootstrap: boolean;
  /** Most histogram bins per feature, at most 256; features with fewer distinct values split exactly. Default 256. */
  maxBins: number;
  /** Seed for bootstrap samples and feature draws. Default 0. */
  seed: string | number;
}

/** Table 1 defaults of "Data and Model Dependencies of Membership Inference Attack" (Tonni et al., 2020). */
export const RANDOM_FOREST_DEFAULTS: RandomForestOptions = {
  nEstimators: 100,
  maxDepth: 2,
  minSamplesLeaf: 1,
  maxFeatures: 'sqrt',
  bootstrap: true,
  maxBins: 256,
  seed: 0,
};

const OPTION_RULES = {
  nEstimators: positiveInteger,
  maxDepth: positiveInteger,
  minSamplesLeaf: positiveInteger,
  maxFeatures: { check: (v: unknown) => v === 'sqrt' || positiveInteger.check(v), accepted: "'sqrt' or an integer ≥ 1" } as OptionRule,
  bootstrap: { check: (v: unknown) => typeof v === 'boolean', accepted: 'true or false' } as OptionRule,
  maxBins: { check: (v: unknown) => Number.isInteger(v) && (v as number) >= 2 && (v as number) <= 256, accepted: 'an integer in [2, 256]' } as OptionRule,
};

interface FittedState {
  trees: Tree[];
  nFeatures: number;
  nClasses: number;
}

/**
 * Random forest classifier (Breiman, "Random Forests", 2001): CART trees with
 * the Gini impurity, each grown on a bootstrap sample with a random subset of
 * features tried at every split. `predictProba` averages the trees' leaf
 * class frequencies, as scikit-learn does. Trees are grown on
 * histogram-binned features (cart.ts).
 */
export class RandomForestClassifier implements Classifier {
  readonly name = 'rf';
  readonly options: RandomForestOptions;
  private state: FittedState | null = null;

  constructor(options: Partial<RandomForestOptions> = {}) {
    this.options = { ...RANDOM_FOREST_DEFAULTS, ...options };
    validateOptions('RandomForestClassifier', this.options, OPTION_RULES);
  }

  async fit(x: Matrix, y: Labels, fitOptions: FitOptions = {}): Promise<FitReport> {
    const nClasses = validateTrainingData('RandomForestClassifier', x, y);
    const { nEstimators, maxDepth, minSamplesLeaf, bootstrap, maxBins } = this.options;
    const maxFeatures =
      this.options.maxFeatures === 'sqrt' ? Math.max(1, Math.floor(Math.sqrt(x.cols))) : Math.min(this.options.maxFeatures, x.cols);
    const binned = binFeatures(x, maxBins);
    const rng = new Rng(this.options.seed);

    const trees: Tree[] = [];
    for (let t = 0; t < nEstimators; t++) {
      // One generator per tree, so a tree depends only on the seed and its index.
      const treeRng = rng.fork(t);
      const weights = new Int32Array(x.rows);
      if (bootstrap) {
        for (let draw = 0; draw < x.rows; draw++) weights[treeRng.int(x.rows)]++;
      } else {
        weights.fill(1);
      }
      trees.push(growTree(binned, y, nClasses, weights, { maxDepth, minSamplesLeaf, maxFeatures }, treeRng));
    }

    this.state = { trees, nFeatures: x.cols, nClasses };
    const probabilities = await this.predictProba(x);
    const loss = meanLogLoss(probabilities, y);
    fitOptions.onProgress?.({ epoch: 1, epochs: 1, loss });
    return { epochs: 1, lossHistory: [loss] };
  }

  /** Mean over trees of the class probabilities at the leaf each row reaches: [nSamples × nClasses]. */
  async predictProba(x: Matrix): Promise<Matrix> {
    const state = this.requireFitted('predictProba');
    if (x.cols !== state.nFeatures) {
      throw new MiascopeError(`RandomForestClassifier.predictProba: x has ${x.cols} features, the model was fit on ${state.nFeatures}`);
    }
    validateFeatures('RandomForestClassifier.predictProba', x);
    const { nClasses, trees } = state;
    const sums = new Float64Array(x.rows * nClasses);
    for (const tree of trees) {
      for (let i = 0; i < x.rows; i++) {
        const leaf = leafOf(tree, x.data, i * x.cols);
        for (let k = 0; k < nClasses; k++) sums[i * nClasses + k] += tree.value[leaf * nClasses + k];
      }
    }
    const probabilities = new Matrix(x.rows, nClasses);
    for (let i = 0; i < sums.length; i++) probabilities.data[i] = sums[i] / trees.length;
    return probabilities;
  }

  async predict(x: Matrix): Promise<Labels> {
    return argmaxRows(await this.predictProba(x));
  }

  toJSON(): ModelJSON {
    const state = this.requireFitted('toJSON');
    return {
      model: this.name,
      formatVersion: 1,
      options: this.options,
      nFeatures: state.nFeatures,
      nClasses: state.nClasses,
      trees: state.trees.map((tree) => ({
        feature: Array.from(tree.feature),
        threshold: Array.from(tree.threshold),
        left: Array.from(tree.left),
        right: Array.from(tree.right),
        value: Array.from(tree.value),
      })),
    };
  }

  static fromJSON(json: ModelJSON): RandomForestClassifier {
    checkModelJSON('RandomForestClassifier', json, 'rf');
    const model = new RandomForestClassifier(json.options as Partial<RandomForestOptions>);
    const trees = (json.trees as Array<Record<keyof Tree, number[]>>).map((tree) => ({
      feature: Int32Array.from(tree.feature),
      threshold: Float64Array.from(tree.threshold),
      left: Int32Array.from(tree.left),
      right: Int32Array.from(tree.right),
      value: Float64Array.from(tree.value),
    }));
    model.state = { trees, nFeatures: json.nFeatures as number, nClasses: json.nClasses as number };
    return model;
  }

  private requireFitted(call: string): FittedState {
    return requireFitted('RandomForestClassifier', this.state, call);
  }
}

/** Mean cross-entropy (natural log) of the forest's probabilities on the training rows, with probability 0 floored. */
function meanLogLoss(probabilities: Matrix, y: Labels): number {
  let sum = 0;
  for (let i = 0; i < y.length; i++) sum -= Math.log(Math.max(probabilities.get(i, y[i]), 1e-15));
  return sum / y.length;
}
