import { RbfKernel, type KernelCache } from './kernel-cache.ts';

/**
 * Sequential minimal optimisation for the C-SVC dual
 *
 *   min_α ½ αᵀQα − Σα_i   subject to 0 ≤ α_i ≤ C,  yᵀα = 0,
 *
 * with Q_ij = y_i y_j K(x_i, x_j) and y_i ∈ {−1, +1}. Each iteration picks a
 * pair (i, j) by the second-order working-set selection of Fan, Chen and Lin,
 * "Working Set Selection Using Second Order Information for Training Support
 * Vector Machines" (JMLR 2005), solves the two-variable problem analytically
 * and updates the gradient G = Qα − e. Shrinking follows Chang and Lin,
 * "LIBSVM: A Library for Support Vector Machines" (2011), section 5.
 * Kernel rows are computed at the active columns only.
 */

/** Substitute for a non-positive curvature K_ii + K_jj − 2K_ij, as in the paper. */
const TAU = 1e-12;
/** Iterations between shrinking passes, capped by the number of training rows. */
const SHRINK_INTERVAL = 1000;

export interface SmoProblem {
  /** Labels as −1 or +1, one per training row. */
  y: Int8Array;
  /** Upper bound on every α_i (the C of C-SVC). */
  C: number;
  /** Stopping tolerance on the maximal violating pair, m(α) − M(α) ≤ tolerance. */
  tolerance: number;
  shrinking: boolean;
  maxIterations: number;
}

export interface SmoSolution {
  alpha: Float64Array;
  /** Offset of the decision function f(x) = Σ α_i y_i K(x_i, x) − rho. */
  rho: number;
  /** Dual objective ½ αᵀQα − Σα_i at the solution. */
  objective: number;
  iterations: number;
  /** False when maxIterations ran out before the stopping condition held. */
  converged: boolean;
  /** Final gradient G = Qα − e over all rows. */
  gradient: Float64Array;
}

/** Solves the C-SVC dual for the training rows behind `cache` (its kernel's reference rows). */
export async function solveSmo(problem: SmoProblem, cache: KernelCache): Promise<SmoSolution> {
  const solver = new SmoSolver(problem, cache);
  return solver.solve();
}

class SmoSolver {
  private readonly n: number;
  private readonly y: Int8Array;
  private readonly C: number;
  private readonly alpha: Float64Array;
  /** G = Qα − e, kept exact for active rows; inactive rows are rebuilt on unshrinking. */
  private readonly gradient: Float64Array;
  /** Ḡ_k = C · Σ_{j: α_j = C} Q_kj for every row, so that unshrinking needs only the free α. */
  private readonly gradientBar: Float64Array;
  /** A permutation of the rows whose first activeSize entries are the active (unshrunk) set. */
  private readonly active: Int32Array;
  private activeSize: number;
  private unshrunk = false;

  constructor(
    private readonly problem: SmoProblem,
    private readonly cache: KernelCache,
  ) {
    this.n = problem.y.length;
    this.y = problem.y;
    this.C = problem.C;
    this.alpha = new Float64Array(this.n);
    // With α = 0 the gradient Qα − e is −1 everywhere.
    this.gradient = new Float64Array(this.n).fill(-1);
    this.gradientBar = new Float64Array(this.n);
    this.active = new Int32Array(this.n);
    for (let i = 0; i < this.n; i++) this.active[i] = i;
    this.activeSize = this.n;
  }

  async solve(): Promise<SmoSolution> {
    const { maxIterations, shrinking } = this.problem;
    let counter = Math.min(this.n, SHRINK_INTERVAL) + 1;
    let iterations = 0;
    let converged = false;

    while (iterations < maxIterations) {
      counter--;
      if (counter === 0) {
        counter = Math.min(this.n, SHRINK_INTERVAL);
        if (shrinking) await this.shrink();
      }

      let pair = await this.selectWorkingSet();
      if (pair === null) {
        // Optimal on the active set: rebuild the full gradient and check all rows.
        await this.reconstructGradient();
        pair = await this.selectWorkingSet();
        if (pair === null) {
          converged = true;
          break;
        }
        counter = 1;
      }

      iterations++;
      await this.updatePair(pair[0], pair[1]);
    }

    if (!converged) await this.reconstructGradient();
    return {
      alpha: this.alpha,
      rho: this.computeRho(),
      objective: this.objective(),
      iterations,
      converged,
      gradient: this.gradient,
    };
  }

  private isUpper(i: number): boolean {
    return this.alpha[i] >= this.C;
  }

  private isLower(i: number): boolean {
    return this.alpha[i] <= 0;
  }

