import { Matrix, type Labels } from '../../engine/matrix.ts';
import { MiascopeError } from '../errors.ts';
import { argmaxRows, type Classifier, type FitOptions, type FitReport, type ModelJSON } from './classifier.ts';
import {
  positiveInteger,
  positiveNumber,
  validateFeatures,
  validateOptions,
  validateTrainingData,
  type OptionRule,
  checkModelJSON,
  requireFitted,
} from './validate.ts';

/**
 * L2-penalised binary logistic regression, fit by L-BFGS with a strong-Wolfe
 * line search.
 *
 * The objective is scikit-learn's: C·Σᵢ log-loss(yᵢ, σ(xᵢ·w + b)) + ½‖w‖²,
 * with the intercept b not penalised. The code minimises the same objective
 * divided by C, F(w, b) = Σᵢ log-loss + ‖w‖²/(2C), which has the same minimiser
 * and is the scaling of scikit-learn 1.2's lbfgs solver, so the gradient
 * tolerance means the same there and here. (Later scikit-learn versions divide
 * by the number of samples as well, which loosens their stop by that factor.)
 *
 * Loss and gradient are plain loops over float64 rather than engine ops,
 * because the engine is float32 only and the stop compares a gradient that
 * sums n terms against a tolerance of 1e-4: at n = 10,000 float32 rounding
 * alone is about that large. The two passes over X cost O(n·d) per
 * evaluation (well under a millisecond for 10,000 × 14 records), so a GPU
 * backend would not pay for its transfers at these sizes.
 */

// ---------------------------------------------------------------------------
// L-BFGS and the strong-Wolfe line search
// ---------------------------------------------------------------------------

/** An objective: writes ∇f(x) into `gradient` and returns f(x). */
export type Objective = (x: Float64Array, gradient: Float64Array) => number;

/** φ(α) = f(x + α·d) and φ'(α) = ∇f(x + α·d)·d at one step length α. */
export interface LinePoint {
  alpha: number;
  value: number;
  derivative: number;
}

export interface LineSearchOptions {
  /** Sufficient-decrease constant c₁. Default 1e-4. */
  c1: number;
  /** Curvature constant c₂, with c₁ < c₂ < 1. Default 0.9, the usual value for quasi-Newton directions. */
  c2: number;
  /** Largest step length tried. Default 1e10. */
  alphaMax: number;
  /** Evaluations of φ before the search gives up. Default 50. */
  maxEvaluations: number;
}

export const LINE_SEARCH_DEFAULTS: LineSearchOptions = { c1: 1e-4, c2: 0.9, alphaMax: 1e10, maxEvaluations: 50 };

export interface LineSearchResult {
  /** The accepted point, or null when no step met the strong Wolfe conditions within `maxEvaluations`. */
  point: LinePoint | null;
  evaluations: number;
}

/** Minimiser of the cubic that interpolates φ and φ' at a and b ("Numerical Optimization", eq. 3.59), or NaN when it has none. */
function cubicMinimizer(a: LinePoint, b: LinePoint): number {
  const d1 = a.derivative + b.derivative - (3 * (a.value - b.value)) / (a.alpha - b.alpha);
  const radicand = d1 * d1 - a.derivative * b.derivative;
  if (!(radicand >= 0)) return NaN;
  const d2 = Math.sign(b.alpha - a.alpha) * Math.sqrt(radicand);
  return b.alpha - ((b.alpha - a.alpha) * (b.derivative + d2 - d1)) / (b.derivative - a.derivative + 2 * d2);
}

/**
 * Finds a step length α > 0 that satisfies the strong Wolfe conditions
 *   φ(α) ≤ φ(0) + c₁·α·φ'(0)  and  |φ'(α)| ≤ c₂·|φ'(0)|,
 * by Algorithms 3.5 (bracketing) and 3.6 (zoom) of Nocedal and Wright,
 * "Numerical Optimization" (2nd ed.), with safeguarded cubic interpolation.
 * `phi` evaluates φ and φ' together; `start` is φ at α = 0 and must have
 * φ'(0) < 0; `alpha1` is the first trial step. The accepted point is always
 * the last one passed to `phi`, so a caller can keep the gradient it computed.
 */
