import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Matrix, type Labels } from '../../engine/matrix.ts';
import { Rng } from '../../engine/rng.ts';
import { buildTable } from '../../src/data/table.ts';
import type { Classifier, FitReport, ModelJSON } from '../../src/models/classifier.ts';
import { argmaxRows } from '../../src/models/classifier.ts';
import { discretize } from '../../src/properties/discretize.ts';
import { entropyBits } from '../../src/properties/information.ts';
import { digamma, kraskovMutualInformation } from '../../src/properties/kraskov.ts';
import {
  largestFirstLayerWeights,
  membershipInformation,
  membershipInformationFromLosses,
  membershipSplits,
  predictiveInformation,
} from '../../src/properties/model-information.ts';

const close = (actual: number, expected: number, message: string, tolerance = 1e-12) =>
  assert.ok(Math.abs(actual - expected) < tolerance, `${message}: ${actual} ≠ ${expected}`);

test('predictive information of a copied feature', () => {
  // Three binary features in a full 2×2×2 design, so f2 and f3 are independent of f1.
  // ŷ copies f1: I(f1; ŷ) = H(f1) = 1 bit, I(f2; ŷ) = I(f3; ŷ) = 0; the mean is 1/3 bit.
  const rows: string[][] = [];
  for (const f1 of ['a', 'b']) for (const f2 of ['c', 'd']) for (const f3 of ['e', 'f']) rows.push([f1, f2, f3]);
  const table = buildTable(['f1', 'f2', 'f3'], rows).table;
  const discrete = discretize(table);
  const all = Int32Array.from(rows, (_, i) => i);
  const predicted = Int32Array.from(rows, (row) => (row[0] === 'a' ? 0 : 1));
  const entropy = entropyBits(discrete.columns[0].codes, discrete.columns[0].levels);
  close(predictiveInformation(discrete, all, predicted), entropy / 3, 'I_X');
  close(entropy, 1, 'H(f1)');
});

test('predictive information of an unbalanced copied feature', () => {
  // f1 takes 'a' on 1 of 4 rows: H(f1) = −(1/4)log2(1/4) − (3/4)log2(3/4) ≈ 0.8113 bits.
  // f2 is constant, so I(f2; ŷ) = 0, and the mean over two features is H(f1)/2.
  const table = buildTable(['f1', 'f2'], [['a', 'z'], ['b', 'z'], ['b', 'z'], ['b', 'z']]).table;
  const value = predictiveInformation(discretize(table), [0, 1, 2, 3], Int32Array.of(1, 0, 0, 0));
  close(value, (0.25 * Math.log2(4) + 0.75 * Math.log2(4 / 3)) / 2, 'I_X');
});

test('membership splits are complementary halves', () => {
  const splits = membershipSplits(10, 4, new Rng('splits'));
  assert.is(splits.length, 4);
  const memberCount = new Int32Array(10);
  for (const split of splits) {
    assert.is(split.length, 5);
    for (const row of split) memberCount[row]++;
  }
  assert.equal(Array.from(memberCount), new Array(10).fill(2), 'each record in exactly 2 of 4 models');
});

test('membership information from separated losses', () => {
  // Members' losses are 0 and non-members' ln 2, so each record's loss bin equals its
  // membership and, with two member and two non-member models, I(m_i; loss) = H(m_i) = 1 bit.
  const splits = [Int32Array.of(0, 1), Int32Array.of(2, 3), Int32Array.of(0, 2), Int32Array.of(1, 3)];
  const losses = splits.map((members) => Float64Array.from({ length: 4 }, (_, i) => (members.includes(i) ? 0 : Math.LN2)));
  close(membershipInformationFromLosses(losses, splits), 1, 'I_X');
});

test('membership baseline stays below separated losses', () => {
  // Shuffling each record's memberships across its 4 models breaks the link to its losses:
  // a shuffle keeps the value at 1 bit only when it leaves every record's bits in place or swaps
  // them whole, so the mean over shuffles is well below 1.
  const splits = [Int32Array.of(0, 1), Int32Array.of(2, 3), Int32Array.of(0, 2), Int32Array.of(1, 3)];
  const losses = splits.map((members) => Float64Array.from({ length: 4 }, (_, i) => (members.includes(i) ? 0 : Math.LN2)));
  const baseline = membershipInformationFromLosses(losses, splits, 10, { permutations: 50, rng: new Rng('baseline') });
  assert.ok(baseline < 0.8, `baseline ${baseline}`);
  assert.ok(baseline > 0, `baseline ${baseline}`);
});

