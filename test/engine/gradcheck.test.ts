/**
 * Gradient checks for every differentiable op. For each case the engine's
 * forward output is compared with a float64 reference (reference.ts), and the
 * engine's backward() gradients of L = Σ op(inputs) ⊙ R, with R a fixed random
 * weight array so that upstream gradients are not all ones, are compared with
 * float64 central differences of the same L.
 *
 * Tolerances. float32 has unit roundoff u = 2⁻²⁴ ≈ 6e-8. Elementwise kernels
 * evaluate in float64 and round once, and the reductions and products here sum
 * at most 12 terms of magnitude ≤ 10, so the forward error is at most about
 * 12 · u · 10 ≈ 7e-6 absolute. FORWARD (atol 1e-5, rtol 1e-4) covers that with
 * margin. Gradients pass through two or three more float32 ops (the rule, then
 * the broadcast reduction), and the numerical gradient itself is accurate to
 * about 1e-10. GRADIENT (atol 1e-4, rtol 1e-3) therefore leaves a wide margin,
 * while a wrong rule shows up as an error of order one.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  abs,
  add,
  backward,
  dense,
  div,
  exp,
  l1Penalty,
  l2Penalty,
  log,
  logSoftmax,
  matmul,
  mean,
  mul,
  neg,
  relu,
  reshape,
  scale,
  sigmoid,
  softmax,
  softmaxCrossEntropy,
  square,
  sub,
  sum,
  tanh,
  tensor,
  type Tensor,
} from '../../engine/index.ts';
import {
  activationRefs,
  assertClose,
  binaryRef,
  crossEntropyRef,
  denseRef,
  matmulRef,
  numericalGradient,
  reduceRef,
  softmaxRef,
  TestRng,
  unaryRef,
  type ActivationName,
  type Ref,
  type Tolerance,
} from './reference.ts';

const FORWARD: Tolerance = { atol: 1e-5, rtol: 1e-4 };
const GRADIENT: Tolerance = { atol: 1e-4, rtol: 1e-3 };

interface GradCase {
  inputs: Ref[];
  engine: (inputs: Tensor[]) => Tensor;
  reference: (inputs: Ref[]) => Ref;
}

function toTensor(x: Ref, requiresGrad = false): Tensor {
  return tensor(x.data, x.shape, { requiresGrad });
}

/** Registers one test that checks the forward values and every input's gradient. */
function gradcheck(name: string, { inputs, engine, reference }: GradCase): void {
  test(name, () => {
    const expected = reference(inputs);
    const tensors = inputs.map((x) => toTensor(x, true));
    const y = engine(tensors);

    assert.equal([...y.shape], expected.shape, `${name}: forward shape`);
    assertClose(y.dataSync(), expected.data, FORWARD, `${name}: forward`);

    const weights = TestRng.fromName(name).uniform(expected.shape);
    backward(sum(mul(y, toTensor(weights))));
    const weightedLoss = (xs: Ref[]): number => reference(xs).data.reduce((acc, value, i) => acc + value * weights.data[i], 0);

    tensors.forEach((t, index) => {
      const grad = t.grad;
      assert.ok(grad !== null, `${name}: input ${index} has no gradient`);
      assert.equal([...grad!.shape], inputs[index].shape, `${name}: gradient shape of input ${index}`);
      const numerical = numericalGradient(weightedLoss, inputs, index);
      assertClose(grad!.dataSync(), numerical, GRADIENT, `${name}: gradient of input ${index}`);
    });
  });
}

const formatShape = (shape: number[]): string => (shape.length === 0 ? '[]' : `[${shape.join('×')}]`);

// Binary ops with broadcasting. Denominators of div stay in ±[0.5, 2) so the
// quotient and its derivative −a/b² stay bounded.
const binaryOps = {
  add: { engine: add, reference: (a: number, b: number) => a + b },
  sub: { engine: sub, reference: (a: number, b: number) => a - b },
  mul: { engine: mul, reference: (a: number, b: number) => a * b },
  div: { engine: div, reference: (a: number, b: number) => a / b },
};