export function lineSearchStrongWolfe(
  phi: (alpha: number) => LinePoint,
  start: LinePoint,
  alpha1: number,
  options: Partial<LineSearchOptions> = {},
): LineSearchResult {
  const { c1, c2, alphaMax, maxEvaluations } = { ...LINE_SEARCH_DEFAULTS, ...options };
  if (!(start.derivative < 0)) {
    throw new RangeError(`lineSearchStrongWolfe: φ'(0) = ${start.derivative} is not negative, so d is not a descent direction`);
  }
  const sufficientDecrease = (p: LinePoint) => p.value <= start.value + c1 * p.alpha * start.derivative;
  const curvature = (p: LinePoint) => Math.abs(p.derivative) <= -c2 * start.derivative;
  let evaluations = 0;

  // Algorithm 3.6: shrink the bracket [lo, hi], which contains a point that meets both conditions.
  const zoom = (lo: LinePoint, hi: LinePoint): LinePoint | null => {
    while (evaluations < maxEvaluations) {
      const width = hi.alpha - lo.alpha;
      let alpha = cubicMinimizer(lo, hi);
      // Keep the trial at least 10% of the bracket away from either end, else bisect.
      const inner = Math.min(lo.alpha, hi.alpha) + 0.1 * Math.abs(width);
      const outer = Math.max(lo.alpha, hi.alpha) - 0.1 * Math.abs(width);
      if (!Number.isFinite(alpha) || alpha < inner || alpha > outer) alpha = lo.alpha + 0.5 * width;
      if (alpha === lo.alpha || alpha === hi.alpha) return null; // the bracket is below float64 resolution

      const trial = phi(alpha);
      evaluations++;
      if (!sufficientDecrease(trial) || trial.value >= lo.value) {
        hi = trial;
      } else {
        if (curvature(trial)) return trial;
        if (trial.derivative * width >= 0) hi = lo;
        lo = trial;
      }
    }
    return null;
  };

  // Algorithm 3.5: grow α until a step fails sufficient decrease or the slope turns up.
  let previous = start;
  let alpha = Math.min(alpha1, alphaMax);
  while (evaluations < maxEvaluations) {
    const trial = phi(alpha);
    evaluations++;
    if (!Number.isFinite(trial.value) || !sufficientDecrease(trial) || (previous !== start && trial.value >= previous.value)) {
      // A non-finite value (overflow far along d) is treated as a failed decrease, which shrinks the step.
      const hi = Number.isFinite(trial.value) ? trial : { alpha: trial.alpha, value: Infinity, derivative: Infinity };
      return { point: zoom(previous, hi), evaluations };
    }
    if (curvature(trial)) return { point: trial, evaluations };
    if (trial.derivative >= 0) return { point: zoom(trial, previous), evaluations };
    if (alpha >= alphaMax) break;
    previous = trial;
    alpha = Math.min(2 * alpha, alphaMax);
  }
  return { point: null, evaluations };
}

export interface LbfgsOptions {
  /** Stop when max |∂f/∂xⱼ| ≤ this. Default 1e-5. */
  gradientTolerance: number;
  /** Iterations (accepted steps) before giving up. Default 100. */
  maxIterations: number;
  /** Number of correction pairs (s, y) kept. Default 10. */
  memory: number;
  /** Called once after the objective is evaluated at x0. */
  onStart?: () => void;
  /** Called after every accepted step, with the quantities of the Wolfe conditions; the objective's latest evaluation is at that step. */
  onIteration?: (step: LbfgsStep) => void;
}

/** One accepted step of L-BFGS: φ is f along the search direction from the previous iterate. */
export interface LbfgsStep {
  iteration: number;
  /** φ(0) and φ'(0) at the previous iterate. */
  start: LinePoint;
  /** φ and φ' at the accepted step length. */
  accepted: LinePoint;
  gradientMaxNorm: number;
}

