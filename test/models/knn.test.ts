import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Matrix } from '../../engine/matrix.ts';
import { Rng } from '../../engine/rng.ts';
import { MiascopeError } from '../../src/errors.ts';
import { accuracy } from '../../src/models/classifier.ts';
import { chooseAlgorithm, KnnClassifier, type KnnAlgorithm } from '../../src/models/knn.ts';

const SEARCHES: KnnAlgorithm[] = ['brute', 'kd-tree'];

function randomData(n: number, d: number, seed: string, nClasses = 2): { x: Matrix; y: Int32Array } {
  const rng = new Rng(seed);
  const x = new Matrix(n, d);
  for (let i = 0; i < x.data.length; i++) x.data[i] = rng.normal();
  const y = Int32Array.from({ length: n }, () => rng.int(nClasses));
  return { x, y };
}

// Five points on a line: 0, 1, 2, 4, 7, with labels 0, 0, 1, 1, 1.
const line = Matrix.fromRows([[0], [1], [2], [4], [7]]);
const lineLabels = Int32Array.from([0, 0, 1, 1, 1]);

for (const algorithm of SEARCHES) {
  test(`knn ${algorithm} finds hand-computed neighbours`, async () => {
    const model = new KnnClassifier({ k: 3, algorithm, leafSize: 1 });
    await model.fit(line, lineLabels);
    const { indices, distances } = await model.kneighbors(Matrix.fromRows([[1.2], [6]]));
    assert.equal(Array.from(indices), [1, 2, 0, 4, 3, 2]);
    assert.equal(Array.from(distances).map((v) => Math.round(v * 1e6) / 1e6), [0.2, 0.8, 1.2, 1, 2, 4]);

    const posteriors = await model.predictProba(Matrix.fromRows([[1.2], [6]]));
    assert.equal(Array.from(posteriors.data), Array.from(Float32Array.from([2 / 3, 1 / 3, 0, 1])));
  });

  test(`knn ${algorithm} breaks distance ties by index`, async () => {
    // The query 3 is at distance 1 from both 2 (index 2) and 4 (index 3); 1 and 5 tie at 2.
    const x = Matrix.fromRows([[5], [1], [2], [4], [9]]);
    const model = new KnnClassifier({ k: 3, algorithm, leafSize: 1 });
    await model.fit(x, Int32Array.from([0, 1, 0, 1, 0]));
    const { indices } = await model.kneighbors(Matrix.fromRows([[3]]));
    assert.equal(Array.from(indices), [2, 3, 0]);

    // Duplicated records: the lower index comes first.
    const duplicates = Matrix.fromRows([[1, 1], [0, 0], [1, 1], [0, 0], [1, 1]]);
    await model.fit(duplicates, Int32Array.from([0, 1, 1, 0, 1]));
    assert.equal(Array.from((await model.kneighbors(Matrix.fromRows([[1, 1]]))).indices), [0, 2, 4]);
    assert.equal(Array.from((await model.kneighbors(Matrix.fromRows([[0, 0]]))).indices), [1, 3, 0]);
  });

  test(`knn ${algorithm} k = 1 memorises its training set`, async () => {
    const { x, y } = randomData(500, 4, `memorise-${algorithm}`);
    const model = new KnnClassifier({ k: 1, algorithm });
    await model.fit(x, y);
    const { indices, distances } = await model.kneighbors(x);
    for (let i = 0; i < x.rows; i++) {
      assert.is(indices[i], i, `record ${i} found record ${indices[i]}`);
      assert.is(distances[i], 0);
    }
    assert.is(accuracy(await model.predict(x), y), 1);
  });
}

test('knn kd-tree and brute force agree on random data', async () => {
  for (const [n, d, seed] of [
    [1000, 2, 'a'],
    [1000, 5, 'b'],
    [700, 14, 'c'],
    [300, 30, 'd'],
  ] as const) {
    const { x, y } = randomData(n, d, `agree-${seed}`, 3);
    const queries = randomData(200, d, `agree-queries-${seed}`).x;
    const results = [];
    for (const algorithm of SEARCHES) {
      const model = new KnnClassifier({ k: 7, algorithm, leafSize: 8 });
      await model.fit(x, y);
      results.push(await model.kneighbors(queries));
    }
    assert.equal(results[1].indices, results[0].indices, `indices differ at n = ${n}, d = ${d}`);
    assert.equal(results[1].distances, results[0].distances, `distances differ at n = ${n}, d = ${d}`);
  }
});

test('knn searches agree with a sorted exact reference', async () => {
  // Few distinct coordinate values make many equal distances, the hard case for both searches.
  const rng = new Rng('grid');
  const n = 400;
  const d = 3;
  const x = new Matrix(n, d);
  for (let i = 0; i < x.data.length; i++) x.data[i] = rng.int(4) * 0.1;
  const y = Int32Array.from({ length: n }, (_, i) => i % 2);
  const query = Float32Array.from([0.1, 0.2, 0.1]);
  const order = Array.from({ length: n }, (_, i) => i);
  const squared = order.map((i) => {
    let sum = 0;
    for (let j = 0; j < d; j++) sum += (query[j] - x.data[i * d + j]) ** 2;
    return sum;
  });
  order.sort((a, b) => squared[a] - squared[b] || a - b);

  for (const algorithm of SEARCHES) {
    const model = new KnnClassifier({ k: 25, algorithm, leafSize: 4 });
    await model.fit(x, y);
    const { indices } = await model.kneighbors(new Matrix(1, d, query));
    assert.equal(Array.from(indices), order.slice(0, 25), algorithm);
  }
});

