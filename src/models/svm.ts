import type { Backend } from '../../engine/backend/backend.ts';
import { cpuBackend } from '../../engine/backend/cpu/index.ts';
import { Matrix, type Labels } from '../../engine/matrix.ts';
import { Rng } from '../../engine/rng.ts';
import { MiascopeError } from '../errors.ts';
import type { Classifier, FitOptions, FitReport, ModelJSON } from './classifier.ts';
import { KernelCache, RbfKernel } from './kernel-cache.ts';
import { fitPlatt, plattProbability } from './platt.ts';
import { solveSmo, type SmoSolution } from './smo.ts';
import { positiveInteger, positiveNumber, validateFeatures, validateOptions, validateTrainingData, type OptionRule, checkModelJSON, requireFitted } from './validate.ts';

export interface SvmOptions {
  /** Upper bound on the dual coefficients (inverse regularisation strength). Default 0.01. */
  C: number;
  /** RBF width γ in K(a, b) = exp(−γ‖a − b‖²); 'scale' is 1/(nFeatures · Var(X)) over all entries of X. Default 'scale'. */
  gamma: number | 'scale';
  /** SMO stops when the maximal KKT violation is below this. Default 1e-3. */
  tolerance: number;
  /** Drop rows that sit at a bound from the working set while solving. Default true. */
  shrinking: boolean;
  /** Kernel-row cache size in MiB (2^20 bytes), per solve. Default 100. */
  cacheSizeMb: number;
  /** SMO iteration limit; the fit report records when it ran out. Default 10,000,000. */
  maxIterations: number;
  /** Cross-validation folds whose held-out decision values fit the Platt sigmoid. Default 5. */
  probabilityFolds: number;
  /** Seed for the assignment of rows to cross-validation folds. Default 0. */
  seed: string | number;
}

/** Table 1 defaults of "Data and Model Dependencies of Membership Inference Attack" (Tonni et al., 2020); the rest as LIBSVM 3. */
export const SVM_DEFAULTS: SvmOptions = {
  C: 0.01,
  gamma: 'scale',
  tolerance: 1e-3,
  shrinking: true,
  cacheSizeMb: 100,
  maxIterations: 10_000_000,
  probabilityFolds: 5,
  seed: 0,
};

const booleanRule: OptionRule = { check: (v) => typeof v === 'boolean', accepted: 'true or false' };
const gammaRule: OptionRule = {
  check: (v) => v === 'scale' || positiveNumber.check(v),
  accepted: "'scale' or a finite number > 0",
};
const foldsRule: OptionRule = { check: (v) => Number.isInteger(v) && (v as number) >= 2, accepted: 'an integer ≥ 2' };

const OPTION_RULES = {
  C: positiveNumber,
  gamma: gammaRule,
  tolerance: positiveNumber,
  shrinking: booleanRule,
  cacheSizeMb: positiveNumber,
  maxIterations: positiveInteger,
  probabilityFolds: foldsRule,
};

/** The outcome of an SVM fit, beyond the common report. */
export interface SvmFitReport extends FitReport {
  /** SMO iterations of the final solve on all training rows. */
  iterations: number;
  /** False when SMO hit maxIterations on the final solve or on any cross-validation fold. */
  converged: boolean;
  nSupportVectors: number;
  /** Dual objective ½ αᵀQα − Σα of the final solve. */
  dualObjective: number;
  plattA: number;
  plattB: number;
}

/** A decision function f(x) = Σ_s coefficient_s · K(sv_s, x) + bias. */
interface DecisionModel {
  supportVectors: Matrix;
  /** y_s α_s for each support vector. */
  coefficients: Float64Array;
  bias: number;
}

interface FittedState extends DecisionModel {
  gamma: number;
  plattA: number;
  plattB: number;
  nFeatures: number;
  kernel: RbfKernel;
}

/** 1/(nFeatures · Var(X)), the variance taken over all entries of X; 1 when X is constant. */
export function scaleGamma(x: Matrix): number {
  let sum = 0;
  for (let i = 0; i < x.data.length; i++) sum += x.data[i];
  const mean = sum / x.data.length;
  let squares = 0;
  for (let i = 0; i < x.data.length; i++) squares += (x.data[i] - mean) ** 2;
  const variance = squares / x.data.length;
  return variance > 0 ? 1 / (x.cols * variance) : 1;
}

/** Class indices 0/1 as the −1/+1 labels of the dual; class 1 gets +1, so f(x) > 0 predicts class 1. */
function signedLabels(y: Labels): Int8Array {
  return Int8Array.from(y, (label) => (label === 1 ? 1 : -1));
}