/** The stopping condition that ended L-BFGS. Only the first two count as convergence. */
export type LbfgsStopReason = 'gradient-tolerance' | 'relative-reduction' | 'max-iterations' | 'line-search-failed';

export interface LbfgsResult {
  x: Float64Array;
  value: number;
  gradient: Float64Array;
  gradientMaxNorm: number;
  iterations: number;
  /** Calls of the objective, the first one included. */
  evaluations: number;
  converged: boolean;
  stopReason: LbfgsStopReason;
}

const LBFGS_DEFAULTS: Omit<LbfgsOptions, 'onStart' | 'onIteration'> = { gradientTolerance: 1e-5, maxIterations: 100, memory: 10 };

// A step whose relative decrease of f, (f_old − f_new) / max(|f_old|, |f_new|, 1),
// is below 64 machine epsilons made no progress that float64 can resolve.
const RELATIVE_REDUCTION_TOLERANCE = 64 * Number.EPSILON;

function dot(a: Float64Array, b: Float64Array): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += a[i] * b[i];
  return sum;
}

function maxAbs(a: Float64Array): number {
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i]));
  return max;
}

/**
 * Minimises a smooth function by limited-memory BFGS: the two-loop recursion
 * of Nocedal and Wright, "Numerical Optimization" (2nd ed.), Algorithm 7.4,
 * with H₀ = (sᵀy / yᵀy)·I, and step lengths from `lineSearchStrongWolfe`.
 * The first step is scaled to length 1 along −∇f. Reaching `maxIterations`
 * or a failed line search is reported in the result, not thrown.
 */
export function minimizeLbfgs(objective: Objective, x0: ArrayLike<number>, options: Partial<LbfgsOptions> = {}): LbfgsResult {
  const { gradientTolerance, maxIterations, memory, onStart, onIteration } = { ...LBFGS_DEFAULTS, ...options };
  const n = x0.length;
  let x = Float64Array.from(x0);
  let gradient = new Float64Array(n);
  let value = objective(x, gradient);
  let evaluations = 1;
  onStart?.();

  // Correction pairs, oldest first: s = x_{k+1} − x_k, y = ∇f_{k+1} − ∇f_k, rho = 1 / (yᵀs).
  const sHistory: Float64Array[] = [];
  const yHistory: Float64Array[] = [];
  const rhoHistory: number[] = [];
  const alphas = new Float64Array(memory);
  const direction = new Float64Array(n);
  let trialX = new Float64Array(n);
  let trialGradient = new Float64Array(n);

  const finish = (iterations: number, stopReason: LbfgsStopReason): LbfgsResult => ({
    x,
    value,
    gradient,
    gradientMaxNorm: maxAbs(gradient),
    iterations,
    evaluations,
    converged: stopReason === 'gradient-tolerance' || stopReason === 'relative-reduction',
    stopReason,
  });

  for (let iteration = 0; ; iteration++) {
    if (maxAbs(gradient) <= gradientTolerance) return finish(iteration, 'gradient-tolerance');
    if (iteration >= maxIterations) return finish(iteration, 'max-iterations');

    // Two-loop recursion: direction = −H·∇f.
    for (let i = 0; i < n; i++) direction[i] = -gradient[i];
    const stored = sHistory.length;
    for (let m = stored - 1; m >= 0; m--) {
      alphas[m] = rhoHistory[m] * dot(sHistory[m], direction);
      const y = yHistory[m];
      for (let i = 0; i < n; i++) direction[i] -= alphas[m] * y[i];
    }
    if (stored > 0) {
      const sLast = sHistory[stored - 1];
      const yLast = yHistory[stored - 1];
      const gamma = dot(sLast, yLast) / dot(yLast, yLast);
      for (let i = 0; i < n; i++) direction[i] *= gamma;
    }
    for (let m = 0; m < stored; m++) {
      const beta = rhoHistory[m] * dot(yHistory[m], direction);
      const s = sHistory[m];
      for (let i = 0; i < n; i++) direction[i] += (alphas[m] - beta) * s[i];
    }

    let slope = dot(gradient, direction);
    if (!(slope < 0)) {
      // Rounding can make the quasi-Newton direction point uphill: restart from steepest descent.
      sHistory.length = yHistory.length = rhoHistory.length = 0;
      for (let i = 0; i < n; i++) direction[i] = -gradient[i];
      slope = dot(gradient, direction);
    }
    const firstTrial = sHistory.length === 0 ? 1 / Math.sqrt(dot(direction, direction)) : 1;

    const phi = (alpha: number): LinePoint => {
      for (let i = 0; i < n; i++) trialX[i] = x[i] + alpha * direction[i];
      const trialValue = objective(trialX, trialGradient);
      return { alpha, value: trialValue, derivative: dot(trialGradient, direction) };
    };
    const start: LinePoint = { alpha: 0, value, derivative: slope };
    const search = lineSearchStrongWolfe(phi, start, firstTrial);
    evaluations += search.evaluations;
    if (search.point === null) return finish(iteration, 'line-search-failed');

    // The accepted point is the last one evaluated, so trialX and trialGradient hold it.
    const s = new Float64Array(n);
    const y = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      s[i] = trialX[i] - x[i];
      y[i] = trialGradient[i] - gradient[i];
    }
    const previousValue = value;
    [x, trialX] = [trialX, x];
    [gradient, trialGradient] = [trialGradient, gradient];
    value = search.point.value;

    const curvature = dot(s, y);
    if (curvature > Number.EPSILON * dot(y, y)) {
      if (sHistory.length === memory) {
        sHistory.shift();
        yHistory.shift();
        rhoHistory.shift();
      }
      sHistory.push(s);
      yHistory.push(y);
      rhoHistory.push(1 / curvature);
    }

    onIteration?.({ iteration: iteration + 1, start, accepted: search.point, gradientMaxNorm: maxAbs(gradient) });
    const reduction = (previousValue - value) / Math.max(Math.abs(previousValue), Math.abs(value), 1);
    if (reduction <= RELATIVE_REDUCTION_TOLERANCE && maxAbs(gradient) > gradientTolerance) {
      return finish(iteration + 1, 'relative-reduction');
    }
  }
}

