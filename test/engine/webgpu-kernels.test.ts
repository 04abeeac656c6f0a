/**
 * Every WGSL kernel of the WebGPU backend against the CPU backend on awkward
 * shapes: 1×1, sizes that are not multiples of the 64×64 matmul tile or of the
 * 256-thread workgroup, and reductions that need two passes.
 *
 * Tolerance: 1e-4 relative. Products and distances are compared relative to
 * the same sum over absolute values, since their summation order differs from
 * the CPU's. Ops built on exp and log get an absolute floor of 1e-6 as well:
 * WGSL allows log an absolute error of 2⁻²¹ on [0.5, 2], where log is near 0.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { Activation, BinaryOp, UnaryOp } from '../../engine/backend/backend.ts';
import { cpuBackend } from '../../engine/backend/cpu/index.ts';
import { tidy } from '../../engine/memory.ts';
import * as ops from '../../engine/ops.ts';
import { tensor, type Tensor } from '../../engine/tensor.ts';
import { sizeOf } from '../../engine/shape.ts';
import { TestRng } from './reference.ts';
import { assertNear, gpuTest } from './webgpu-setup.ts';

const EXP_LOG_FLOOR = 1e-6;

function values(rng: TestRng, length: number, low = -1, high = 1): Float32Array {
  return Float32Array.from(rng.uniform([length], low, high).data);
}

const abs = (x: Float32Array): Float32Array => x.map(Math.abs);

// The CPU distance ops against hand-computed values; these run without an adapter.
test('cpu squared distances hand case', () => {
  // Rows a = (0, 0), (1, 2); rows b = (3, 4), (1, 0), (1, 2).
  const d = cpuBackend.squaredDistances(Float32Array.of(0, 0, 1, 2), Float32Array.of(3, 4, 1, 0, 1, 2), 2, 3, 2) as Float32Array;
  assert.equal(Array.from(d), [25, 1, 5, 8, 4, 0]);
});

test('cpu rbf kernel hand case', () => {
  const k = cpuBackend.rbfKernel(Float32Array.of(0, 0), Float32Array.of(3, 4, 0, 0), 1, 2, 2, 0.5) as Float32Array;
  assert.equal(Array.from(k), [Math.fround(Math.exp(-12.5)), 1]);
});

const rng = TestRng.fromName('webgpu-kernels');

const PRODUCT_SHAPES: Array<[number, number, number]> = [
  [1, 1, 1],
  [7, 13, 5],
  [33, 65, 17],
  [1025, 3, 2],
  [200, 14, 50],
  [14, 200, 50],
  [65, 1, 129],
];

gpuTest(test, 'matmul in all transpose forms', async (gpu) => {
  for (const [m, k, n] of PRODUCT_SHAPES) {
    for (const transA of [false, true]) {
      for (const transB of [false, true]) {
        const a = values(rng, m * k);
        const b = values(rng, k * n);
        const expected = cpuBackend.matmul(a, b, m, k, n, transA, transB) as Float32Array;
        const scale = cpuBackend.matmul(abs(a), abs(b), m, k, n, transA, transB) as Float32Array;
        const actual = await gpu.read(gpu.matmul(gpu.fromArray(a), gpu.fromArray(b), m, k, n, transA, transB));
        assertNear(actual, expected, `${m}×${k}×${n} transA=${transA} transB=${transB}`, { scale });
      }
    }
  }
});

gpuTest(test, 'dense fuses bias and activation', async (gpu) => {
  for (const [m, k, n] of PRODUCT_SHAPES) {
    for (const activation of ['none', 'relu', 'sigmoid', 'tanh'] as Activation[]) {
      const x = values(rng, m * k, -2, 2);
      const w = values(rng, k * n);
      const b = values(rng, n);
      const expected = cpuBackend.dense(x, w, b, m, k, n, activation) as Float32Array;
      // Scale of the pre-activation sum; every activation here has slope ≤ 1.
      const scale = cpuBackend.dense(abs(x), abs(w), abs(b), m, k, n, 'none') as Float32Array;
      const actual = await gpu.read(gpu.dense(gpu.fromArray(x), gpu.fromArray(w), gpu.fromArray(b), m, k, n, activation));
      assertNear(actual, expected, `dense ${activation} ${m}×${k}×${n}`, { scale });
    }
  }
});

const ELEMENTWISE_SIZES = [1, 7 * 13, 257, 1025 * 3];

gpuTest(test, 'unary ops and scale', async (gpu) => {
  const ranges: Record<UnaryOp, [number, number]> = {
    neg: [-5, 5],
    exp: [-20, 20],
    log: [1e-3, 50],
    abs: [-5, 5],
    square: [-5, 5],
    sign: [-1, 1],
    relu: [-5, 5],
    sigmoid: [-30, 30],
    tanh: [-20, 20],
  };
  for (const size of ELEMENTWISE_SIZES) {
    for (const [op, [low, high]] of Object.entries(ranges) as Array<[UnaryOp, [number, number]]>) {
      const x = values(rng, size, low, high);
      if (size > 4) x.set([0, 1e-5, -1e-5, 1]);
      const actual = await gpu.read(gpu.unary(op, gpu.fromArray(x)));
      assertNear(actual, cpuBackend.unary(op, x) as Float32Array, `${op} of ${size}`, { atol: EXP_LOG_FLOOR });
    }
    const x = values(rng, size);
    assertNear(await gpu.read(gpu.scale(gpu.fromArray(x), -0.37)), cpuBackend.scale(x, -0.37) as Float32Array, `scale of ${size}`);
  }
});

gpuTest(test, 'activation gradients', async (gpu) => {
  for (const size of ELEMENTWISE_SIZES) {
    for (const activation of ['none', 'relu', 'sigmoid', 'tanh'] as Activation[]) {
      const y = cpuBackend.unary(activation === 'none' ? 'neg' : activation, values(rng, size, -4, 4)) as Float32Array;
      const dy = values(rng, size);
      const expected = cpuBackend.activationGrad(activation, y, dy) as Float32Array;
      assertNear(await gpu.read(gpu.activationGrad(activation, gpu.fromArray(y), gpu.fromArray(dy))), expected, `${activation}' of ${size}`);
    }
  }
});

const BROADCASTS: Array<[number[], number[]]> = [
  [[1], [1]],
  [[7, 13], [7, 13]],
  [[7, 13], [13]],
  [[7, 13], [7, 1]],
  [[1], [33, 65]],
  [[1025, 3], [1, 3]],
  [[2, 1, 3], [4, 1]],
  [[257, 1], [1, 5]],
];

gpuTest(test, 'binary ops with broadcasting', async (gpu) => {
  for (const [aShape, bShape] of BROADCASTS) {
    const outShape = ops.add(tensor(new Float32Array(sizeOf(aShape)), aShape), tensor(new Float32Array(sizeOf(bShape)), bShape)).shape;
    for (const op of ['add', 'sub', 'mul', 'div'] as BinaryOp[]) {
      const a = values(rng, sizeOf(aShape));
      // Divisors kept away from 0, so that the quotient's rounding stays relative.
      const b = op === 'div' ? values(rng, sizeOf(bShape), 0.5, 2) : values(rng, sizeOf(bShape));
      const expected = cpuBackend.binary(op, a, aShape, b, bShape, outShape) as Float32Array;
      const actual = await gpu.read(gpu.binary(op, gpu.fromArray(a), aShape, gpu.fromArray(b), bShape, outShape));
      assertNear(actual, expected, `${op} [${aShape}] and [${bShape}]`);
    }
  }
});

const REDUCTIONS: Array<[number[], number[]]> = [
  [[1, 1], [1]],
  [[7, 13], [13]],
  [[7, 13], [7, 1]],
  [[7, 13], [1, 1]],
  [[1025, 3], [3]],
  [[1025, 3], []],
  [[33, 65], [33, 1]],
  [[2, 4, 3], [2, 1, 3]],
  [[2, 4, 3], [4, 1]],
  [[300_000], []],
];

gpuTest(test, 'expand reads through broadcast strides', async (gpu) => {
  for (const [shape, target] of REDUCTIONS) {
    const x = values(rng, sizeOf(target));
    const expected = cpuBackend.expand(x, target, shape) as Float32Array;
    assertNear(await gpu.read(gpu.expand(gpu.fromArray(x), target, shape)), expected, `expand [${target}] to [${shape}]`);
  }
});

gpuTest(test, 'sumTo including two-pass reductions', async (gpu) => {
  for (const [shape, target] of REDUCTIONS) {
    const x = values(rng, sizeOf(shape));
    const expected = cpuBackend.sumTo(x, shape, target) as Float32Array;
    const scale = cpuBackend.sumTo(abs(x), shape, target) as Float32Array;
    assertNear(await gpu.read(gpu.sumTo(gpu.fromArray(x), shape, target)), expected, `sumTo [${shape}] to [${target}]`, { scale });
  }
});

gpuTest(test, 'sum and mean ops', async (gpu) => {
  for (const [shape, axis] of [[[1025, 3], undefined], [[1025, 3], 0], [[7, 13], 1], [[33, 65], -1]] as Array<[number[], number | undefined]>) {
    const x = values(rng, sizeOf(shape));
    for (const reduce of [ops.sum, ops.mean]) {
      const expected = reduce(tensor(x, shape), axis).dataSync();
      const scale = reduce(tensor(abs(x), shape), axis).dataSync();
      const actual = await reduce(tensor(x, shape, { backend: gpu }), axis).data();
      assertNear(actual, expected, `${reduce.name} of [${shape}] over axis ${axis}`, { scale });
    }
  }
});

const ROW_SHAPES: Array<[number, number]> = [
  [1, 1],
  [7, 13],
  [1025, 3],
  [33, 65],
  [257, 2],
];

gpuTest(test, 'softmax and log-softmax rows', async (gpu) => {
  for (const [rows, cols] of ROW_SHAPES) {
    for (const log of [false, true]) {
      const x = values(rng, rows * cols, -10, 10);
      const expected = cpuBackend.softmax(x, rows, cols, log) as Float32Array;
      assertNear(await gpu.read(gpu.softmax(gpu.fromArray(x), rows, cols, log)), expected, `${log ? 'log-' : ''}softmax ${rows}×${cols}`, { atol: EXP_LOG_FLOOR });
    }
  }
});

gpuTest(test, 'softmax cross-entropy forward and backward', async (gpu) => {
  for (const [rows, cols] of ROW_SHAPES) {
    const logits = values(rng, rows * cols, -5, 5);
    const labels = Int32Array.from({ length: rows }, () => Math.floor(rng.next() * cols));
    const cpu = cpuBackend.softmaxCrossEntropy(logits, labels, rows, cols);
    const onGpu = gpu.softmaxCrossEntropy(gpu.fromArray(logits), labels, rows, cols);
    assertNear(await gpu.read(onGpu.loss), cpu.loss as Float32Array, `loss ${rows}×${cols}`, { atol: EXP_LOG_FLOOR });
    assertNear(await gpu.read(onGpu.probs), cpu.probs as Float32Array, `posteriors ${rows}×${cols}`, { atol: EXP_LOG_FLOOR });
    const dLoss = Float32Array.of(0.75);
    const expected = cpuBackend.softmaxCrossEntropyGrad(cpu.probs, labels, rows, cols, dLoss) as Float32Array;
    const actual = await gpu.read(gpu.softmaxCrossEntropyGrad(onGpu.probs, labels, rows, cols, gpu.fromArray(dLoss)));
    assertNear(actual, expected, `gradient ${rows}×${cols}`, { atol: EXP_LOG_FLOOR });
  }
});

gpuTest(test, 'sgd and adam updates in place', async (gpu) => {
  for (const size of [1, 7 * 13, 1025 * 3]) {
    for (const variant of ['sgd', 'nesterov', 'adam'] as const) {
      const p = values(rng, size);
      const first = new Float32Array(size);
      const second = new Float32Array(size);
      const devices = [gpu.fromArray(p), gpu.fromArray(first), gpu.fromArray(second)];
      for (let step = 1; step <= 3; step++) {
        const g = values(rng, size);
        if (variant === 'adam') {
          const update = { learningRate: 0.01, beta1: 0.9, beta2: 0.999, epsilon: 1e-8, step, weightDecay: 0.01 };
          cpuBackend.adamUpdate(p, g, first, second, update);
          gpu.adamUpdate(devices[0], gpu.fromArray(g), devices[1], devices[2], update);
        } else {
          const update = { learningRate: 0.05, momentum: 0.9, nesterov: variant === 'nesterov', weightDecay: 0.01 };
          cpuBackend.sgdUpdate(p, g, first, update);
          gpu.sgdUpdate(devices[0], gpu.fromArray(g), devices[1], update);
        }
      }
      // The parameters moved by O(learning rate); compare against their scale, not the size of the step.
      assertNear(await gpu.read(devices[0]), p, `${variant} parameters of ${size}`, { atol: 1e-6 });
      assertNear(await gpu.read(devices[1]), first, `${variant} first state of ${size}`, { atol: 1e-6 });
    }
  }
});

gpuTest(test, 'gatherRows and accumulate', async (gpu) => {
  const x = values(rng, 1025 * 3);
  const indices = Int32Array.from({ length: 300 }, () => Math.floor(rng.next() * 1025));
  assertNear(await gpu.read(gpu.gatherRows(gpu.fromArray(x), 3, indices)), cpuBackend.gatherRows(x, 3, indices) as Float32Array, 'gatherRows');
  const total = values(rng, 7 * 13);
  const term = values(rng, 7 * 13);
  const device = gpu.fromArray(total);
  for (const factor of [1, 200, -0.5]) {
    cpuBackend.accumulate(total, term, factor);
    gpu.accumulate(device, gpu.fromArray(term), factor);
  }
  assertNear(await gpu.read(device), total, 'accumulate', { atol: 1e-5 });
});

gpuTest(test, 'squared distances and rbf kernel rows', async (gpu) => {
  for (const [m, n, d] of [[1, 1, 1], [7, 13, 5], [33, 65, 17], [1025, 3, 14], [3, 1025, 2]] as Array<[number, number, number]>) {
    const a = values(rng, m * d);
    const b = values(rng, n * d);
    // Σ(a − b)² has no cancellation, so plain relative error applies.
    const expected = cpuBackend.squaredDistances(a, b, m, n, d) as Float32Array;
    assertNear(await gpu.read(gpu.squaredDistances(gpu.fromArray(a), gpu.fromArray(b), m, n, d)), expected, `distances ${m}×${n}×${d}`);
    const kernel = cpuBackend.rbfKernel(a, b, m, n, d, 0.7) as Float32Array;
    assertNear(await gpu.read(gpu.rbfKernel(gpu.fromArray(a), gpu.fromArray(b), m, n, d, 0.7)), kernel, `rbf ${m}×${n}×${d}`, { atol: EXP_LOG_FLOOR });
  }
});

gpuTest(test, 'gradients through ops match the cpu', async (gpu) => {
  // A two-layer network with a broadcast bias add, mean and log-softmax: every gradient rule on the device.
  const shapes = { x: [37, 6], w1: [6, 9], b1: [9], w2: [9, 3] };
  const inputs = Object.fromEntries(Object.entries(shapes).map(([name, shape]) => [name, values(rng, sizeOf(shape))]));
  const gradients = async (backend: typeof gpu | typeof cpuBackend): Promise<Float32Array[]> => {
    const leaves = Object.entries(shapes).map(([name, shape]) => tensor(inputs[name], shape, { backend, requiresGrad: name !== 'x' }));
    const [x, w1, b1, w2] = leaves;
    const loss = tidy(backend, () => {
      const h = ops.tanh(ops.add(ops.matmul(x, w1), b1));
      const logits = ops.matmul(h, w2);
      const value = ops.neg(ops.mean(ops.logSoftmax(ops.mul(logits, logits))));
      value.backward();
      return [value, ...leaves.slice(1).map((leaf) => leaf.grad as Tensor)];
    });
    return Promise.all(loss.map((t) => t.data()));
  };
  const cpu = await gradients(cpuBackend);
  const onGpu = await gradients(gpu);
  ['loss', 'dW1', 'db1', 'dW2'].forEach((label, i) => assertNear(onGpu[i], cpu[i], label, { rtol: 1e-3, atol: 1e-6 }));
});

gpuTest(test, 'storage after its scope raises', async (gpu) => {
  const escaped = tidy(gpu, () => {
    tensor([1, 2], [2], { backend: gpu });
    return null;
  });
  assert.is(escaped, null);
  let leaked: Tensor | undefined;
  tidy(gpu, () => {
    leaked = tensor([1, 2], [2], { backend: gpu });
  });
  assert.throws(() => ops.neg(leaked!), /after its memory scope ended/);
});

gpuTest(test, 'readSync raises with the async alternative', async (gpu) => {
  assert.throws(() => tensor([1], [1], { backend: gpu }).dataSync(), /await tensor.data\(\)/);
});

test.run();
