import jstat from 'jstat';

const { studentt } = jstat.jStat;

/** Returns the p-quantile of Student's t distribution with `degreesOfFreedom` (> 0). */
export function studentTQuantile(p: number, degreesOfFreedom: number): number {
  return studentt.inv(p, degreesOfFreedom);
}

/** Two-sided p-value P[|T| ≥ |t|] of a t statistic with `degreesOfFreedom` (> 0). */
export function studentTTwoSidedP(t: number, degreesOfFreedom: number): number {
  if (!Number.isFinite(t)) return Number.isNaN(t) ? Number.NaN : 0;
  return Math.min(1, 2 * studentt.cdf(-Math.abs(t), degreesOfFreedom));
}