/**
 * Support vector classifier (C-SVC) with the RBF kernel, for two classes.
 * The dual is solved by SMO with second-order working-set selection and
 * shrinking (smo.ts). Probabilities come from Platt scaling fit on decision
 * values of an internal, seeded k-fold cross-validation, as LIBSVM does.
 *
 * `predict` takes the sign of the decision function, as LIBSVM and
 * scikit-learn do, so it can disagree with the argmax of `predictProba` for
 * rows whose decision value is near 0.
 */
export class SvmClassifier implements Classifier {
  readonly name = 'svm';
  readonly options: SvmOptions;
  private state: FittedState | null = null;

  constructor(
    options: Partial<SvmOptions> = {},
    readonly backend: Backend = cpuBackend,
  ) {
    this.options = { ...SVM_DEFAULTS, ...options };
    validateOptions('SvmClassifier', this.options, OPTION_RULES);
  }

  async fit(x: Matrix, y: Labels, fitOptions: FitOptions = {}): Promise<SvmFitReport> {
    const nClasses = validateTrainingData('SvmClassifier', x, y);
    if (nClasses > 2) {
      throw new MiascopeError(
        `SvmClassifier.fit: the labels hold ${nClasses} classes (0 … ${nClasses - 1}) but this SVM is binary only; map the labels to 0 and 1 first`,
      );
    }
    const budgetBytes = this.options.cacheSizeMb * 2 ** 20;
    if (budgetBytes < 2 * 4 * x.rows) {
      throw new MiascopeError(
        `SvmClassifier.fit: option cacheSizeMb = ${this.options.cacheSizeMb} cannot hold two kernel rows of ${x.rows} float32 values; set it to at least ${Math.ceil((8 * x.rows) / 2 ** 20)}`,
      );
    }
    const gamma = this.options.gamma === 'scale' ? scaleGamma(x) : this.options.gamma;

    // Step 1: the decision function on all training rows.
    const full = await this.solve(x, y, gamma);

    // Step 2: held-out decision values from k-fold cross-validation.
    const { decisionValues, converged: foldsConverged } = await this.crossValidatedDecisions(x, y, gamma);

    // Step 3: the Platt sigmoid on those values.
    const platt = fitPlatt(decisionValues, y);

    // Training decision values follow from the final gradient, f_t = y_t(G_t + 1) − rho.
    const signs = signedLabels(y);
    let logLoss = 0;
    for (let t = 0; t < x.rows; t++) {
      const decision = signs[t] * (full.solution.gradient[t] + 1) - full.solution.rho;
      const positive = plattProbability(decision, platt.A, platt.B);
      logLoss -= Math.log(Math.max(y[t] === 1 ? positive : 1 - positive, Number.MIN_VALUE));
    }
    logLoss /= x.rows;
    fitOptions.onProgress?.({ epoch: 1, epochs: 1, loss: logLoss });

    this.state = {
      ...full.model,
      gamma,
      plattA: platt.A,
      plattB: platt.B,
      nFeatures: x.cols,
      kernel: new RbfKernel(full.model.supportVectors, gamma, this.backend),
    };
    return {
      epochs: 1,
      lossHistory: [logLoss],
      iterations: full.solution.iterations,
      converged: full.solution.converged && foldsConverged,
      nSupportVectors: full.model.supportVectors.rows,
      dualObjective: full.solution.objective,
      plattA: platt.A,
      plattB: platt.B,
    };
  }

  /** Solves the dual on (x, y) and keeps the rows with α > 0 as support vectors. */
  private async solve(x: Matrix, y: Labels, gamma: number): Promise<{ model: DecisionModel; solution: SmoSolution }> {
    const { C, tolerance, shrinking, maxIterations, cacheSizeMb } = this.options;
    const cache = new KernelCache(x, gamma, this.backend, cacheSizeMb * 2 ** 20);
    const signs = signedLabels(y);
    const solution = await solveSmo({ y: signs, C, tolerance, shrinking, maxIterations }, cache);

    const supportIndices: number[] = [];
    for (let t = 0; t < x.rows; t++) if (solution.alpha[t] > 0) supportIndices.push(t);
    const model: DecisionModel = {
      supportVectors: x.takeRows(supportIndices),
      coefficients: Float64Array.from(supportIndices, (t) => signs[t] * solution.alpha[t]),
      bias: -solution.rho,
    };
    return { model, solution };
  }

