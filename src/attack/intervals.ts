/**
 * 95% confidence intervals of attack metrics measured once on one evaluation
 * set. They describe the sampling error of the evaluation records, not the
 * variation between trainings. Averaging over trials has its own Student-t
 * interval (src/stats/interval.ts).
 */

/** Two-sided standard normal quantile for 95% coverage, Φ⁻¹(0.975). */
export const Z_95 = 1.959963984540054;

export interface ConfidenceInterval {
  lower: number;
  upper: number;
}

/**
 * Wilson score interval of a binomial proportion `successes / trials`, from
 * E. B. Wilson, "Probable inference, the law of succession, and statistical
 * inference" (1927). Unlike the normal (Wald) interval it stays inside [0, 1]
 * and keeps a non-zero width at 0 and 1 successes. With 0 trials nothing is
 * known and the interval is [0, 1].
 */
export function wilsonInterval(successes: number, trials: number, z = Z_95): ConfidenceInterval {
  if (trials === 0) return { lower: 0, upper: 1 };
  const p = successes / trials;
  const z2 = z * z;
  const denominator = 1 + z2 / trials;
  const centre = (p + z2 / (2 * trials)) / denominator;
  const halfWidth = (z / denominator) * Math.sqrt((p * (1 - p)) / trials + z2 / (4 * trials * trials));
  // At 0 successes (or all) the bound is exactly 0 (or 1), because rounding in the formula would leave a residue.
  return {
    lower: successes === 0 ? 0 : Math.max(0, centre - halfWidth),
    upper: successes === trials ? 1 : Math.min(1, centre + halfWidth),
  };
}

/**
 * Interval of the difference p₁ − p₂ of two independent proportions by
 * Newcombe's hybrid score method, which combines the Wilson interval of each
 * (R. G. Newcombe, "Interval estimation for the difference between
 * independent proportions: comparison of eleven methods", 1998).
 */
export function newcombeDifferenceInterval(
  successes1: number,
  trials1: number,
  successes2: number,
  trials2: number,
  z = Z_95,
): ConfidenceInterval {
  const p1 = successes1 / trials1;
  const p2 = successes2 / trials2;
  const first = wilsonInterval(successes1, trials1, z);
  const second = wilsonInterval(successes2, trials2, z);
  const difference = p1 - p2;
  return {
    lower: difference - Math.sqrt((p1 - first.lower) ** 2 + (second.upper - p2) ** 2),
    upper: difference + Math.sqrt((first.upper - p1) ** 2 + (p2 - second.lower) ** 2),
  };
}

/**
 * Interval of the balanced accuracy (TPR + TNR) / 2 = (1 + TPR − FPR) / 2 at
 * one threshold, from Newcombe's interval of TPR − FPR: `truePositives` of
 * `members` and `falsePositives` of `nonMembers`.
 */
export function balancedAccuracyInterval(
  truePositives: number,
  members: number,
  falsePositives: number,
  nonMembers: number,
  z = Z_95,
): ConfidenceInterval {
  const difference = newcombeDifferenceInterval(truePositives, members, falsePositives, nonMembers, z);
  return { lower: (1 + difference.lower) / 2, upper: (1 + difference.upper) / 2 };
}

/**
 * Standard error of an ROC AUC `auc` measured on `members` positives and
 * `nonMembers` negatives, from J. A. Hanley and B. J. McNeil, "The meaning and
 * use of the area under a receiver operating characteristic (ROC) curve"
 * (1982), with Q₁ = A / (2 − A) and Q₂ = 2A² / (1 + A). At
 * A = 0.5 it reduces to √((n₀ + n₁ + 1) / (12 · n₀ · n₁)), the standard error of
 * an attack with no signal.
 */
export function hanleyMcNeilStandardError(auc: number, members: number, nonMembers: number): number {
  const q1 = auc / (2 - auc);
  const q2 = (2 * auc * auc) / (1 + auc);
  const variance =
    (auc * (1 - auc) + (members - 1) * (q1 - auc * auc) + (nonMembers - 1) * (q2 - auc * auc)) / (members * nonMembers);
  return Math.sqrt(Math.max(0, variance));
}

/**
 * Computes the normal-approximation interval AUC ± z · SE with the
 * Hanley–McNeil standard error, clipped to [0, 1].
 *
 * NOTE: the standard error is 0 at an AUC of exactly 0 or 1, so the interval
 * collapses to that point however few records were scored.
 */
export function aucInterval(auc: number, members: number, nonMembers: number, z = Z_95): ConfidenceInterval {
  const halfWidth = z * hanleyMcNeilStandardError(auc, members, nonMembers);
  return { lower: Math.max(0, auc - halfWidth), upper: Math.min(1, auc + halfWidth) };
}