test('knn brute force re-ranks float32 near-ties exactly', async () => {
  // Records far from the origin, 1e-3 apart: ‖q‖² + ‖x‖² − 2q·x in float32 loses these
  // differences (‖x‖² ≈ 1e8, spacing of float32 there ≈ 8), the exact re-check keeps them.
  const base = 1e4;
  const x = Matrix.fromRows([[base + 0.004], [base + 0.001], [base + 0.003], [base + 0.002], [base]]);
  const model = new KnnClassifier({ k: 3, algorithm: 'brute' });
  await model.fit(x, Int32Array.from([0, 1, 0, 1, 0]));
  const { indices } = await model.kneighbors(Matrix.fromRows([[base - 0.0005]]));
  assert.equal(Array.from(indices), [4, 1, 3]);
});

test('knn probabilities are neighbour shares', async () => {
  const { x, y } = randomData(300, 3, 'shares', 3);
  const model = new KnnClassifier({ k: 5 });
  await model.fit(x, y);
  const queries = randomData(50, 3, 'shares-queries').x;
  const posteriors = await model.predictProba(queries);
  const { indices } = await model.kneighbors(queries);
  assert.is(posteriors.cols, 3);
  for (let i = 0; i < queries.rows; i++) {
    const counts = [0, 0, 0];
    for (let m = 0; m < 5; m++) counts[y[indices[i * 5 + m]]]++;
    for (let c = 0; c < 3; c++) {
      assert.ok(Math.abs(posteriors.get(i, c) - counts[c] / 5) < 1e-6, `row ${i} class ${c}: ${posteriors.get(i, c)} vs ${counts[c]}/5`);
    }
  }
});

test('knn binary posteriors have two columns', async () => {
  const model = new KnnClassifier({ k: 2 });
  await model.fit(line, lineLabels);
  const posteriors = await model.predictProba(Matrix.fromRows([[0]]));
  assert.is(posteriors.cols, 2);
  assert.equal(Array.from(posteriors.data), [1, 0]);
});

test('knn k above the training size is rejected', async () => {
  const model = new KnnClassifier({ k: 6 });
  try {
    await model.fit(line, lineLabels);
    assert.unreachable('fit accepted k = 6 with 5 records');
  } catch (error) {
    assert.instance(error, MiascopeError);
    assert.match((error as Error).message, /k = 6 exceeds the 5 training records; set k to at most 5/);
  }
  // k equal to the training size is allowed: every record votes.
  const all = new KnnClassifier({ k: 5 });
  await all.fit(line, lineLabels);
  assert.equal(Array.from((await all.predictProba(Matrix.fromRows([[100]]))).data), Array.from(Float32Array.from([0.4, 0.6])));
});

test('knn round trip predicts identically', async () => {
  const { x, y } = randomData(400, 6, 'json');
  const queries = randomData(100, 6, 'json-queries').x;
  for (const algorithm of ['auto', ...SEARCHES] as const) {
    const model = new KnnClassifier({ algorithm });
    await model.fit(x, y);
    const json = JSON.parse(JSON.stringify(model.toJSON()));
    assert.is(json.x.length, 400 * 6);
    const restored = KnnClassifier.fromJSON(json);
    assert.equal(restored.options, model.options);
    assert.equal((await restored.predictProba(queries)).data, (await model.predictProba(queries)).data);
    assert.equal((await restored.kneighbors(queries)).distances, (await model.kneighbors(queries)).distances);
  }
});

test('knn fit copies the training set', async () => {
  const x = Matrix.fromRows([[0], [1], [2]]);
  const y = Int32Array.from([0, 1, 1]);
  const model = new KnnClassifier({ k: 1 });
  await model.fit(x, y);
  x.data[0] = 100;
  y[0] = 1;
  assert.equal(Array.from(await model.predict(Matrix.fromRows([[0]]))), [0]);
});

test('knn auto picks the tree for few features', () => {
  assert.is(chooseAlgorithm(2), 'kd-tree');
  assert.is(chooseAlgorithm(12), 'kd-tree');
  assert.is(chooseAlgorithm(14), 'brute');
});

test('knn fromJSON rejects another model', () => {
  assert.throws(() => KnnClassifier.fromJSON({ model: 'lr', formatVersion: 1 }), /expected model 'knn'/);
});

test('knn rejects invalid options', () => {
  assert.throws(() => new KnnClassifier({ k: 0 }), /option k = 0 is invalid/);
  assert.throws(() => new KnnClassifier({ algorithm: 'ball-tree' as KnnAlgorithm }), /option algorithm/);
  assert.throws(() => new KnnClassifier({ leafSize: -1 }), /option leafSize/);
});

test('knn predict before fit names the call', async () => {
  const model = new KnnClassifier();
  try {
    await model.predict(Matrix.fromRows([[0]]));
    assert.unreachable('predict ran on an unfitted model');
  } catch (error) {
    assert.instance(error, MiascopeError);
    assert.match((error as Error).message, /KnnClassifier\.predictProba: the model is not fitted; call fit\(x, y\) first/);
  }
});

test('knn rejects a feature count mismatch', async () => {
  const model = new KnnClassifier({ k: 1 });
  await model.fit(line, lineLabels);
  try {
    await model.predict(Matrix.fromRows([[0, 1]]));
    assert.unreachable('predict accepted two features');
  } catch (error) {
    assert.match((error as Error).message, /x has 2 features, the model was fit on 1/);
  }
});

test.run();