// ---------------------------------------------------------------------------
// The classifier
// ---------------------------------------------------------------------------

export interface LogisticRegressionOptions {
  /** Inverse penalty strength: the objective is C·Σ log-loss + ½‖w‖². Default 0.01. */
  C: number;
  /** Stop when the largest gradient component of Σ log-loss + ‖w‖²/(2C) is at most this. Default 1e-4. */
  tolerance: number;
  /** L-BFGS iterations before the fit stops unconverged. Default 100. */
  maxIterations: number;
  /** Fit an unpenalised intercept b. Default true. */
  fitIntercept: boolean;
  /** Accepted so that every model family takes a seed; unused, because the fit is deterministic. Default 0. */
  seed: string | number;
}

/** Table 1 defaults of "Data and Model Dependencies of Membership Inference Attack" (Tonni et al., 2020). */
export const LOGISTIC_REGRESSION_DEFAULTS: LogisticRegressionOptions = {
  C: 0.01,
  tolerance: 1e-4,
  maxIterations: 100,
  fitIntercept: true,
  seed: 0,
};

/** Correction pairs kept by L-BFGS. */
const LBFGS_MEMORY = 10;

const booleanRule: OptionRule = { check: (v) => typeof v === 'boolean', accepted: 'true or false' };
const seedRule: OptionRule = {
  check: (v) => typeof v === 'string' || (typeof v === 'number' && Number.isFinite(v)),
  accepted: 'a string or a finite number',
};

const OPTION_RULES = {
  C: positiveNumber,
  tolerance: positiveNumber,
  maxIterations: positiveInteger,
  fitIntercept: booleanRule,
  seed: seedRule,
};