const broadcastCases: Array<[number[], number[]]> = [
  [[2, 3], [2, 3]],
  [[3, 4], [4]],
  [[4], [3, 4]],
  [[3, 1], [1, 4]],
  [[2, 1, 4], [3, 1]],
  [[2, 3, 4], [1, 3, 1]],
  [[], []],
  [[2, 3], []],
  [[], [2, 3]],
  [[1], [3]],
  [[3], [1]],
  [[1, 1], [2, 3]],
  [[1, 4], [1, 4]],
  [[4, 1], [4, 3]],
  [[1], []],
];

for (const [opName, op] of Object.entries(binaryOps)) {
  for (const [shapeA, shapeB] of broadcastCases) {
    const name = `${opName} ${formatShape(shapeA)} and ${formatShape(shapeB)}`;
    const rng = TestRng.fromName(`inputs ${name}`);
    const a = rng.uniform(shapeA, -2, 2);
    const b = opName === 'div' ? rng.awayFromZero(shapeB, 0.5, 2) : rng.uniform(shapeB, -2, 2);
    gradcheck(name, {
      inputs: [a, b],
      engine: ([ta, tb]) => op.engine(ta, tb),
      reference: ([ra, rb]) => binaryRef(op.reference, ra, rb),
    });
  }
}

// Unary ops. log takes positive inputs only. abs and relu are not
// differentiable at 0, where a central difference straddling the kink returns
// the average of the two one-sided slopes, so their inputs keep |x| ≥ 0.1.
const unaryOps: Record<string, { engine: (x: Tensor) => Tensor; reference: (x: number) => number; input: (rng: TestRng, shape: number[]) => Ref }> = {
  neg: { engine: neg, reference: (x) => -x, input: (rng, shape) => rng.uniform(shape, -3, 3) },
  exp: { engine: exp, reference: Math.exp, input: (rng, shape) => rng.uniform(shape, -2, 2) },
  log: { engine: log, reference: Math.log, input: (rng, shape) => rng.uniform(shape, 0.2, 4) },
  abs: { engine: abs, reference: Math.abs, input: (rng, shape) => rng.awayFromZero(shape, 0.1, 3) },
  square: { engine: square, reference: (x) => x * x, input: (rng, shape) => rng.uniform(shape, -3, 3) },
  relu: { engine: relu, reference: activationRefs.relu, input: (rng, shape) => rng.awayFromZero(shape, 0.1, 3) },
  sigmoid: { engine: sigmoid, reference: activationRefs.sigmoid, input: (rng, shape) => rng.uniform(shape, -4, 4) },
  tanh: { engine: tanh, reference: Math.tanh, input: (rng, shape) => rng.uniform(shape, -3, 3) },
};

for (const [opName, op] of Object.entries(unaryOps)) {
  for (const shape of [[2, 3], [], [1], [1, 1], [5, 1], [2, 2, 3]]) {
    const name = `${opName} ${formatShape(shape)}`;
    gradcheck(name, {
      inputs: [op.input(TestRng.fromName(`inputs ${name}`), shape)],
      engine: ([x]) => op.engine(x),
      reference: ([x]) => unaryRef(op.reference, x),
    });
  }
}

for (const factor of [-1.5, 0.25, 0]) {
  const name = `scale by ${factor}`;
  gradcheck(name, {
    inputs: [TestRng.fromName(name).uniform([3, 2], -2, 2)],
    engine: ([x]) => scale(x, factor),
    reference: ([x]) => unaryRef((value) => value * factor, x),
  });
}

