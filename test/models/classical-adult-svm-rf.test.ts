import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Rng } from '../../engine/rng.ts';
import { loadDataset } from '../../src/data/datasets.ts';
import { fitEncoder } from '../../src/data/encode.ts';
import { splitRows } from '../../src/data/split.ts';
import { accuracy } from '../../src/models/classifier.ts';
import { RandomForestClassifier } from '../../src/models/rf.ts';
import { SvmClassifier } from '../../src/models/svm.ts';

const adult = loadDataset('adult');
const [train, heldOut] = splitRows(adult.features.rows, [10_000, 5_000], new Rng('classical-adult'));

function encoded(trainRows: Int32Array) {
  const encoder = fitEncoder(adult.features, trainRows);
  return {
    xTrain: encoder.transform(adult.features, trainRows),
    yTrain: Int32Array.from(trainRows, (i) => adult.y[i]),
    xTest: encoder.transform(adult.features, heldOut),
    yTest: Int32Array.from(heldOut, (i) => adult.y[i]),
  };
}

// scikit-learn 1.2's SVC(C=0.01, gamma='scale', probability=True) reaches
// 0.754 on this split with 10,000 training records. The SVM fit (6 SMO solves
// for Platt scaling) takes about 14 s at 10,000 records on a 2-core machine,
// so this test trains on the first 3,000; C = 0.01 still predicts mostly the
// majority class there.
test('svm reaches 0.74 on Adult', async () => {
  const { xTrain, yTrain, xTest, yTest } = encoded(train.subarray(0, 3_000));
  const model = new SvmClassifier({ seed: 1 });
  await model.fit(xTrain, yTrain);
  const testAccuracy = accuracy(await model.predict(xTest), yTest);
  assert.ok(testAccuracy >= 0.74, `test accuracy ${testAccuracy.toFixed(4)} is below 0.74`);
});

// scikit-learn 1.2's RandomForestClassifier(max_depth=2) reaches 0.785.
test('rf reaches 0.77 on Adult', async () => {
  const { xTrain, yTrain, xTest, yTest } = encoded(train);
  const model = new RandomForestClassifier({ seed: 1 });
  await model.fit(xTrain, yTrain);
  const testAccuracy = accuracy(await model.predict(xTest), yTest);
  assert.ok(testAccuracy >= 0.77, `test accuracy ${testAccuracy.toFixed(4)} is below 0.77`);
});

test.run();
