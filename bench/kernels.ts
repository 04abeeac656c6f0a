import { loadavg } from 'node:os';
import { cpuBackend } from '../engine/backend/cpu/index.ts';
import { matmul } from '../engine/backend/cpu/matmul.ts';
import { createWebGpuBackend, WebGpuBackend, WebGpuUnavailableError } from '../engine/backend/webgpu/index.ts';
import { Rng } from '../engine/rng.ts';
import { loadDataset } from '../src/data/datasets.ts';
import { fitEncoder } from '../src/data/encode.ts';
import { splitRows } from '../src/data/split.ts';
import { AnnClassifier } from '../src/models/ann.ts';
import { accuracy } from '../src/models/classifier.ts';
import { machineDescription, median, recordSection } from './record.ts';

/** Seconds each timing round aims for, on either backend. */
const ROUND_SECONDS = 0.3;
/** Epochs of each ANN fit timed per backend; the figure is seconds per epoch. */
const ANN_EPOCHS = 5;

/** Computes the textbook i-k-j product, the baseline for the blocked kernel. */
function naiveMatmul(a: Float32Array, b: Float32Array, m: number, k: number, n: number): Float32Array {
  const c = new Float32Array(m * n);
  for (let i = 0; i < m; i++) {
    for (let p = 0; p < k; p++) {
      const aip = a[i * k + p];
      for (let j = 0; j < n; j++) c[i * n + j] += aip * b[p * n + j];
    }
  }
  return c;
}

function randomArray(length: number, rng: Rng): Float32Array {
  const values = new Float32Array(length);
  for (let i = 0; i < values.length; i++) values[i] = rng.normal();
  return values;
}

/**
 * Measures the GFLOP/s (2·m·k·n per product) of `run`, repeated for about ROUND_SECONDS per
 * round after one warm-up call, median of 3 rounds. `sync` waits until the
 * work is done (a device read on WebGPU, nothing on the CPU).
 */
async function gflops(m: number, k: number, n: number, run: () => void, sync: () => Promise<void>): Promise<number> {
  const flops = 2 * m * k * n;
  let started = performance.now();
  run();
  await sync();
  const once = Math.max((performance.now() - started) / 1000, 1e-6);
  const repeats = Math.max(1, Math.round(ROUND_SECONDS / once));
  const rates: number[] = [];
  for (let round = 0; round < 3; round++) {
    started = performance.now();
    for (let r = 0; r < repeats; r++) run();
    await sync();
    rates.push((flops * repeats) / ((performance.now() - started) / 1000) / 1e9);
  }
  return median(rates);
}

async function openWebGpu(): Promise<WebGpuBackend | string> {
  try {
    return await createWebGpuBackend();
  } catch (error) {
    if (error instanceof WebGpuUnavailableError) return error.message;
    throw error;
  }
}

type ProductCase = [label: string, m: number, k: number, n: number, transA: boolean, transB: boolean];

const PRODUCTS: ProductCase[] = [
  ...[64, 128, 256, 512, 1024, 2048].map((size): ProductCase => [`${size}×${size} · ${size}×${size}`, size, size, size, false, false]),
  ['X·W₁: 200×14 · 14×50 (forward)', 200, 14, 50, false, false],
  ['Xᵀ·dZ: (14×200) · 200×50 (weight gradient)', 14, 200, 50, true, false],
  ['H·W₂: 200×50 · 50×2 (output layer)', 200, 50, 2, false, false],
  ['dZ·W₂ᵀ: 200×2 · (2×50) (hidden gradient)', 200, 2, 50, false, true],
];

async function productRows(gpu: WebGpuBackend | string, rng: Rng): Promise<string[]> {
  const rows: string[] = [];
  for (const [label, m, k, n, transA, transB] of PRODUCTS) {
    const a = randomArray(m * k, rng);
    const b = randomArray(k * n, rng);
    const noSync = async (): Promise<void> => {};
    const blocked = await gflops(m, k, n, () => matmul(a, b, m, k, n, transA, transB), noSync);
    const naive = transA || transB || m * k * n > 512 ** 3 ? NaN : await gflops(m, k, n, () => naiveMatmul(a, b, m, k, n), noSync);
    let device = 'no adapter';
    if (typeof gpu !== 'string') {
      const [da, db] = [gpu.fromArray(a), gpu.fromArray(b)];
      const probe = gpu.fromArray(new Float32Array(1));
      const rate = await gflops(
        m,
        k,
        n,
        () => {
          gpu.beginScope();
          gpu.matmul(da, db, m, k, n, transA, transB);
          gpu.endScope([]);
        },
        async () => void (await gpu.read(probe)),
      );
      device = rate.toFixed(2);
    }
    rows.push(`| ${label} | ${blocked.toFixed(2)} | ${Number.isNaN(naive) ? 'not run' : naive.toFixed(2)} | ${device} |`);
    console.log(rows[rows.length - 1]);
  }
  return rows;
}

