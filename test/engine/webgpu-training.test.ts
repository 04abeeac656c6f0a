/**
 * ANN training on the WebGPU backend: the same model as on the CPU backend
 * for the same seed, and the transfers that keep training on the device.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Matrix } from '../../engine/matrix.ts';
import { Rng } from '../../engine/rng.ts';
import { loadDataset } from '../../src/data/datasets.ts';
import { fitEncoder } from '../../src/data/encode.ts';
import { splitRows } from '../../src/data/split.ts';
import { AnnClassifier } from '../../src/models/ann.ts';
import { accuracy } from '../../src/models/classifier.ts';
import { gpuTest } from './webgpu-setup.ts';

/** Two Gaussian blobs in `d` dimensions whose classes overlap a little. */
function blobs(n: number, d: number, seed: number): { x: Matrix; y: Int32Array } {
  const rng = new Rng(seed);
  const x = new Matrix(n, d);
  const y = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    y[i] = i % 2;
    for (let j = 0; j < d; j++) x.data[i * d + j] = rng.normal() + (y[i] === 1 ? 0.8 : -0.8) * (j % 2 === 0 ? 1 : -0.5);
  }
  return { x, y };
}

gpuTest(test, 'ann on Adult matches the cpu', async (gpu) => {
  // 4,000 training records keep 50 epochs (1,000 steps) short on a CPU Vulkan driver.
  const adult = loadDataset('adult');
  const [train, heldOut] = splitRows(adult.features.rows, [4_000, 3_000], new Rng('webgpu-adult'));
  const encoder = fitEncoder(adult.features, train);
  const xTrain = encoder.transform(adult.features, train);
  const xTest = encoder.transform(adult.features, heldOut);
  const yTrain = Int32Array.from(train, (i) => adult.y[i]);
  const yTest = Int32Array.from(heldOut, (i) => adult.y[i]);

  const results = [];
  for (const backend of ['cpu', gpu] as const) {
    const model = new AnnClassifier({ seed: 4, epochs: 50 }, backend);
    const report = await model.fit(xTrain, yTrain);
    results.push({ report, testAccuracy: accuracy(await model.predict(xTest), yTest) });
  }
  const [cpu, webgpu] = results;
  const gapPoints = 100 * Math.abs(cpu.testAccuracy - webgpu.testAccuracy);
  assert.ok(gapPoints <= 0.5, `test accuracy ${webgpu.testAccuracy.toFixed(4)} on WebGPU, ${cpu.testAccuracy.toFixed(4)} on the CPU`);
  assert.ok(cpu.testAccuracy > 0.8, `cpu test accuracy ${cpu.testAccuracy.toFixed(4)} is below 0.8`);
  const finalLossGap = Math.abs(cpu.report.lossHistory[49] - webgpu.report.lossHistory[49]);
  assert.ok(finalLossGap < 1e-3, `final loss ${webgpu.report.lossHistory[49]} on WebGPU, ${cpu.report.lossHistory[49]} on the CPU`);
});

gpuTest(test, 'ann fit reads once per epoch', async (gpu) => {
  const { x, y } = blobs(500, 5, 1);
  const model = new AnnClassifier({ epochs: 50, batchSize: 100, hiddenLayers: [16], seed: 2 }, gpu);
  gpu.resetStats();
  const report = await model.fit(x, y);
  const { reads, uploads, submits } = gpu.stats;
  // One loss read per epoch, then a weight and a bias per layer.
  assert.is(reads, 50 + 2 * 2, `reads ${reads}`);
  assert.is(report.lossHistory.length, 50);
  // Uploads per step: row indices, labels and the loss seed of backward; once: features, parameters.
  assert.ok(uploads <= 3 * 250 + 10, `uploads ${uploads}`);
  assert.ok(submits <= 250 + 2 * 50 + 10, `submits ${submits}`);
});

gpuTest(test, 'ann webgpu model round trips through json', async (gpu) => {
  const { x, y } = blobs(300, 4, 3);
  const model = new AnnClassifier({ epochs: 5, batchSize: 64, optimizer: 'adam', learningRate: 0.01, activation: 'tanh', initializer: 'xavier', seed: 5 }, gpu);
  await model.fit(x, y);
  const json = JSON.parse(JSON.stringify(model.toJSON()));
  const onGpu = await model.predictProba(x);
  const onCpu = await AnnClassifier.fromJSON(json, 'cpu').predictProba(x);
  for (let i = 0; i < onGpu.data.length; i++) {
    if (!(Math.abs(onGpu.data[i] - onCpu.data[i]) <= 1e-5)) {
      assert.unreachable(`posterior ${i} is ${onGpu.data[i]} on WebGPU and ${onCpu.data[i]} on the CPU from the same JSON`);
    }
  }
  const restored = await AnnClassifier.fromJSON(json, gpu).predictProba(x);
  assert.equal(Array.from(restored.data), Array.from(onGpu.data));
});

gpuTest(test, 'ann on webgpu rejects diverging training', async (gpu) => {
  const { x, y } = blobs(200, 2, 7);
  for (let i = 0; i < x.data.length; i++) x.data[i] *= 1e6;
  const model = new AnnClassifier({ learningRate: 10, momentum: 0, epochs: 5, seed: 1 }, gpu);
  try {
    await model.fit(x, y);
    assert.unreachable('fit succeeded');
  } catch (error) {
    assert.match((error as Error).message, 'diverged');
  }
});

test.run();