const reshapeCases: Array<[number[], number[]]> = [
  [[2, 3], [3, 2]],
  [[6], [1, 6, 1]],
  [[], [1, 1]],
  [[1, 1], []],
  [[2, 3, 4], [4, 6]],
];
for (const [from, to] of reshapeCases) {
  const name = `reshape ${formatShape(from)} to ${formatShape(to)}`;
  gradcheck(name, {
    inputs: [TestRng.fromName(name).uniform(from, -2, 2)],
    engine: ([x]) => reshape(x, to),
    reference: ([x]) => ({ shape: to, data: [...x.data] }),
  });
}

// Reductions: every axis form, with and without keepDims.
const reductionCases: Array<{ shape: number[]; axis: number | undefined }> = [
  { shape: [3, 4], axis: 0 },
  { shape: [3, 4], axis: 1 },
  { shape: [3, 4], axis: -1 },
  { shape: [3, 4], axis: undefined },
  { shape: [2, 3, 4], axis: 1 },
  { shape: [2, 3, 4], axis: -1 },
  { shape: [2, 3, 4], axis: undefined },
  { shape: [5], axis: 0 },
  { shape: [5], axis: undefined },
  { shape: [1, 1], axis: 0 },
  { shape: [1, 4], axis: 0 },
  { shape: [4, 1], axis: -1 },
  { shape: [], axis: undefined },
];
for (const kind of ['sum', 'mean'] as const) {
  const engineOp = kind === 'sum' ? sum : mean;
  for (const { shape, axis } of reductionCases) {
    for (const keepDims of [false, true]) {
      const axisLabel = axis === undefined ? 'all axes' : `axis ${axis}`;
      const name = `${kind} ${formatShape(shape)} ${axisLabel}${keepDims ? ' keepDims' : ''}`;
      gradcheck(name, {
        inputs: [TestRng.fromName(name).uniform(shape, -2, 2)],
        engine: ([x]) => engineOp(x, axis, keepDims),
        reference: ([x]) => reduceRef(x, axis, keepDims, kind),
      });
    }
  }
}

// Matmul: every transpose combination on non-square operands, plus size-1 shapes.
const matmulCases: Array<{ a: number[]; b: number[]; transA: boolean; transB: boolean }> = [
  { a: [2, 3], b: [3, 4], transA: false, transB: false },
  { a: [3, 2], b: [3, 4], transA: true, transB: false },
  { a: [2, 3], b: [4, 3], transA: false, transB: true },
  { a: [3, 2], b: [4, 3], transA: true, transB: true },
  { a: [1, 1], b: [1, 1], transA: false, transB: false },
  { a: [1, 5], b: [5, 1], transA: false, transB: false },
  { a: [5, 1], b: [1, 4], transA: false, transB: false },
  { a: [1, 5], b: [1, 3], transA: true, transB: false },
  { a: [1, 5], b: [3, 1], transA: true, transB: true },
  { a: [4, 1], b: [2, 1], transA: false, transB: true },
];
for (const { a, b, transA, transB } of matmulCases) {
  const name = `matmul ${formatShape(a)}${transA ? 'ᵀ' : ''} · ${formatShape(b)}${transB ? 'ᵀ' : ''}`;
  const rng = TestRng.fromName(name);
  gradcheck(name, {
    inputs: [rng.uniform(a, -2, 2), rng.uniform(b, -2, 2)],
    engine: ([ta, tb]) => matmul(ta, tb, { transA, transB }),
    reference: ([ra, rb]) => matmulRef(ra, rb, transA, transB),
  });
}

