// Deno type-checks without tsconfig.json's file list, so the declarations of the untyped jstat package come in here.
/// <reference path="../../src/stats/jstat.d.ts" />
/**
 * The library under Deno, imported from its public entry point: an ANN
 * trained on Deno's WebGPU (navigator.gpu) and on the CPU backend with the
 * same seed must both learn a synthetic problem and agree on nearly every
 * prediction. Run with `deno test -A test/deno/`. Without an adapter the
 * WebGPU half is skipped with a message, unless MIASCOPE_REQUIRE_WEBGPU=1.
 */
import { AnnClassifier, accuracy, Matrix, probeAdapter, Rng } from '../../src/index.ts';

declare const Deno: {
  test(name: string, fn: () => Promise<void>): void;
  env: { get(name: string): string | undefined };
};

/** Two classes split by a curved boundary in 4 dimensions. */
function curvedClasses(n: number, seed: number): { x: Matrix; y: Int32Array } {
  const rng = new Rng(seed);
  const x = new Matrix(n, 4);
  const y = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const row = [rng.normal(), rng.normal(), rng.normal(), rng.normal()];
    x.data.set(row, i * 4);
    y[i] = row[0] + 0.5 * row[1] * row[1] - 0.7 * row[2] > 0.3 ? 1 : 0;
  }
  return { x, y };
}

function check(condition: boolean, message: string): void {
  if (!condition) throw new Error(message);
}

Deno.test('ann webgpu and cpu agree', async () => {
  const adapter = await probeAdapter();
  if (adapter === null) {
    check(Deno.env.get('MIASCOPE_REQUIRE_WEBGPU') !== '1', 'no WebGPU adapter in Deno, and MIASCOPE_REQUIRE_WEBGPU=1 requires one');
    console.log('WebGPU half skipped: Deno found no WebGPU adapter');
  }
  const train = curvedClasses(1200, 1);
  const heldOut = curvedClasses(600, 2);
  const options = { hiddenLayers: [16], optimizer: 'adam' as const, learningRate: 0.01, epochs: 15, batchSize: 100, seed: 3 };

  const cpu = new AnnClassifier(options, 'cpu');
  await cpu.fit(train.x, train.y);
  const cpuPredictions = await cpu.predict(heldOut.x);
  const cpuAccuracy = accuracy(cpuPredictions, heldOut.y);
  check(cpuAccuracy > 0.9, `cpu held-out accuracy ${cpuAccuracy.toFixed(4)} is below 0.9`);
  if (adapter === null) return;

  const gpu = new AnnClassifier(options, 'webgpu');
  await gpu.fit(train.x, train.y);
  const gpuPredictions = await gpu.predict(heldOut.x);
  const gpuAccuracy = accuracy(gpuPredictions, heldOut.y);
  check(gpuAccuracy > 0.9, `webgpu held-out accuracy ${gpuAccuracy.toFixed(4)} on ${adapter.name} is below 0.9`);
  const agreement = accuracy(gpuPredictions, cpuPredictions);
  check(agreement >= 0.99, `webgpu and cpu agree on ${(100 * agreement).toFixed(1)}% of predictions, expected ≥ 99%`);
});
