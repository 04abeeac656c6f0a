import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Matrix } from '../../engine/matrix.ts';
import { Rng } from '../../engine/rng.ts';
import { MiascopeError } from '../../src/errors.ts';
import { accuracy } from '../../src/models/classifier.ts';
import { RandomForestClassifier } from '../../src/models/rf.ts';

interface TreeJSON {
  feature: number[];
  threshold: number[];
  left: number[];
  right: number[];
  value: number[];
}

function treesOf(model: RandomForestClassifier): TreeJSON[] {
  return model.toJSON().trees as TreeJSON[];
}

/** Builds one tree on all rows with every feature tried, so a plain CART. */
function singleTree(maxDepth: number): RandomForestClassifier {
  return new RandomForestClassifier({ nEstimators: 1, bootstrap: false, maxFeatures: 100, maxDepth });
}

test('rf gini split chooses hand-computed threshold', async () => {
  // Weighted Gini of each cut of y = 0 0 1 0 1 over x = 1 … 5:
  // 1.5 → 4/5 · 1/2 = 0.4, 2.5 → 3/5 · 4/9 ≈ 0.267, 3.5 → 3/5 · 4/9 + 2/5 · 1/2 ≈ 0.467, 4.5 → 4/5 · 3/8 = 0.3.
  const model = singleTree(1);
  await model.fit(Matrix.fromRows([[1], [2], [3], [4], [5]]), Int32Array.of(0, 0, 1, 0, 1));
  const [tree] = treesOf(model);
  assert.is(tree.feature[0], 0);
  assert.is(tree.threshold[0], 2.5);
  assert.equal(tree.value.slice(2 * tree.left[0], 2 * tree.left[0] + 2), [1, 0]);
  assert.equal(tree.value.slice(2 * tree.right[0], 2 * tree.right[0] + 2), [1 / 3, 2 / 3]);
});

test('rf gini split prefers the pure feature', async () => {
  // Feature 1 separates the classes at 25; feature 0's best cut leaves Gini 1/3.
  const model = singleTree(1);
  await model.fit(
    Matrix.fromRows([
      [1, 10],
      [3, 20],
      [2, 30],
      [4, 40],
    ]),
    Int32Array.of(0, 0, 1, 1),
  );
  const [tree] = treesOf(model);
  assert.is(tree.feature[0], 1);
  assert.is(tree.threshold[0], 25);
});

test('rf stump finds the informative feature', async () => {
  const rng = new Rng('stump');
  const n = 300;
  const x = new Matrix(n, 4);
  const y = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < 4; j++) x.data[i * 4 + j] = rng.normal();
    y[i] = x.data[i * 4 + 2] > 0.3 ? 1 : 0;
  }
  const model = singleTree(1);
  await model.fit(x, y);
  const [tree] = treesOf(model);
  assert.is(tree.feature.length, 3, 'a stump has a root and two leaves');
  assert.is(tree.feature[0], 2);
  // The threshold lies between the largest value below 0.3 and the smallest above.
  let below = -Infinity;
  let above = Infinity;
  for (let i = 0; i < n; i++) {
    const value = x.data[i * 4 + 2];
    if (value > 0.3) above = Math.min(above, value);
    else below = Math.max(below, value);
  }
  assert.ok(tree.threshold[0] > below, `threshold ${tree.threshold[0]} not above ${below}`);
  assert.ok(tree.threshold[0] < above, `threshold ${tree.threshold[0]} not below ${above}`);
  assert.is(accuracy(await model.predict(x), y), 1);
});

test('rf probabilities are leaf frequencies', async () => {
  const x = Matrix.fromRows([[1], [2], [3], [4], [5]]);
  const single = singleTree(1);
  await single.fit(x, Int32Array.of(0, 0, 1, 0, 1));
  const posteriors = await single.predictProba(Matrix.fromRows([[0], [2.4], [2.6], [9]]));
  assert.equal(Array.from(posteriors.data), Array.from(Float32Array.of(1, 0, 1, 0, 1 / 3, 2 / 3, 1 / 3, 2 / 3)));

  // A forest averages its trees' leaf frequencies.
  const forest = new RandomForestClassifier({ nEstimators: 7, maxDepth: 2, seed: 4 });
  const rng = new Rng('average');
  const data = new Matrix(40, 3);
  for (let i = 0; i < data.data.length; i++) data.data[i] = rng.normal();
  const labels = Int32Array.from({ length: 40 }, (_, i) => (data.data[3 * i] + data.data[3 * i + 1] > 0 ? 1 : 0));
  await forest.fit(data, labels);
  const forestPosteriors = await forest.predictProba(data);
  const trees = treesOf(forest);
  for (let i = 0; i < data.rows; i++) {
    let sum = 0;
    for (const tree of trees) {
      let node = 0;
      while (tree.feature[node] !== -1) node = data.get(i, tree.feature[node]) <= tree.threshold[node] ? tree.left[node] : tree.right[node];
      sum += tree.value[2 * node + 1];
    }
    assert.ok(Math.abs(forestPosteriors.get(i, 1) - sum / trees.length) < 1e-6, `row ${i}`);
    assert.ok(Math.abs(forestPosteriors.get(i, 0) + forestPosteriors.get(i, 1) - 1) < 1e-6, `row ${i} sums to 1`);
  }
});