  /**
   * Returns the pair (i, j) of WSS 2 in Fan, Chen and Lin (2005): i maximises
   * −y_t G_t over I_up, j minimises the second-order decrease −b²/a over
   * I_low among rows with b = −y_i G_i + y_t G_t > 0. Returns null when the
   * maximal violation m(α) − M(α) is below the tolerance.
   */
  private async selectWorkingSet(): Promise<[number, number] | null> {
    const { y, gradient, active, activeSize } = this;
    let gMax = -Infinity;
    let i = -1;
    for (let p = 0; p < activeSize; p++) {
      const t = active[p];
      if (y[t] === 1) {
        if (!this.isUpper(t) && -gradient[t] >= gMax) {
          gMax = -gradient[t];
          i = t;
        }
      } else if (!this.isLower(t) && gradient[t] >= gMax) {
        gMax = gradient[t];
        i = t;
      }
    }
    if (i === -1) return null;

    const rowI = await this.cache.row(i);
    const kernelII = rowI[i];
    let gMax2 = -Infinity;
    let j = -1;
    let bestDecrease = Infinity;
    for (let p = 0; p < activeSize; p++) {
      const t = active[p];
      // gradientDifference is b_it of the paper, −y_i G_i + y_t G_t.
      let gradientDifference: number;
      if (y[t] === 1) {
        if (this.isLower(t)) continue;
        gradientDifference = gMax + gradient[t];
        if (gradient[t] >= gMax2) gMax2 = gradient[t];
      } else {
        if (this.isUpper(t)) continue;
        gradientDifference = gMax - gradient[t];
        if (-gradient[t] >= gMax2) gMax2 = -gradient[t];
      }
      if (gradientDifference > 0) {
        // a_it = K_ii + K_tt − 2K_it for either sign of y_t; the RBF diagonal is 1.
        const curvature = kernelII + 1 - 2 * rowI[t];
        const decrease = -(gradientDifference * gradientDifference) / (curvature > 0 ? curvature : TAU);
        if (decrease <= bestDecrease) {
          bestDecrease = decrease;
          j = t;
        }
      }
    }

    if (gMax + gMax2 < this.problem.tolerance || j === -1) return null;
    return [i, j];
  }

  /** Solves the two-variable subproblem on (i, j), clips it to the box [0, C]² and updates G and Ḡ. */
  private async updatePair(i: number, j: number): Promise<void> {
    const [rowI, rowJ] = await this.cache.fetch([i, j]);
    const { y, alpha, C } = this;
    const oldAlphaI = alpha[i];
    const oldAlphaJ = alpha[j];
    const curvatureRaw = rowI[i] + rowJ[j] - 2 * rowI[j];
    const curvature = curvatureRaw > 0 ? curvatureRaw : TAU;

    if (y[i] !== y[j]) {
      // α_i − α_j stays fixed.
      const delta = (-this.gradient[i] - this.gradient[j]) / curvature;
      const difference = alpha[i] - alpha[j];
      alpha[i] += delta;
      alpha[j] += delta;
      if (difference > 0) {
        if (alpha[j] < 0) {
          alpha[j] = 0;
          alpha[i] = difference;
        }
      } else if (alpha[i] < 0) {
        alpha[i] = 0;
        alpha[j] = -difference;
      }
      if (difference > 0) {
        if (alpha[i] > C) {
          alpha[i] = C;
          alpha[j] = C - difference;
        }
      } else if (alpha[j] > C) {
        alpha[j] = C;
        alpha[i] = C + difference;
      }
    } else {
      // α_i + α_j stays fixed.
      const delta = (this.gradient[i] - this.gradient[j]) / curvature;
      const sum = alpha[i] + alpha[j];
      alpha[i] -= delta;
      alpha[j] += delta;
      if (sum > C) {
        if (alpha[i] > C) {
          alpha[i] = C;
          alpha[j] = sum - C;
        }
      } else if (alpha[j] < 0) {
        alpha[j] = 0;
        alpha[i] = sum;
      }
      if (sum > C) {
        if (alpha[j] > C) {
          alpha[j] = C;
          alpha[i] = sum - C;
        }
      } else if (alpha[i] < 0) {
        alpha[i] = 0;
        alpha[j] = sum;
      }
    }

    // G_k += Q_ki Δα_i + Q_kj Δα_j with Q_kt = y_k y_t K_kt.
    const weightI = y[i] * (alpha[i] - oldAlphaI);
    const weightJ = y[j] * (alpha[j] - oldAlphaJ);
    const { gradient, active, activeSize } = this;
    for (let p = 0; p < activeSize; p++) {
      const k = active[p];
      gradient[k] += y[k] * (weightI * rowI[k] + weightJ * rowJ[k]);
    }

    await this.updateGradientBar(i, oldAlphaI >= C);
    await this.updateGradientBar(j, oldAlphaJ >= C);
  }

