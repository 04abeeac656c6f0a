import { MiascopeError } from '../errors.ts';
import { studentTTwoSidedP } from './student-t.ts';

/** A correlation coefficient with its two-sided p-value under the null hypothesis of no correlation. */
export interface Correlation {
  r: number;
  /** Two-sided p-value from t = r·√((n − 2)/(1 − r²)) with n − 2 degrees of freedom. */
  p: number;
  n: number;
}

function checkPairs(x: ArrayLike<number>, y: ArrayLike<number>, name: string): void {
  if (x.length !== y.length) {
    throw new MiascopeError(`${name}: x has ${x.length} values and y has ${y.length}; give one y per x`);
  }
  if (x.length < 3) {
    throw new MiascopeError(`${name}: ${x.length} pairs are too few for a p-value; give at least 3`);
  }
}

/**
 * Computes Pearson's r and its two-sided p-value. A constant x or y has no
 * correlation, so r and p are NaN; |r| = 1 gives p = 0.
 */
export function pearson(x: ArrayLike<number>, y: ArrayLike<number>): Correlation {
  checkPairs(x, y, 'pearson');
  return pearsonUnchecked(x, y);
}

function pearsonUnchecked(x: ArrayLike<number>, y: ArrayLike<number>): Correlation {
  const n = x.length;
  let meanX = 0;
  let meanY = 0;
  for (let i = 0; i < n; i++) {
    meanX += x[i] / n;
    meanY += y[i] / n;
  }
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    const dx = x[i] - meanX;
    const dy = y[i] - meanY;
    sxy += dx * dy;
    sxx += dx * dx;
    syy += dy * dy;
  }
  if (sxx === 0 || syy === 0) return { r: NaN, p: NaN, n };

  // Rounding can push |r| a hair past 1.
  const r = Math.max(-1, Math.min(1, sxy / Math.sqrt(sxx * syy)));
  const t = r * Math.sqrt((n - 2) / (1 - r * r));
  return { r, p: studentTTwoSidedP(t, n - 2), n };
}

/** Ranks 1 … n of `values`, tied values sharing the mean of their ranks. */
export function averageRanks(values: ArrayLike<number>): Float64Array {
  const order = Array.from({ length: values.length }, (_, i) => i).sort((a, b) => values[a] - values[b]);
  const ranks = new Float64Array(values.length);
  for (let start = 0; start < order.length; ) {
    let end = start + 1;
    while (end < order.length && values[order[end]] === values[order[start]]) end++;
    // Positions start … end−1 hold one tied value; their ranks are start+1 … end.
    const rank = (start + 1 + end) / 2;
    for (let k = start; k < end; k++) ranks[order[k]] = rank;
    start = end;
  }
  return ranks;
}

/**
 * Computes Spearman's rank correlation (Pearson's r of the average ranks) and
 * its two-sided p-value by the same t approximation as Pearson's r. The
 * approximation can differ from an exact permutation p-value for small n.
 */
export function spearman(x: ArrayLike<number>, y: ArrayLike<number>): Correlation {
  checkPairs(x, y, 'spearman');
  return pearsonUnchecked(averageRanks(x), averageRanks(y));
}