// Softmax and log-softmax over the last axis. exp(100) ≈ 2.7e43 overflows
// float32 (max ≈ 3.4e38), so with logits near 100 a kernel that keeps exp in
// float32 gives NaN unless it first subtracts the row maximum.
const softmaxCases: Array<{ label: string; x: (rng: TestRng) => Ref }> = [
  { label: '[5]', x: (rng) => rng.uniform([5], -3, 3) },
  { label: '[3×4]', x: (rng) => rng.uniform([3, 4], -3, 3) },
  { label: '[1×4]', x: (rng) => rng.uniform([1, 4], -3, 3) },
  { label: '[4×1]', x: (rng) => rng.uniform([4, 1], -3, 3) },
  { label: '[1]', x: (rng) => rng.uniform([1], -3, 3) },
  { label: 'logits near 100', x: (rng) => rng.uniform([2, 3], 99, 101) },
];
for (const log of [false, true]) {
  for (const { label, x } of softmaxCases) {
    const name = `${log ? 'logSoftmax' : 'softmax'} ${label}`;
    gradcheck(name, {
      inputs: [x(TestRng.fromName(name))],
      engine: ([t]) => (log ? logSoftmax(t) : softmax(t)),
      reference: ([r]) => softmaxRef(r, log),
    });
  }
}

// Fused softmax cross-entropy against the float64 mean of −log softmax.
const crossEntropyCases: Array<{ shape: number[]; labels: number[]; low: number; high: number }> = [
  { shape: [4, 3], labels: [0, 2, 1, 2], low: -3, high: 3 },
  { shape: [1, 5], labels: [3], low: -3, high: 3 },
  { shape: [3, 1], labels: [0, 0, 0], low: -3, high: 3 },
  { shape: [6, 2], labels: [1, 0, 0, 1, 1, 1], low: -3, high: 3 },
  { shape: [2, 4], labels: [1, 3], low: 99, high: 101 },
];
for (const { shape, labels, low, high } of crossEntropyCases) {
  const name = `softmaxCrossEntropy ${formatShape(shape)}${low > 0 ? ' near 100' : ''}`;
  gradcheck(name, {
    inputs: [TestRng.fromName(name).uniform(shape, low, high)],
    engine: ([logits]) => softmaxCrossEntropy(logits, Int32Array.from(labels)),
    reference: ([logits]) => crossEntropyRef(logits, labels),
  });
}

/**
 * Inputs of a dense layer. For relu the pre-activations must stay at least
 * 0.05 from the kink at 0, so candidates are drawn until they do.
 */
function denseInputs(rng: TestRng, batch: number, inFeatures: number, outFeatures: number, activation: ActivationName): Ref[] {
  for (let attempt = 0; attempt < 1000; attempt++) {
    const inputs = [rng.uniform([batch, inFeatures], -2, 2), rng.uniform([inFeatures, outFeatures], -1, 1), rng.uniform([outFeatures], -1, 1)];
    const z = denseRef(inputs[0], inputs[1], inputs[2], 'none');
    if (activation !== 'relu' || z.data.every((value) => Math.abs(value) >= 0.05)) return inputs;
  }
  throw new Error('denseInputs: no draw kept every pre-activation away from 0');
}

const denseShapes: Array<[number, number, number]> = [
  [4, 3, 5],
  [1, 3, 2],
  [3, 2, 1],
];
for (const activation of ['none', 'relu', 'sigmoid', 'tanh'] as const) {
  for (const [batch, inFeatures, outFeatures] of denseShapes) {
    const name = `dense ${activation} [${batch}×${inFeatures}]·[${inFeatures}×${outFeatures}]`;
    gradcheck(name, {
      inputs: denseInputs(TestRng.fromName(name), batch, inFeatures, outFeatures, activation),
      engine: ([x, w, b]) => dense(x, w, b, activation),
      reference: ([x, w, b]) => denseRef(x, w, b, activation),
    });
  }
}

// Penalties λ · Σ|w| and λ · Σ w² over two tensors. The l1 inputs keep |w| ≥ 0.1, away from the kink at 0.
{
  const rng = TestRng.fromName('penalties');
  const l1Inputs = [rng.awayFromZero([2, 3], 0.1, 2), rng.awayFromZero([4], 0.1, 2)];
  const l2Inputs = [rng.uniform([2, 3], -2, 2), rng.uniform([4], -2, 2)];
  const total = (xs: Ref[], f: (value: number) => number): number => xs.reduce((acc, x) => acc + x.data.reduce((inner, value) => inner + f(value), 0), 0);
  gradcheck('l1Penalty two tensors', {
    inputs: l1Inputs,
    engine: (xs) => l1Penalty(xs, 0.3),
    reference: (xs) => ({ shape: [], data: [0.3 * total(xs, Math.abs)] }),
  });
  gradcheck('l2Penalty two tensors', {
    inputs: l2Inputs,
    engine: (xs) => l2Penalty(xs, 0.3),
    reference: (xs) => ({ shape: [], data: [0.3 * total(xs, (value) => value * value)] }),
  });
}