  /** Adds or removes C · Q_·t from Ḡ when α_t reaches or leaves the upper bound; this needs all n columns of row t. */
  private async updateGradientBar(t: number, wasUpper: boolean): Promise<void> {
    if (wasUpper === this.isUpper(t)) return;
    const rowT = await this.cache.fullRow(t);
    const factor = (wasUpper ? -this.C : this.C) * this.y[t];
    const { gradientBar, y, n } = this;
    for (let k = 0; k < n; k++) gradientBar[k] += factor * y[k] * rowT[k];
  }

  /**
   * Removes from the active set the rows at a bound whose gradient shows that
   * they will stay there, and unshrinks once when the violation first falls below
   * 10 · tolerance, as LIBSVM does.
   */
  private async shrink(): Promise<void> {
    const { y, gradient } = this;
    let gMax1 = -Infinity; // max of −y_t G_t over I_up
    let gMax2 = -Infinity; // max of y_t G_t over I_low
    for (let p = 0; p < this.activeSize; p++) {
      const t = this.active[p];
      if (y[t] === 1) {
        if (!this.isUpper(t)) gMax1 = Math.max(gMax1, -gradient[t]);
        if (!this.isLower(t)) gMax2 = Math.max(gMax2, gradient[t]);
      } else {
        if (!this.isUpper(t)) gMax2 = Math.max(gMax2, -gradient[t]);
        if (!this.isLower(t)) gMax1 = Math.max(gMax1, gradient[t]);
      }
    }

    if (!this.unshrunk && gMax1 + gMax2 <= this.problem.tolerance * 10) {
      this.unshrunk = true;
      await this.reconstructGradient();
    }

    const sizeBefore = this.activeSize;
    for (let p = this.activeSize - 1; p >= 0; p--) {
      const t = this.active[p];
      if (this.canShrink(t, gMax1, gMax2)) {
        this.activeSize--;
        this.active[p] = this.active[this.activeSize];
        this.active[this.activeSize] = t;
      }
    }
    if (this.activeSize < sizeBefore) this.cache.restrict(this.active.subarray(0, this.activeSize), false);
  }

  private canShrink(t: number, gMax1: number, gMax2: number): boolean {
    const g = this.gradient[t];
    if (this.isUpper(t)) return this.y[t] === 1 ? -g > gMax1 : -g > gMax2;
    if (this.isLower(t)) return this.y[t] === 1 ? g > gMax2 : g > gMax1;
    return false;
  }

  /**
   * Rebuilds G for the inactive rows as G_t = Ḡ_t − 1 + y_t Σ_{free j} y_j α_j K_tj,
   * with the kernel block between inactive and free rows computed in
   * batches, then makes every row active again.
   */
  private async reconstructGradient(): Promise<void> {
    if (this.activeSize === this.n) return;
    const inactive = this.active.subarray(this.activeSize);
    const free: number[] = [];
    for (let t = 0; t < this.n; t++) if (!this.isUpper(t) && !this.isLower(t)) free.push(t);

    for (const t of inactive) this.gradient[t] = this.gradientBar[t] - 1;
    if (free.length > 0) {
      const training = this.cache.training;
      const freeKernel = new RbfKernel(training.takeRows(free), this.cache.gamma, this.cache.backend);
      const weights = Float64Array.from(free, (j) => this.y[j] * this.alpha[j]);
      const sums = await freeKernel.weightedSums(training.takeRows(inactive), weights);
      inactive.forEach((t, r) => {
        this.gradient[t] += this.y[t] * sums[r];
      });
    }
    this.activeSize = this.n;
    this.cache.restrict(this.active, true);
  }

  /** rho = mean of y_t G_t over free rows, or the midpoint of the feasible interval when no row is free. */
  private computeRho(): number {
    const { y, gradient } = this;
    let upperBound = Infinity;
    let lowerBound = -Infinity;
    let freeCount = 0;
    let freeSum = 0;
    for (let t = 0; t < this.n; t++) {
      const yG = y[t] * gradient[t];
      if (this.isUpper(t)) {
        if (y[t] === -1) upperBound = Math.min(upperBound, yG);
        else lowerBound = Math.max(lowerBound, yG);
      } else if (this.isLower(t)) {
        if (y[t] === 1) upperBound = Math.min(upperBound, yG);
        else lowerBound = Math.max(lowerBound, yG);
      } else {
        freeCount++;
        freeSum += yG;
      }
    }
    return freeCount > 0 ? freeSum / freeCount : (upperBound + lowerBound) / 2;
  }

  /** ½ αᵀQα − Σα = ½ Σ α_t (G_t − 1), since Qα = G + e. */
  private objective(): number {
    let sum = 0;
    for (let t = 0; t < this.n; t++) sum += this.alpha[t] * (this.gradient[t] - 1);
    return sum / 2;
  }
}
