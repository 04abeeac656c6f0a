import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Matrix } from '../../engine/matrix.ts';
import { Rng } from '../../engine/rng.ts';
import { MiascopeError } from '../../src/errors.ts';
import { AnnClassifier } from '../../src/models/ann.ts';
import { accuracy } from '../../src/models/classifier.ts';

/** XOR of the signs of two coordinates: no linear model separates it, one hidden layer does. */
function xorData(n: number, seed: number): { x: Matrix; y: Int32Array } {
  const rng = new Rng(seed);
  const x = new Matrix(n, 2);
  const y = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const a = rng.uniform() * 2 - 1;
    const b = rng.uniform() * 2 - 1;
    x.data[2 * i] = a;
    x.data[2 * i + 1] = b;
    y[i] = a > 0 !== b > 0 ? 1 : 0;
  }
  return { x, y };
}

test('ann learns XOR with one hidden layer', async () => {
  const train = xorData(1000, 1);
  const heldOut = xorData(500, 2);
  const model = new AnnClassifier({ hiddenLayers: [16], optimizer: 'adam', learningRate: 0.01, epochs: 60, batchSize: 50, seed: 3 });
  const report = await model.fit(train.x, train.y);
  assert.ok(report.lossHistory[report.lossHistory.length - 1] < report.lossHistory[0], 'loss falls');
  assert.ok(accuracy(await model.predict(heldOut.x), heldOut.y) > 0.95);
});

test('ann posteriors are probability rows', async () => {
  const { x, y } = xorData(200, 4);
  const model = new AnnClassifier({ epochs: 2, seed: 1 });
  await model.fit(x, y);
  const posteriors = await model.predictProba(x);
  assert.is(posteriors.rows, 200);
  assert.is(posteriors.cols, 2);
  for (let i = 0; i < posteriors.rows; i++) {
    const sum = posteriors.get(i, 0) + posteriors.get(i, 1);
    assert.ok(Math.abs(sum - 1) < 1e-6, `row ${i} sums to ${sum}`);
  }
});

test('ann same seed gives identical weights', async () => {
  const { x, y } = xorData(300, 5);
  const first = new AnnClassifier({ epochs: 3, seed: 'same' });
  const second = new AnnClassifier({ epochs: 3, seed: 'same' });
  await first.fit(x, y);
  await second.fit(x, y);
  assert.equal(first.toJSON(), second.toJSON());
});

test('ann other seed gives other weights', async () => {
  const { x, y } = xorData(300, 5);
  const first = new AnnClassifier({ epochs: 3, seed: 1 });
  const second = new AnnClassifier({ epochs: 3, seed: 2 });
  await first.fit(x, y);
  await second.fit(x, y);
  assert.not.equal(first.toJSON(), second.toJSON());
});

test('ann toJSON round trip is exact', async () => {
  const { x, y } = xorData(300, 6);
  const model = new AnnClassifier({ hiddenLayers: [7, 5], activation: 'tanh', initializer: 'xavier', epochs: 3, seed: 1 });
  await model.fit(x, y);
  const restored = AnnClassifier.fromJSON(JSON.parse(JSON.stringify(model.toJSON())));
  assert.equal(Array.from((await restored.predictProba(x)).data), Array.from((await model.predictProba(x)).data));
});

test('ann fromJSON rejects another model', () => {
  assert.throws(() => AnnClassifier.fromJSON({ model: 'knn', formatVersion: 1 }), /expected model 'ann'/);
});

test('ann predict before fit raises', async () => {
  const model = new AnnClassifier();
  try {
    await model.predict(new Matrix(1, 2));
    assert.unreachable('predict succeeded');
  } catch (error) {
    assert.instance(error, MiascopeError);
    assert.match((error as Error).message, 'call fit(x, y) first');
  }
});

async function fitError(model: AnnClassifier, x: Matrix, y: Int32Array): Promise<string> {
  try {
    await model.fit(x, y);
  } catch (error) {
    assert.instance(error, MiascopeError);
    return (error as Error).message;
  }
  throw new Error('fit succeeded');
}

test('ann single class raises', async () => {
  const message = await fitError(new AnnClassifier(), new Matrix(3, 1, Float32Array.of(1, 2, 3)), Int32Array.of(1, 1, 1));
  assert.match(message, 'single class');
});

test('ann NaN feature names row and column', async () => {
  const message = await fitError(new AnnClassifier(), new Matrix(2, 2, Float32Array.of(0, 1, NaN, 2)), Int32Array.of(0, 1));
  assert.match(message, 'feature 0 of row 1 is NaN');
});

test('ann diverging training raises', async () => {
  const { x, y } = xorData(200, 7);
  for (let i = 0; i < x.data.length; i++) x.data[i] *= 1e6;
  const message = await fitError(new AnnClassifier({ learningRate: 10, momentum: 0, epochs: 5, seed: 1 }), x, y);
  assert.match(message, 'diverged');
  assert.match(message, 'lower the learning rate');
});

test('ann invalid option names it', () => {
  assert.throws(() => new AnnClassifier({ hiddenLayers: [0] }), /option hiddenLayers = \[0\] is invalid/);
  assert.throws(() => new AnnClassifier({ momentum: 1 }), /option momentum = 1 is invalid/);
  assert.throws(() => new AnnClassifier({ nesterov: 1 as unknown as boolean }), /option nesterov = 1 is invalid; expected true or false/);
});

test.run();
