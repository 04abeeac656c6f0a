import { matmul } from '../engine/backend/cpu/matmul.ts';
import { Rng } from '../engine/rng.ts';
import { machineDescription, median, recordSection } from './record.ts';

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

/** GFLOP/s of `run`, repeated until about 0.3 s have passed, median of 3 such rounds. */
function gflops(m: number, k: number, n: number, run: () => void): number {
  const flops = 2 * m * k * n;
  const repeats = Math.max(1, Math.round(3e8 / flops));
  const rates: number[] = [];
  for (let round = 0; round < 3; round++) {
    const started = performance.now();
    for (let r = 0; r < repeats; r++) run();
    rates.push((flops * repeats) / ((performance.now() - started) / 1000) / 1e9);
  }
  return median(rates);
}

/** CPU matmul throughput for square sizes and for the shapes of ANN training on Adult. */
export async function benchKernels(): Promise<void> {
  const rng = new Rng('kernels');
  const rows: string[] = [];
  const cases: Array<[label: string, m: number, k: number, n: number, transA: boolean, transB: boolean]> = [
    ...[64, 128, 256, 512, 1024, 2048].map((size): [string, number, number, number, boolean, boolean] => [`${size}×${size} · ${size}×${size}`, size, size, size, false, false]),
    ['X·W₁: 200×14 · 14×50 (forward)', 200, 14, 50, false, false],
    ['Xᵀ·dZ: (14×200) · 200×50 (weight gradient)', 14, 200, 50, true, false],
    ['H·W₂: 200×50 · 50×2 (output layer)', 200, 50, 2, false, false],
    ['dZ·W₂ᵀ: 200×2 · (2×50) (hidden gradient)', 200, 2, 50, false, true],
  ];
  for (const [label, m, k, n, transA, transB] of cases) {
    const a = randomArray(m * k, rng);
    const b = randomArray(k * n, rng);
    const blocked = gflops(m, k, n, () => matmul(a, b, m, k, n, transA, transB));
    const naive = transA || transB || m * k * n > 512 ** 3 ? NaN : gflops(m, k, n, () => naiveMatmul(a, b, m, k, n));
    rows.push(`| ${label} | ${blocked.toFixed(2)} | ${Number.isNaN(naive) ? 'not run' : naive.toFixed(2)} |`);
    console.log(rows[rows.length - 1]);
  }

  const path = recordSection(
    'kernels',
    `## CPU matmul throughput

Measured by \`npm run bench -- kernels\` on ${machineDescription()}: GFLOP/s (2·m·k·n per product), median of 3 rounds of about 0.3 s each. "Plain i-k-j" is the textbook triple loop over the same Float32Arrays; it is not run for transposed forms or above 512³.

| product | blocked 4×4 kernel (GFLOP/s) | plain i-k-j (GFLOP/s) |
| --- | --- | --- |
${rows.join('\n')}`,
  );
  console.log(`wrote ${path}`);
}