/** Seconds per epoch of the default ANN on 10,000 Adult records, and its test accuracy, per backend. */
async function annRows(gpu: WebGpuBackend | string): Promise<string[]> {
  const adult = loadDataset('adult');
  const [train, test] = splitRows(adult.features.rows, [10_000, 5_000], new Rng('bench-models'));
  const encoder = fitEncoder(adult.features, train);
  const xTrain = encoder.transform(adult.features, train);
  const xTest = encoder.transform(adult.features, test);
  const yTrain = Int32Array.from(train, (i) => adult.y[i]);
  const yTest = Int32Array.from(test, (i) => adult.y[i]);

  const rows: string[] = [];
  for (const backend of [cpuBackend, gpu]) {
    if (typeof backend === 'string') {
      rows.push('| webgpu | no adapter | | |');
      continue;
    }
    // A one-epoch fit first, so that pipeline compilation and V8's warm-up stay out of the figure.
    await new AnnClassifier({ epochs: 1, seed: 0 }, backend).fit(xTrain, yTrain);
    const model = new AnnClassifier({ epochs: ANN_EPOCHS, seed: 0 }, backend);
    const started = performance.now();
    await model.fit(xTrain, yTrain);
    const perEpoch = (performance.now() - started) / 1000 / ANN_EPOCHS;
    const testAccuracy = accuracy(await model.predict(xTest), yTest);
    const reads = backend instanceof WebGpuBackend ? String(backend.stats.reads) : 'host memory';
    rows.push(`| ${backend.name} | ${perEpoch.toFixed(3)} | ${testAccuracy.toFixed(4)} | ${reads} |`);
    console.log(rows[rows.length - 1]);
  }
  return rows;
}

/** Matmul throughput on the CPU and on WebGPU, and ANN epoch time on both, into docs/benchmarks.md. */
export async function benchKernels(): Promise<void> {
  // Other processes on the machine lower every figure; the load average at the start shows how busy it was.
  const load = loadavg()[0];
  const gpu = await openWebGpu();
  const adapter = typeof gpu === 'string' ? `none (${gpu})` : `${gpu.adapter.name}${gpu.adapter.software ? ', a software (CPU) Vulkan driver' : ''}`;
  const products = await productRows(gpu, new Rng('kernels'));
  if (typeof gpu !== 'string') gpu.resetStats();
  const ann = await annRows(gpu);

  const path = recordSection(
    'kernels',
    `## Matmul throughput and ANN epoch time, CPU and WebGPU

Measured by \`npm run bench -- kernels\` on ${machineDescription()}, with a 1-minute load average of ${load.toFixed(1)} at the start; WebGPU adapter: ${adapter}.

Matmul: GFLOP/s (2·m·k·n per product), median of 3 rounds of about ${ROUND_SECONDS} s each after one warm-up product. "Plain i-k-j" is the textbook triple loop over the same Float32Arrays; it is not run for transposed forms or above 512³. A WebGPU round submits one command buffer per product and ends with a one-value read, so its figure includes submission and synchronisation.

| product | CPU blocked 4×4 kernel (GFLOP/s) | CPU plain i-k-j (GFLOP/s) | WebGPU tiled 64×64 kernel (GFLOP/s) |
| --- | --- | --- | --- |
${products.join('\n')}

ANN: the default network (one hidden layer of 50 ReLU units, SGD with Nesterov momentum, batch 200) on 10,000 Adult records, seconds per epoch over a ${ANN_EPOCHS}-epoch fit after a 1-epoch warm-up fit, and test accuracy on 5,000 held-out records. "Reads" counts device-to-host copies during both fits and the prediction: one loss per epoch, the final weights, the posteriors.

| backend | seconds per epoch | test accuracy | reads |
| --- | --- | --- | --- |
${ann.join('\n')}

With lavapipe, Mesa's Vulkan driver that runs shaders on the CPU, WebGPU is slower than the CPU backend: the same two cores run the kernels, with the cost of the dispatch and synchronisation machinery on top. These figures check that training stays on the device (one read an epoch) and give a baseline; speed-ups need a hardware GPU, where \`--backend auto\` picks WebGPU for large networks only.`,
  );
  console.log(`wrote ${path}`);
}