/** A FitReport with the solver's outcome. `epochs` counts L-BFGS iterations. */
export interface LogisticRegressionFitReport extends FitReport {
  iterations: number;
  /** False when L-BFGS hit `maxIterations` or its line search failed; the model is still usable. */
  converged: boolean;
  stopReason: LbfgsStopReason;
  /** max |∂F/∂θⱼ| at the returned coefficients, F = Σ log-loss + ‖w‖²/(2C). */
  gradientMaxNorm: number;
  /** A convergence warning naming the solver, the limit and the remedy; absent when converged. */
  warning?: string;
}

interface FittedState {
  /** w, float64, one per feature. */
  coefficients: Float64Array;
  intercept: number;
  nFeatures: number;
}

/** log(1 + eᶻ) without overflow. */
function softplus(z: number): number {
  return z > 0 ? z + Math.log1p(Math.exp(-z)) : Math.log1p(Math.exp(z));
}

/** 1 / (1 + e⁻ᶻ) without overflow. */
function sigmoid(z: number): number {
  if (z >= 0) return 1 / (1 + Math.exp(-z));
  const e = Math.exp(z);
  return e / (1 + e);
}

/**
 * Builds the penalised objective F(θ) = Σᵢ [softplus(zᵢ) − yᵢ·zᵢ] + ‖w‖²/(2C) with
 * zᵢ = xᵢ·w + b, θ = (w, b), and its gradient (Xᵀ(σ(z) − y) + w/C, Σ(σ(z) − y)).
 * Without an intercept θ is w alone. `lastLogLoss` returns the data term Σᵢ
 * log-loss of the latest evaluation, which for L-BFGS is the accepted point.
 */
export function logisticObjective(x: Matrix, y: Labels, C: number, fitIntercept: boolean): { objective: Objective; lastLogLoss: () => number } {
  const { rows, cols, data } = x;
  let lastLogLoss = NaN;
  const objective: Objective = (theta, gradient) => {
    const b = fitIntercept ? theta[cols] : 0;
    gradient.fill(0);
    let loss = 0;
    let interceptGradient = 0;
    for (let i = 0, offset = 0; i < rows; i++, offset += cols) {
      let z = b;
      for (let j = 0; j < cols; j++) z += data[offset + j] * theta[j];
      loss += softplus(z) - y[i] * z;
      const residual = sigmoid(z) - y[i];
      for (let j = 0; j < cols; j++) gradient[j] += residual * data[offset + j];
      interceptGradient += residual;
    }
    let squaredNorm = 0;
    for (let j = 0; j < cols; j++) {
      squaredNorm += theta[j] * theta[j];
      gradient[j] += theta[j] / C;
    }
    if (fitIntercept) gradient[cols] = interceptGradient;
    lastLogLoss = loss;
    return loss + squaredNorm / (2 * C);
  };
  return { objective, lastLogLoss: () => lastLogLoss };
}

/**
 * Binary logistic regression with an L2 penalty on the weights, the same
 * model and objective as scikit-learn's `LogisticRegression(penalty='l2',
 * solver='lbfgs')`. Labels must be 0 and 1. `predictProba` returns
 * [nSamples × 2]: P(y = 0), P(y = 1).
 */
export class LogisticRegression implements Classifier {
  readonly name = 'lr';
  readonly options: LogisticRegressionOptions;
  private state: FittedState | null = null;

  constructor(options: Partial<LogisticRegressionOptions> = {}) {
    this.options = { ...LOGISTIC_REGRESSION_DEFAULTS, ...options };
    validateOptions('LogisticRegression', this.options, OPTION_RULES);
  }

