import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { cpuBackend } from '../../engine/backend/cpu/index.ts';
import { Rng } from '../../engine/rng.ts';

/** relu(x·W + b) in float64, the reference for the fused CPU kernel. */
function denseReluReference(x: Float32Array, w: Float32Array, b: Float32Array, m: number, k: number, n: number): Float64Array {
  const out = new Float64Array(m * n);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let sum = b[j];
      for (let p = 0; p < k; p++) sum += x[i * k + p] * w[p * n + j];
      out[i * n + j] = Math.max(sum, 0);
    }
  }
  return out;
}

// Shapes past both panel sizes of the CPU matmul (128 inner, 256 columns), so ReLU must
// wait for the last inner panel, and with remainders of every tile width.
for (const [m, k, n] of [
  [7, 300, 261],
  [9, 129, 258],
  [5, 14, 50],
] as const) {
  test(`fused dense relu ${m}×${k}·${k}×${n}`, () => {
    const rng = new Rng(`dense-${m}-${k}-${n}`);
    const fill = (length: number) => Float32Array.from({ length }, () => rng.normal());
    const x = fill(m * k);
    const w = fill(k * n);
    const b = fill(n);
    const actual = cpuBackend.readSync(cpuBackend.dense(x, w, b, m, k, n, 'relu'));
    const expected = denseReluReference(x, w, b, m, k, n);
    let negatives = 0;
    for (let i = 0; i < expected.length; i++) {
      // float32 accumulation over k terms: allow k·2⁻²³ relative to the sum of magnitudes (about 1e-4 here).
      assert.ok(Math.abs(actual[i] - expected[i]) <= 1e-4 * Math.sqrt(k) * 4, `element ${i}: ${actual[i]} vs ${expected[i]}`);
      if (actual[i] < 0) negatives++;
    }
    assert.is(negatives, 0, 'no negative outputs');
  });
}

test.run();