/** Draws a 4 × 4 checkerboard on [0, 1)², which trees need many splits to fit. */
function checkerboard(n: number, seed: string): { x: Matrix; y: Int32Array } {
  const rng = new Rng(seed);
  const x = new Matrix(n, 2);
  const y = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const a = rng.uniform();
    const b = rng.uniform();
    x.data[2 * i] = a;
    x.data[2 * i + 1] = b;
    y[i] = (Math.floor(a * 4) + Math.floor(b * 4)) % 2;
  }
  return { x, y };
}

test('rf same seed gives same forest', async () => {
  const { x, y } = checkerboard(200, 'seed');
  const first = new RandomForestClassifier({ nEstimators: 10, maxDepth: 4, seed: 'same' });
  const second = new RandomForestClassifier({ nEstimators: 10, maxDepth: 4, seed: 'same' });
  await first.fit(x, y);
  await second.fit(x, y);
  assert.equal(first.toJSON(), second.toJSON());
});

test('rf other seed gives other forest', async () => {
  const { x, y } = checkerboard(200, 'seed');
  const first = new RandomForestClassifier({ nEstimators: 10, maxDepth: 4, seed: 1 });
  const second = new RandomForestClassifier({ nEstimators: 10, maxDepth: 4, seed: 2 });
  await first.fit(x, y);
  await second.fit(x, y);
  assert.not.equal(first.toJSON(), second.toJSON());
});

test('rf toJSON round trip is exact', async () => {
  const { x, y } = checkerboard(300, 'json');
  const model = new RandomForestClassifier({ nEstimators: 15, maxDepth: 6, seed: 5 });
  await model.fit(x, y);
  const restored = RandomForestClassifier.fromJSON(JSON.parse(JSON.stringify(model.toJSON())));
  assert.equal(Array.from((await restored.predictProba(x)).data), Array.from((await model.predictProba(x)).data));
});

test('rf deep forest fits training set', async () => {
  const { x, y } = checkerboard(1000, 'deep');
  const deep = new RandomForestClassifier({ maxDepth: 20, seed: 6 });
  const shallow = new RandomForestClassifier({ maxDepth: 2, seed: 6 });
  await deep.fit(x, y);
  await shallow.fit(x, y);
  const deepAccuracy = accuracy(await deep.predict(x), y);
  const shallowAccuracy = accuracy(await shallow.predict(x), y);
  assert.ok(deepAccuracy > 0.98, `depth 20 training accuracy ${deepAccuracy}`);
  assert.ok(shallowAccuracy < 0.75, `depth 2 training accuracy ${shallowAccuracy}`);
});

test('rf handles three classes', async () => {
  const x = Matrix.fromRows([[0], [1], [2], [3], [4], [5]]);
  const y = Int32Array.of(0, 0, 1, 1, 2, 2);
  const model = new RandomForestClassifier({ nEstimators: 1, bootstrap: false, maxFeatures: 1, maxDepth: 3 });
  await model.fit(x, y);
  assert.equal(Array.from(await model.predict(x)), [0, 0, 1, 1, 2, 2]);
  assert.is((await model.predictProba(x)).cols, 3);
});

test('rf min samples per leaf is respected', async () => {
  const { x, y } = checkerboard(200, 'leaf');
  const model = new RandomForestClassifier({ nEstimators: 1, bootstrap: false, maxDepth: 20, minSamplesLeaf: 30, maxFeatures: 2 });
  await model.fit(x, y);
  const [tree] = treesOf(model);
  const leafCounts = new Map<number, number>();
  for (let i = 0; i < x.rows; i++) {
    let node = 0;
    while (tree.feature[node] !== -1) node = x.get(i, tree.feature[node]) <= tree.threshold[node] ? tree.left[node] : tree.right[node];
    leafCounts.set(node, (leafCounts.get(node) ?? 0) + 1);
  }
  for (const [leaf, count] of leafCounts) assert.ok(count >= 30, `leaf ${leaf} holds ${count} rows`);
});

test('rf fromJSON rejects another model', () => {
  assert.throws(() => RandomForestClassifier.fromJSON({ model: 'svm', formatVersion: 1 }), /expected model 'rf'/);
});

test('rf predict before fit raises', async () => {
  try {
    await new RandomForestClassifier().predict(new Matrix(1, 2));
    assert.unreachable('predict succeeded');
  } catch (error) {
    assert.instance(error, MiascopeError);
    assert.match((error as Error).message, 'RandomForestClassifier.predictProba');
    assert.match((error as Error).message, 'call fit(x, y) first');
  }
});

test('rf invalid option names it', () => {
  assert.throws(() => new RandomForestClassifier({ maxDepth: 0 }), /option maxDepth = 0 is invalid/);
  assert.throws(() => new RandomForestClassifier({ maxBins: 300 }), /option maxBins = 300 is invalid/);
  assert.throws(() => new RandomForestClassifier({ maxFeatures: 'log2' as 'sqrt' }), /option maxFeatures = "log2" is invalid/);
});

test.run();