  async fit(x: Matrix, y: Labels, fitOptions: FitOptions = {}): Promise<LogisticRegressionFitReport> {
    const nClasses = validateTrainingData('LogisticRegression', x, y);
    if (nClasses > 2) {
      throw new MiascopeError(
        `LogisticRegression.fit: the labels go up to ${nClasses - 1}, but this model is binary only; map the labels to 0 and 1 first`,
      );
    }
    const { C, tolerance, maxIterations, fitIntercept } = this.options;

    // Start from θ = 0. The loss history records the mean log-loss (natural
    // log, penalty excluded) at the start and after every step.
    const { objective, lastLogLoss } = logisticObjective(x, y, C, fitIntercept);
    const lossHistory: number[] = [];
    const result = minimizeLbfgs(objective, new Float64Array(x.cols + (fitIntercept ? 1 : 0)), {
      gradientTolerance: tolerance,
      maxIterations,
      memory: LBFGS_MEMORY,
      onStart: () => lossHistory.push(lastLogLoss() / x.rows),
      onIteration: (step) => {
        const loss = lastLogLoss() / x.rows;
        lossHistory.push(loss);
        fitOptions.onProgress?.({ epoch: step.iteration, epochs: maxIterations, loss });
      },
    });
    const theta = result.x;

    this.state = {
      coefficients: theta.slice(0, x.cols),
      intercept: fitIntercept ? theta[x.cols] : 0,
      nFeatures: x.cols,
    };

    const report: LogisticRegressionFitReport = {
      epochs: result.iterations,
      lossHistory,
      iterations: result.iterations,
      converged: result.converged,
      stopReason: result.stopReason,
      gradientMaxNorm: result.gradientMaxNorm,
    };
    if (!result.converged) {
      report.warning =
        `LogisticRegression: L-BFGS stopped (${result.stopReason}) after ${result.iterations} of at most ${maxIterations} iterations ` +
        `with gradient max-norm ${result.gradientMaxNorm.toExponential(2)} above the tolerance ${tolerance}; ` +
        'raise maxIterations or standardise the features';
    }
    return report;
  }

  async predictProba(x: Matrix): Promise<Matrix> {
    const { coefficients, intercept, nFeatures } = this.requireFitted('predictProba');
    if (x.cols !== nFeatures) {
      throw new MiascopeError(`LogisticRegression.predictProba: x has ${x.cols} features, the model was fit on ${nFeatures}`);
    }
    validateFeatures('LogisticRegression.predictProba', x);
    const out = new Matrix(x.rows, 2);
    for (let i = 0, offset = 0; i < x.rows; i++, offset += nFeatures) {
      let z = intercept;
      for (let j = 0; j < nFeatures; j++) z += x.data[offset + j] * coefficients[j];
      const positive = sigmoid(z);
      out.data[2 * i] = 1 - positive;
      out.data[2 * i + 1] = positive;
    }
    return out;
  }

  async predict(x: Matrix): Promise<Labels> {
    return argmaxRows(await this.predictProba(x));
  }

  /** The fitted weights w, one per feature (a copy). */
  get coefficients(): Float64Array {
    return this.requireFitted('coefficients').coefficients.slice();
  }

  /** The fitted intercept b; 0 when `fitIntercept` is false. */
  get intercept(): number {
    return this.requireFitted('intercept').intercept;
  }

  toJSON(): ModelJSON {
    const state = this.requireFitted('toJSON');
    return {
      model: this.name,
      formatVersion: 1,
      options: this.options,
      nFeatures: state.nFeatures,
      // float64 numbers survive JSON text exactly, so a restored model predicts bit for bit the same.
      coefficients: Array.from(state.coefficients),
      intercept: state.intercept,
    };
  }

  static fromJSON(json: ModelJSON): LogisticRegression {
    checkModelJSON('LogisticRegression', json, 'lr');
    const coefficients = json.coefficients as number[];
    const nFeatures = json.nFeatures as number;
    if (!Array.isArray(coefficients) || coefficients.length !== nFeatures || typeof json.intercept !== 'number') {
      throw new MiascopeError(
        `LogisticRegression.fromJSON: expected ${nFeatures} coefficients and a numeric intercept; the JSON is truncated or not from LogisticRegression.toJSON`,
      );
    }
    const model = new LogisticRegression(json.options as Partial<LogisticRegressionOptions>);
    model.state = { coefficients: Float64Array.from(coefficients), intercept: json.intercept, nFeatures };
    return model;
  }

  private requireFitted(call: string): FittedState {
    return requireFitted('LogisticRegression', this.state, call);
  }
}
