import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { indistinguishabilityDeviation } from '../../src/properties/indistinguishability.ts';

const close = (actual: number, expected: number, message: string, tolerance = 1e-12) =>
  assert.ok(Math.abs(actual - expected) < tolerance, `${message}: ${actual} ≠ ${expected}`);

/** `n` predicted labels, the first `ones` of them 1. */
function labels(n: number, ones: number): Int32Array {
  return Int32Array.from({ length: n }, (_, i) => (i < ones ? 1 : 0));
}

test('indistinguishability by hand', () => {
  // Members: ŷ = 1 1 1 0, shares 3/4 and 1/4. Non-members: ŷ = 0 0 0 1 1 0, shares 1/3 and 2/3.
  // Pseudo-share β = 1/min(4, 6) = 1/4, so P = (share + 1/4) / (1 + 2/4):
  // P[ŷ=1 | m=1] = 2/3, P[ŷ=0 | m=1] = 1/3, P[ŷ=1 | m=0] = 7/18, P[ŷ=0 | m=0] = 11/18.
  // |ln((2/3)/(7/18))| = ln(12/7) ≈ 0.5390; |ln((1/3)/(11/18))| = ln(11/6) ≈ 0.6061; δ_mi = ln(11/6).
  const value = indistinguishabilityDeviation(Int32Array.of(1, 1, 1, 0), Int32Array.of(0, 0, 0, 1, 1, 0));
  close(value, Math.log(11 / 6), 'δ_mi');
});

test('indistinguishability on equal sizes is add-one', () => {
  // 10 and 10 records: (count + 1) / (10 + 2) on both sides, as add-one smoothing of the counts gives.
  // P[ŷ=1 | m=1] = 8/12, P[ŷ=1 | m=0] = 5/12; P[ŷ=0 | m=1] = 4/12, P[ŷ=0 | m=0] = 7/12.
  const value = indistinguishabilityDeviation(labels(10, 7), labels(10, 4));
  close(value, Math.max(Math.log(8 / 5), Math.log(7 / 4)), 'δ_mi');
});

test('indistinguishability 0 on equal shares', () => {
  close(indistinguishabilityDeviation(Int32Array.of(0, 1), Int32Array.of(1, 0, 1, 0)), 0, 'δ_mi');
  close(indistinguishabilityDeviation(labels(12, 3), labels(4, 1)), 0, 'δ_mi, 12 vs 4 records');
});

test('constant classifier gives 0 on unequal sets', () => {
  // The `paper` protocol's default split: 7,500 members and 2,500 non-members, every prediction 0.
  close(indistinguishabilityDeviation(labels(7500, 0), labels(2500, 0)), 0, 'δ_mi, 7,500 vs 2,500');
  close(indistinguishabilityDeviation(labels(2500, 2500), labels(7500, 7500)), 0, 'δ_mi, all 1, 2,500 vs 7,500');
  close(indistinguishabilityDeviation(labels(100, 0), labels(3, 0), 3), 0, 'δ_mi, three classes, 100 vs 3');
});

test('indistinguishability ignores set sizes', () => {
  // The same shares (1/4 predicted 1) on either side give the same δ_mi at every size ratio.
  const balanced = indistinguishabilityDeviation(labels(400, 100), labels(400, 200));
  close(indistinguishabilityDeviation(labels(1200, 300), labels(400, 200)), balanced, 'δ_mi, 1,200 vs 400');
  close(indistinguishabilityDeviation(labels(400, 100), labels(1200, 600)), balanced, 'δ_mi, 400 vs 1,200');
});

test('indistinguishability NaN for an empty set', () => {
  assert.ok(Number.isNaN(indistinguishabilityDeviation(Int32Array.of(), labels(5, 2))), 'no members');
  assert.ok(Number.isNaN(indistinguishabilityDeviation(labels(5, 2), Int32Array.of())), 'no non-members');
});

test.run();