test('membership information of equal losses is 0', () => {
  const splits = [Int32Array.of(0, 1), Int32Array.of(2, 3)];
  const losses = splits.map(() => Float64Array.of(0.3, 0.3, 0.3, 0.3));
  close(membershipInformationFromLosses(losses, splits), 0, 'I_X');
});

/** A lookup table: certain of the labels of the rows it was fit on, 50/50 on any other row. */
class MemorisingClassifier implements Classifier {
  readonly name = 'memorising';
  private seen = new Map<number, number>();
  async fit(x: Matrix, y: Labels): Promise<FitReport> {
    for (let i = 0; i < x.rows; i++) this.seen.set(x.get(i, 0), y[i]);
    return { epochs: 1, lossHistory: [0] };
  }
  async predictProba(x: Matrix): Promise<Matrix> {
    return Matrix.fromRows(
      Array.from({ length: x.rows }, (_, i) => {
        const label = this.seen.get(x.get(i, 0));
        return label === undefined ? [0.5, 0.5] : label === 0 ? [1, 0] : [0, 1];
      }),
    );
  }
  async predict(x: Matrix): Promise<Labels> {
    return argmaxRows(await this.predictProba(x));
  }
  toJSON(): ModelJSON {
    return { model: this.name, formatVersion: 1 };
  }
}

test('membership information of a memorising model is 1 bit', async () => {
  const x = Matrix.fromRows(Array.from({ length: 40 }, (_, i) => [i]));
  const y = Int32Array.from({ length: 40 }, (_, i) => i % 2);
  const value = await membershipInformation(x, y, async (xTrain, yTrain) => {
    const model = new MemorisingClassifier();
    await model.fit(xTrain, yTrain);
    return model;
  }, { repeats: 4, rng: new Rng('memorising') });
  close(value, 1, 'I_X');
});

test('digamma at known points', () => {
  // ψ(1) = −γ (Euler–Mascheroni constant); ψ(n + 1) = ψ(n) + 1/n.
  const gamma = 0.5772156649015329;
  close(digamma(1), -gamma, 'ψ(1)', 1e-12);
  close(digamma(4), -gamma + 1 + 1 / 2 + 1 / 3, 'ψ(4)', 1e-12);
  close(digamma(0.5), -gamma - 2 * Math.LN2, 'ψ(1/2)', 1e-12);
});

test('Kraskov estimate of correlated Gaussians', () => {
  // For a bivariate normal with correlation ρ, I = −½ ln(1 − ρ²); ρ = 0.6 gives −½ ln 0.64 ≈ 0.2231 nats.
  const rng = new Rng('gaussian');
  const n = 1500;
  const x = new Float64Array(n);
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    x[i] = rng.normal();
    y[i] = 0.6 * x[i] + 0.8 * rng.normal();
  }
  close(kraskovMutualInformation(x, y, new Rng('jitter')), -0.5 * Math.log(0.64), 'I (nats)', 0.04);
});

test('Kraskov estimate of independent variables', () => {
  // The estimate's spread for 1,000 independent Gaussian pairs is about 0.01 nats.
  const rng = new Rng('independent');
  const x = Float64Array.from({ length: 1000 }, () => rng.normal());
  const y = Float64Array.from({ length: 1000 }, () => rng.normal());
  const value = kraskovMutualInformation(x, y, new Rng('jitter'));
  assert.ok(value >= 0, `I = ${value}`);
  assert.ok(value < 0.04, `I = ${value}`);
});

test('largest first-layer weights by hand', () => {
  // W = [[1, 5, −2], [0, −1, −3]]: the row maxima are 5 and 0.
  assert.equal(Array.from(largestFirstLayerWeights([1, 5, -2, 0, -1, -3], 2, 3)), [5, 0]);
});

test.run();