// Gradients that meet at one tensor must be summed.
gradcheck('mul same tensor twice', {
  inputs: [TestRng.fromName('mul same tensor twice').uniform([2, 3], -2, 2)],
  engine: ([x]) => mul(x, x),
  reference: ([x]) => unaryRef((value) => value * value, x),
});

gradcheck('add same tensor twice', {
  inputs: [TestRng.fromName('add same tensor twice').uniform([3], -2, 2)],
  engine: ([x]) => add(x, x),
  reference: ([x]) => unaryRef((value) => 2 * value, x),
});

// Two-layer net whose [3×3] weight W is used by both layers:
// h = tanh(x·W + b1), z = h·W + b2, loss = softmax cross-entropy of z.
{
  const labels = [2, 0, 1, 1];
  const rng = TestRng.fromName('two-layer shared weight');
  gradcheck('two-layer net shared weight', {
    inputs: [rng.uniform([4, 3], -2, 2), rng.uniform([3, 3], -1, 1), rng.uniform([3], -0.5, 0.5), rng.uniform([3], -0.5, 0.5)],
    engine: ([x, w, b1, b2]) => softmaxCrossEntropy(dense(dense(x, w, b1, 'tanh'), w, b2, 'none'), Int32Array.from(labels)),
    reference: ([x, w, b1, b2]) => crossEntropyRef(denseRef(denseRef(x, w, b1, 'tanh'), w, b2, 'none'), labels),
  });
}

// The same two-layer net written with separate ops (matmul, add, tanh, logSoftmax, mean).
{
  const rng = TestRng.fromName('two-layer shared weight, unfused');
  const oneHot = [0, 0, 1, 1, 0, 0, 0, 1, 0];
  gradcheck('two-layer net unfused ops', {
    inputs: [rng.uniform([3, 3], -2, 2), rng.uniform([3, 3], -1, 1), rng.uniform([3], -0.5, 0.5)],
    engine: ([x, w, b]) => {
      const h = tanh(add(matmul(x, w), b));
      const z = matmul(h, w, { transB: true });
      return neg(mean(sum(mul(logSoftmax(z), tensor(oneHot, [3, 3])), -1)));
    },
    reference: ([x, w, b]) => {
      const h = unaryRef(Math.tanh, binaryRef((p, q) => p + q, matmulRef(x, w), b));
      const logProbs = softmaxRef(matmulRef(h, w, false, true), true);
      const picked = binaryRef((p, q) => p * q, logProbs, { shape: [3, 3], data: oneHot });
      return { shape: [], data: [-reduceRef(reduceRef(picked, -1, false, 'sum'), undefined, false, 'mean').data[0]] };
    },
  });
}

test('gradients accumulate across backward calls', () => {
  const x = tensor([0.5, -1, 2], [3], { requiresGrad: true });
  backward(sum(square(x)));
  backward(sum(square(x)));
  // d/dx Σx² = 2x per call, so two calls leave 4x.
  assert.equal([...x.grad!.shape], [3]);
  assertClose(x.grad!.dataSync(), [2, -4, 8], { atol: 0, rtol: 0 }, 'accumulated gradient');
});

test('constant input gets no gradient', () => {
  const x = tensor([1, 2], [2], { requiresGrad: true });
  const c = tensor([3, 4], [2]);
  backward(sum(mul(x, c)));
  assert.is(c.grad, null);
});

test.run();
