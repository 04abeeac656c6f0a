/**
 * Platt scaling: P(y = 1 | f) = 1 / (1 + exp(A·f + B)) fit to decision values
 * f by maximum likelihood against Platt's smoothed targets, from Platt,
 * "Probabilistic Outputs for Support Vector Machines and Comparisons to
 * Regularized Likelihood Methods" (1999), solved by the Newton method with
 * backtracking line search of Lin, Lin and Weng, "A Note on Platt's
 * Probabilistic Outputs for Support Vector Machines" (Machine Learning, 2007).
 */

export interface PlattParameters {
  A: number;
  B: number;
  /** Newton iterations taken. */
  iterations: number;
  /** False when the line search failed or the iteration limit ran out. */
  converged: boolean;
}

const MAX_ITERATIONS = 100;
/** Smallest line-search step before the search is declared failed. */
const MIN_STEP = 1e-10;
/** Added to the Hessian's diagonal so that it stays positive definite. */
const HESSIAN_RIDGE = 1e-12;
/** Newton stops when both gradient components are below this. */
const GRADIENT_TOLERANCE = 1e-5;
/** Sufficient-decrease constant of the Armijo line search. */
const ARMIJO = 1e-4;

/** Computes Σ −t log p − (1 − t) log(1 − p) with p = 1/(1 + e^z), z = A·f + B, in a form that does not overflow. */
function negativeLogLikelihood(decisionValues: ArrayLike<number>, targets: Float64Array, A: number, B: number): number {
  let value = 0;
  for (let i = 0; i < targets.length; i++) {
    const z = decisionValues[i] * A + B;
    value += z >= 0 ? targets[i] * z + Math.log1p(Math.exp(-z)) : (targets[i] - 1) * z + Math.log1p(Math.exp(z));
  }
  return value;
}

/**
 * Fits A and B to decision values and binary labels (1 = positive class).
 * Targets are (N₊ + 1)/(N₊ + 2) for positives and 1/(N₋ + 2) for negatives,
 * Platt's prior-based smoothing that keeps A and B finite on separable data.
 */
export function fitPlatt(decisionValues: ArrayLike<number>, labels: ArrayLike<number>): PlattParameters {
  const n = labels.length;
  let positives = 0;
  for (let i = 0; i < n; i++) if (labels[i] === 1) positives++;
  const negatives = n - positives;
  const highTarget = (positives + 1) / (positives + 2);
  const lowTarget = 1 / (negatives + 2);
  const targets = new Float64Array(n);
  for (let i = 0; i < n; i++) targets[i] = labels[i] === 1 ? highTarget : lowTarget;

  let A = 0;
  let B = Math.log((negatives + 1) / (positives + 1));
  let value = negativeLogLikelihood(decisionValues, targets, A, B);
  let iterations = 0;
  let converged = false;

  while (iterations < MAX_ITERATIONS) {
    // Gradient g and Hessian H of the negative log-likelihood in (A, B).
    let h11 = HESSIAN_RIDGE;
    let h22 = HESSIAN_RIDGE;
    let h21 = 0;
    let g1 = 0;
    let g2 = 0;
    for (let i = 0; i < n; i++) {
      const f = decisionValues[i];
      const z = f * A + B;
      // p = P(y = 1 | f) = 1/(1 + e^z), q = 1 − p, each computed without overflow.
      let p: number;
      let q: number;
      if (z >= 0) {
        const e = Math.exp(-z);
        p = e / (1 + e);
        q = 1 / (1 + e);
      } else {
        const e = Math.exp(z);
        p = 1 / (1 + e);
        q = e / (1 + e);
      }
      const d2 = p * q;
      h11 += f * f * d2;
      h22 += d2;
      h21 += f * d2;
      const d1 = targets[i] - p;
      g1 += f * d1;
      g2 += d1;
    }
    if (Math.abs(g1) < GRADIENT_TOLERANCE && Math.abs(g2) < GRADIENT_TOLERANCE) {
      converged = true;
      break;
    }

    // Newton direction −H⁻¹g, then backtracking until the Armijo condition holds.
    const determinant = h11 * h22 - h21 * h21;
    const dA = -(h22 * g1 - h21 * g2) / determinant;
    const dB = -(-h21 * g1 + h11 * g2) / determinant;
    const slope = g1 * dA + g2 * dB;
    let step = 1;
    while (step >= MIN_STEP) {
      const nextA = A + step * dA;
      const nextB = B + step * dB;
      const nextValue = negativeLogLikelihood(decisionValues, targets, nextA, nextB);
      if (nextValue < value + ARMIJO * step * slope) {
        A = nextA;
        B = nextB;
        value = nextValue;
        break;
      }
      step /= 2;
    }
    iterations++;
    if (step < MIN_STEP) break;
  }
  return { A, B, iterations, converged };
}

/** P(y = 1 | f) = 1 / (1 + exp(A·f + B)), evaluated without overflow. */
export function plattProbability(decisionValue: number, A: number, B: number): number {
  const z = decisionValue * A + B;
  return z >= 0 ? Math.exp(-z) / (1 + Math.exp(-z)) : 1 / (1 + Math.exp(z));
}
