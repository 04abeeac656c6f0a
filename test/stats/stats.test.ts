import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { averageRanks, pearson, spearman } from '../../src/stats/correlation.ts';
import { meanInterval } from '../../src/stats/interval.ts';
import { MiascopeError } from '../../src/errors.ts';

const close = (actual: number, expected: number, message: string, tolerance = 1e-9) =>
  assert.ok(Math.abs(actual - expected) < tolerance, `${message}: ${actual} ≠ ${expected}`);

test('t interval by hand', () => {
  // 1 … 5: mean 3, s² = (4+1+0+1+4)/4 = 2.5, se = √(2.5/5) = √0.5 ≈ 0.7071.
  // t(0.975, 4) = 2.7764 (t tables), so the half width is 2.7764 · 0.7071 ≈ 1.9632.
  const interval = meanInterval([1, 2, 3, 4, 5]);
  close(interval.mean, 3, 'mean');
  close(interval.standardDeviation, Math.sqrt(2.5), 'sd');
  close(interval.standardError, Math.sqrt(0.5), 'se');
  close(interval.halfWidth, 1.963, 'half width', 5e-4);
  close(interval.lower, 1.037, 'lower', 5e-4);
  close(interval.upper, 4.963, 'upper', 5e-4);
  assert.is(interval.n, 5);
});

test('t interval of one value is NaN', () => {
  const interval = meanInterval([0.7]);
  close(interval.mean, 0.7, 'mean');
  assert.ok(Number.isNaN(interval.lower), 'lower');
  assert.ok(Number.isNaN(interval.upper), 'upper');
});

test('t interval rejects bad level', () => {
  assert.throws(() => meanInterval([1, 2], 95), (error: unknown) => error instanceof MiascopeError && /0\.95/.test(error.message));
});

test('pearson textbook example', () => {
  // x = 1…5, y = 2 4 5 4 5: Sxy = 6, Sxx = 10, Syy = 6, r = 6/√60 ≈ 0.7746.
  // t = r·√(3/(1 − r²)) = √(0.6·3/0.4) = √4.5 ≈ 2.1213 with 3 degrees of freedom.
  // For 3 degrees of freedom P[|T| ≥ t] = 1 − (2/π)(θ + sin θ cos θ), θ = atan(t/√3):
  // θ = atan(√1.5) ≈ 0.88608, sin θ cos θ = √1.5/2.5 ≈ 0.48990, p ≈ 1 − 0.87597 = 0.12403.
  const result = pearson([1, 2, 3, 4, 5], [2, 4, 5, 4, 5]);
  close(result.r, 6 / Math.sqrt(60), 'r', 1e-12);
  const theta = Math.atan(Math.sqrt(1.5));
  close(result.p, 1 - (2 / Math.PI) * (theta + Math.sqrt(1.5) / 2.5), 'p', 1e-9);
  close(result.p, 0.124, 'p to 3 decimals', 5e-4);
});

test('pearson of a perfect line', () => {
  const result = pearson([1, 2, 3, 4], [3, 5, 7, 9]);
  close(result.r, 1, 'r');
  assert.is(result.p, 0);
});

test('pearson of a constant is NaN', () => {
  const result = pearson([1, 2, 3], [4, 4, 4]);
  assert.ok(Number.isNaN(result.r), 'r');
  assert.ok(Number.isNaN(result.p), 'p');
});

test('spearman textbook example', () => {
  // IQ against hours of TV per week for ten people, the worked example in Wikipedia's
  // "Spearman's rank correlation coefficient": Σd² = 194, ρ = 1 − 6·194/(10·99) = −29/165 ≈ −0.1758,
  // and the t approximation with 8 degrees of freedom gives p ≈ 0.627.
  const iq = [106, 100, 86, 101, 99, 103, 97, 113, 112, 110];
  const tv = [7, 27, 2, 50, 28, 29, 20, 12, 6, 17];
  const result = spearman(iq, tv);
  close(result.r, -29 / 165, 'ρ', 1e-12);
  close(result.p, 0.627, 'p to 3 decimals', 5e-4);
});

test('average ranks share ties', () => {
  // 10 20 20 30 → ranks 1, (2+3)/2, (2+3)/2, 4.
  assert.equal(Array.from(averageRanks([10, 20, 20, 30])), [1, 2.5, 2.5, 4]);
  assert.equal(Array.from(averageRanks([3, 1, 2])), [3, 1, 2]);
});

test('spearman with ties equals pearson of ranks', () => {
  // Ranks of x: 1, 2.5, 2.5, 4; of y: 1, 2, 3, 4.
  const result = spearman([10, 20, 20, 30], [1, 2, 3, 4]);
  close(result.r, pearson([1, 2.5, 2.5, 4], [1, 2, 3, 4]).r, 'ρ', 1e-12);
});

test('correlation rejects unequal lengths', () => {
  assert.throws(() => pearson([1, 2, 3], [1, 2]), (error: unknown) => error instanceof MiascopeError && /one y per x/.test(error.message));
});

test.run();
