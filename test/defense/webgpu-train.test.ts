/**
 * Regularised training on the WebGPU backend: the same defended network as on
 * the CPU for the same seed, the reads that keep training on the device, and
 * `miascope defend --backend webgpu` end to end.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { cpuBackend } from '../../engine/backend/cpu/index.ts';
import type { Backend } from '../../engine/backend/backend.ts';
import { Rng } from '../../engine/rng.ts';
import { runAudit } from '../../src/audit/audit.ts';
import { loadDataset } from '../../src/data/datasets.ts';
import { fitEncoder } from '../../src/data/encode.ts';
import { splitRows } from '../../src/data/split.ts';
import type { DefenseOptions } from '../../src/defense/options.ts';
import { trainWithRegularizer } from '../../src/defense/train.ts';
import { takeTableRows } from '../../src/defense/training-records.ts';
import { accuracy } from '../../src/models/classifier.ts';
import { gpuTest } from '../engine/webgpu-setup.ts';

const BIN = fileURLToPath(new URL('../../bin/miascope.js', import.meta.url));

const ANN = { hiddenLayers: [16], learningRate: 0.01, epochs: 5, batchSize: 100, seed: 3 };

/** 1,000 Adult training records and 1,000 held-out ones, groups g1 = female. */
const adultSample = (() => {
  let sample: ReturnType<typeof loadAdultSample> | undefined;
  return () => (sample ??= loadAdultSample());
})();

function loadAdultSample() {
  const adult = loadDataset('adult');
  const [train, heldOut] = splitRows(adult.features.rows, [1_000, 1_000], new Rng('defence-webgpu'));
  const encoder = fitEncoder(adult.features, train);
  const sex = adult.features.columns.find((column) => column.name === 'sex');
  if (sex === undefined || sex.kind !== 'categorical') throw new Error('Adult has no categorical sex column');
  const female = sex.categories.indexOf('Female');
  return {
    x: encoder.transform(adult.features, train),
    y: Int32Array.from(train, (i) => adult.y[i]),
    xTest: encoder.transform(adult.features, heldOut),
    yTest: Int32Array.from(heldOut, (i) => adult.y[i]),
    records: { features: takeTableRows(adult.features, train), groups: Uint8Array.from(train, (i) => (sex.codes[i] === female ? 1 : 0)) },
  };
}

async function defendedRun(backend: Backend, defense: Partial<DefenseOptions>) {
  const data = adultSample();
  const { model, record } = await trainWithRegularizer(data.x, data.y, data.records, { ann: ANN, defense, backend });
  return { record, testAccuracy: accuracy(await model.predict(data.xTest), data.yTest) };
}

function assertRelativelyNear(gpu: readonly number[], cpu: readonly number[], label: string, rtol: number): void {
  assert.is(gpu.length, cpu.length, `${label}: length`);
  for (let i = 0; i < cpu.length; i++) {
    assert.ok(Math.abs(gpu[i] - cpu[i]) <= rtol * Math.abs(cpu[i]), `${label}[${i}] is ${gpu[i]} on WebGPU and ${cpu[i]} on the CPU`);
  }
}

gpuTest(test, 'smooth δ_g on webgpu matches cpu', async (gpu) => {
  const defense: Partial<DefenseOptions> = { regularizer: 'group-fairness', variant: 'smooth', lambda: 0.1, draws: 3, drawSize: 200 };
  const cpu = await defendedRun(cpuBackend, defense);
  gpu.resetStats();
  const webgpu = await defendedRun(gpu, defense);
  // Each epoch reads the summed loss, the summed soft r and the l draws that measure r. Before training the
  // l draws are read, after it a weight and a bias per layer, and then the posteriors that predict needs.
  assert.is(gpu.stats.reads, ANN.epochs * (1 + 1 + 3) + 3 + 2 * 2 + 1, `reads ${gpu.stats.reads}`);

  const finalGap = Math.abs(webgpu.record.propertyHistory.at(-1)! - cpu.record.propertyHistory.at(-1)!);
  assert.ok(finalGap <= 0.005, `final δ_g ${webgpu.record.propertyHistory.at(-1)} on WebGPU, ${cpu.record.propertyHistory.at(-1)} on the CPU`);
  const accuracyGap = Math.abs(webgpu.testAccuracy - cpu.testAccuracy);
  assert.ok(accuracyGap <= 0.005, `test accuracy ${webgpu.testAccuracy} on WebGPU, ${cpu.testAccuracy} on the CPU`);
  assertRelativelyNear(webgpu.record.lossHistory, cpu.record.lossHistory, 'loss', 1e-3);
  assertRelativelyNear(webgpu.record.softPropertyHistory!, cpu.record.softPropertyHistory!, 'soft δ_g', 1e-3);
  // Training makes progress, so the comparison is not one of two untrained networks.
  assert.ok(cpu.record.lossHistory.at(-1)! < cpu.record.lossHistory[0], `loss ${cpu.record.lossHistory}`);
});

