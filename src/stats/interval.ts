import { MiascopeError } from '../errors.ts';
import { studentTQuantile } from './student-t.ts';

/** A sample mean with its Student-t confidence interval. */
export interface MeanInterval {
  mean: number;
  /** Sample standard deviation (denominator n − 1); NaN for n < 2. */
  standardDeviation: number;
  /** standardDeviation / √n. */
  standardError: number;
  /** Half the interval's width: t(1 − (1 − level)/2, n − 1) · standardError. */
  halfWidth: number;
  lower: number;
  upper: number;
  /** Confidence level, e.g. 0.95. */
  level: number;
  n: number;
}

/**
 * Computes the mean of `values` and its two-sided Student-t confidence interval
 * at `level` (default 0.95), the interval reported for every value averaged
 * over trials. With fewer than two values the spread is unknown, so the
 * standard deviation, the half width and both bounds are NaN.
 */
export function meanInterval(values: ArrayLike<number>, level = 0.95): MeanInterval {
  if (!(level > 0 && level < 1)) {
    throw new MiascopeError(`confidence level ${level} is invalid; give a probability strictly between 0 and 1, such as 0.95`);
  }
  const n = values.length;
  if (n === 0) throw new MiascopeError('meanInterval: no values; give at least one value (two for an interval)');

  let sum = 0;
  for (let i = 0; i < n; i++) sum += values[i];
  const mean = sum / n;
  if (n < 2) {
    return { mean, standardDeviation: NaN, standardError: NaN, halfWidth: NaN, lower: NaN, upper: NaN, level, n };
  }

  let squares = 0;
  for (let i = 0; i < n; i++) squares += (values[i] - mean) ** 2;
  const standardDeviation = Math.sqrt(squares / (n - 1));
  const standardError = standardDeviation / Math.sqrt(n);
  const halfWidth = studentTQuantile(1 - (1 - level) / 2, n - 1) * standardError;
  return { mean, standardDeviation, standardError, halfWidth, lower: mean - halfWidth, upper: mean + halfWidth, level, n };
}
