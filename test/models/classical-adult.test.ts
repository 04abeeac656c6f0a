import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { Matrix } from '../../engine/matrix.ts';
import { Rng } from '../../engine/rng.ts';
import { loadDataset } from '../../src/data/datasets.ts';
import { fitEncoder } from '../../src/data/encode.ts';
import { splitRows } from '../../src/data/split.ts';
import { accuracy } from '../../src/models/classifier.ts';
import { KnnClassifier } from '../../src/models/knn.ts';
import { LogisticRegression } from '../../src/models/lr.ts';

// 10,000 training and 5,000 test records of Adult, z-scored ordinal features
// fit on the training split. Reference accuracies are scikit-learn 1.2's at the
// same settings on a split of this size.
const adult = loadDataset('adult');
const [trainRows, testRows] = splitRows(adult.features.rows, [10_000, 5_000], new Rng('classical-adult'));
const encoder = fitEncoder(adult.features, trainRows);
const train: { x: Matrix; y: Int32Array } = {
  x: encoder.transform(adult.features, trainRows),
  y: Int32Array.from(trainRows, (i) => adult.y[i]),
};
const heldOut: { x: Matrix; y: Int32Array } = {
  x: encoder.transform(adult.features, testRows),
  y: Int32Array.from(testRows, (i) => adult.y[i]),
};

// scikit-learn 1.2 LogisticRegression(C=0.01, solver='lbfgs'): 0.814.
test('lr reaches 0.80 on Adult', async () => {
  const model = new LogisticRegression();
  const report = await model.fit(train.x, train.y);
  assert.ok(report.converged, report.warning);
  const testAccuracy = accuracy(await model.predict(heldOut.x), heldOut.y);
  assert.ok(testAccuracy >= 0.8, `test accuracy ${testAccuracy.toFixed(4)} is below 0.80`);
});

// scikit-learn 1.2 KNeighborsClassifier(n_neighbors=3): 0.811.
test('knn reaches 0.80 on Adult', async () => {
  const model = new KnnClassifier();
  await model.fit(train.x, train.y);
  const testAccuracy = accuracy(await model.predict(heldOut.x), heldOut.y);
  assert.ok(testAccuracy >= 0.8, `test accuracy ${testAccuracy.toFixed(4)} is below 0.80`);
});

test.run();