gpuTest(test, 'paper variant reads per draw', async (gpu) => {
  gpu.resetStats();
  const webgpu = await defendedRun(gpu, { regularizer: 'predictive-fairness', variant: 'paper', lambda: 0.5, draws: 2, drawSize: 150 });
  assert.is(gpu.stats.reads, ANN.epochs * (1 + 2) + 2 + 2 * 2 + 1, `reads ${gpu.stats.reads}`);
  assert.is(webgpu.record.propertyHistory.length, ANN.epochs + 1);
  assert.is(webgpu.record.softPropertyHistory, null);
});

gpuTest(test, 'audit defence trains on webgpu', async () => {
  const audit = (backend: 'cpu' | 'webgpu') =>
    runAudit({
      dataset: 'adult',
      targetSize: 200,
      shadowSize: 200,
      model: { epochs: 2 },
      threads: 1,
      backend,
      properties: { membershipRepeats: 0 },
      defense: { regularizer: 'group-fairness', draws: 2, drawSize: 100 },
    });
  const cpu = await audit('cpu');
  const webgpu = await audit('webgpu');
  assert.is(webgpu.config.backend, 'webgpu');
  const trainings = [
    ['target', cpu.defense!.target, webgpu.defense!.target],
    ['shadow', cpu.defense!.shadows[0]!, webgpu.defense!.shadows[0]!],
  ] as const;
  for (const [name, onCpu, onGpu] of trainings) {
    assertRelativelyNear(onGpu.lossHistory, onCpu.lossHistory, `${name} loss`, 1e-3);
    // float32 sums on the device differ from the CPU's float64 sums in the last digits, so identical histories mean the CPU trained.
    assert.not.equal(onGpu.lossHistory, onCpu.lossHistory, `${name}: the same loss history as on the CPU`);
  }
});

gpuTest(test, 'defend on webgpu end to end', () => {
  const args = ['defend', '--target-size', '300', '--shadow-size', '300', '--epochs', '3', '--threads', '2', '--json', '--regularizer', 'group-fairness', '--lambda', '0.4'];
  const run = spawnSync(process.execPath, [BIN, ...args, '--backend', 'webgpu'], { encoding: 'utf8' });
  assert.is(run.status, 0, run.stderr);
  assert.match(run.stderr, /backend webgpu: adapter /);
  assert.is(run.stderr.match(/backend webgpu/g)?.length, 1, 'the backend line is logged once');
  const result = JSON.parse(run.stdout);
  for (const name of ['baseline', 'defended']) {
    assert.is(result[name].config.backend, 'webgpu', `${name} backend`);
    assert.is(result[name].defense.target.lossHistory.length, 3, `${name} target epochs`);
    // The shadows train with the regulariser too, on the same backend.
    assert.is(result[name].defense.shadows[0].lossHistory.length, 3, `${name} shadow epochs`);
  }
  assert.is(result.defended.defense.target.lambda, 0.4);
  // Same seed and data, so the loss histories differ only by the penalty's effect on the weights.
  assert.not.equal(result.defended.defense.target.lossHistory, result.baseline.defense.target.lossHistory);
});

test.run();