  /**
   * Decision values of every row from a model fit without its fold. The folds
   * are consecutive runs of a seeded permutation. A fold whose complement contains
   * one class gets the constant decision +1 or −1 for that class, as LIBSVM does.
   */
  private async crossValidatedDecisions(x: Matrix, y: Labels, gamma: number): Promise<{ decisionValues: Float64Array; converged: boolean }> {
    const n = x.rows;
    const folds = Math.min(this.options.probabilityFolds, n);
    const order = new Rng(this.options.seed).permutation(n);
    const decisionValues = new Float64Array(n);
    let converged = true;

    for (let fold = 0; fold < folds; fold++) {
      const begin = Math.floor((fold * n) / folds);
      const end = Math.floor(((fold + 1) * n) / folds);
      const heldOut = order.subarray(begin, end);
      const trainRows = Int32Array.from([...order.subarray(0, begin), ...order.subarray(end)]);
      const trainLabels = Int32Array.from(trainRows, (t) => y[t]);
      const positives = trainLabels.reduce((count, label) => count + (label === 1 ? 1 : 0), 0);

      if (positives === 0 || positives === trainLabels.length) {
        const constant = positives === 0 ? -1 : 1;
        for (const t of heldOut) decisionValues[t] = constant;
        continue;
      }
      const { model, solution } = await this.solve(x.takeRows(trainRows), trainLabels, gamma);
      converged &&= solution.converged;
      const values = await decide(new RbfKernel(model.supportVectors, gamma, this.backend), model, x.takeRows(heldOut));
      heldOut.forEach((t, r) => {
        decisionValues[t] = values[r];
      });
    }
    return { decisionValues, converged };
  }

  /** Decision values f(x) = Σ_s coefficient_s · K(sv_s, x) + bias, one per row of x; f > 0 predicts class 1. */
  async decisionFunction(x: Matrix): Promise<Float64Array> {
    const state = this.requireFitted('decisionFunction');
    if (x.cols !== state.nFeatures) {
      throw new MiascopeError(`SvmClassifier.decisionFunction: x has ${x.cols} features, the model was fit on ${state.nFeatures}`);
    }
    validateFeatures('SvmClassifier.decisionFunction', x);
    return decide(state.kernel, state, x);
  }

  /** Platt-scaled probabilities, [nSamples × 2]: column 0 is P(class 0), column 1 is P(class 1). */
  async predictProba(x: Matrix): Promise<Matrix> {
    const state = this.requireFitted('predictProba');
    const decisionValues = await this.decisionFunction(x);
    const probabilities = new Matrix(x.rows, 2);
    for (let i = 0; i < x.rows; i++) {
      const positive = plattProbability(decisionValues[i], state.plattA, state.plattB);
      probabilities.data[2 * i] = 1 - positive;
      probabilities.data[2 * i + 1] = positive;
    }
    return probabilities;
  }

  /** Class 1 where the decision value is positive, else class 0. */
  async predict(x: Matrix): Promise<Labels> {
    this.requireFitted('predict');
    const decisionValues = await this.decisionFunction(x);
    return Int32Array.from(decisionValues, (value) => (value > 0 ? 1 : 0));
  }

  toJSON(): ModelJSON {
    const state = this.requireFitted('toJSON');
    return {
      model: this.name,
      formatVersion: 1,
      options: this.options,
      nFeatures: state.nFeatures,
      gamma: state.gamma,
      supportVectors: Array.from(state.supportVectors.data),
      nSupportVectors: state.supportVectors.rows,
      coefficients: Array.from(state.coefficients),
      bias: state.bias,
      plattA: state.plattA,
      plattB: state.plattB,
    };
  }

  static fromJSON(json: ModelJSON, backend: Backend = cpuBackend): SvmClassifier {
    checkModelJSON('SvmClassifier', json, 'svm');
    const model = new SvmClassifier(json.options as Partial<SvmOptions>, backend);
    const nFeatures = json.nFeatures as number;
    const gamma = json.gamma as number;
    const supportVectors = new Matrix(json.nSupportVectors as number, nFeatures, Float32Array.from(json.supportVectors as number[]));
    model.state = {
      supportVectors,
      coefficients: Float64Array.from(json.coefficients as number[]),
      bias: json.bias as number,
      gamma,
      plattA: json.plattA as number,
      plattB: json.plattB as number,
      nFeatures,
      kernel: new RbfKernel(supportVectors, gamma, backend),
    };
    return model;
  }

  private requireFitted(call: string): FittedState {
    return requireFitted('SvmClassifier', this.state, call);
  }
}

async function decide(kernel: RbfKernel, model: DecisionModel, x: Matrix): Promise<Float64Array> {
  const values = await kernel.weightedSums(x, model.coefficients);
  for (let i = 0; i < values.length; i++) values[i] += model.bias;
  return values;
}
