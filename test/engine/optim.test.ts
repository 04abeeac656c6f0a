/**
 * Optimisers, initialisers and penalties against values worked out by hand.
 *
 * Parameters and optimiser state are float32, so every stored value carries a
 * relative rounding error of about 6e-8 per step. After three steps on values
 * of order 1, STEP (atol 1e-6, rtol 1e-6) covers that, while any error in the
 * update rule shows up at 1e-3 or more.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  Adam,
  backward,
  initWeights,
  l1Penalty,
  l2Penalty,
  matmul,
  mul,
  Rng,
  scale,
  SGD,
  sub,
  sum,
  tensor,
  type Tensor,
} from '../../engine/index.ts';
import { assertClose, type Tolerance } from './reference.ts';

const STEP: Tolerance = { atol: 1e-6, rtol: 1e-6 };

// Every update test starts from p0 = [1, −2] with learning rate 0.1 and feeds
// these gradients, one per step, so the arithmetic below can be followed by hand.
const GRADIENTS = [
  [0.5, -1],
  [0.25, 2],
  [-1, 0.5],
];

function parameter(): Tensor {
  return tensor([1, -2], [2], { requiresGrad: true });
}

/** Runs one step per gradient and returns the parameter after each step. */
function runSteps(p: Tensor, optimizer: SGD | Adam, steps: number): number[][] {
  const trajectory: number[][] = [];
  for (let t = 0; t < steps; t++) {
    p.grad = tensor(GRADIENTS[t], [2]);
    optimizer.step();
    trajectory.push([...p.dataSync()]);
  }
  return trajectory;
}

test('SGD with momentum three steps', () => {
  const p = parameter();
  const trajectory = runSteps(p, new SGD([p], { learningRate: 0.1, momentum: 0.9 }), 3);
  // v ← 0.9·v + g; p ← p − 0.1·v.
  // t=1: v = [0.5, −1];                              p = [1 − 0.05, −2 + 0.1]      = [0.95, −1.9]
  // t=2: v = [0.45 + 0.25, −0.9 + 2]  = [0.70, 1.10]; p = [0.95 − 0.07, −1.9 − 0.11] = [0.88, −2.01]
  // t=3: v = [0.63 − 1, 0.99 + 0.5]   = [−0.37, 1.49]; p = [0.88 + 0.037, −2.01 − 0.149] = [0.917, −2.159]
  assertClose(trajectory[0], [0.95, -1.9], STEP, 'step 1');
  assertClose(trajectory[1], [0.88, -2.01], STEP, 'step 2');
  assertClose(trajectory[2], [0.917, -2.159], STEP, 'step 3');
});

test('SGD with Nesterov three steps', () => {
  const p = parameter();
  const trajectory = runSteps(p, new SGD([p], { learningRate: 0.1, momentum: 0.9, nesterov: true }), 3);
  // v ← 0.9·v + g; p ← p − 0.1·(g + 0.9·v), with v after its update.
  // t=1: v = [0.5, −1];      g + 0.9v = [0.95, −1.9];     p = [1 − 0.095, −2 + 0.19]      = [0.905, −1.81]
  // t=2: v = [0.70, 1.10];   g + 0.9v = [0.88, 2.99];     p = [0.905 − 0.088, −1.81 − 0.299] = [0.817, −2.109]
  // t=3: v = [−0.37, 1.49];  g + 0.9v = [−1.333, 1.841];  p = [0.817 + 0.1333, −2.109 − 0.1841] = [0.9503, −2.2931]
  assertClose(trajectory[0], [0.905, -1.81], STEP, 'step 1');
  assertClose(trajectory[1], [0.817, -2.109], STEP, 'step 2');
  assertClose(trajectory[2], [0.9503, -2.2931], STEP, 'step 3');
});

test('SGD with weight decay three steps', () => {
  const p = parameter();
  const trajectory = runSteps(p, new SGD([p], { learningRate: 0.1, weightDecay: 0.5 }), 3);
  // No momentum: p ← p − 0.1·(g + 0.5·p).
  // t=1: g + 0.5p = [0.5 + 0.5, −1 − 1]          = [1, −2];           p = [0.9, −1.8]
  // t=2: g + 0.5p = [0.25 + 0.45, 2 − 0.9]       = [0.70, 1.10];      p = [0.83, −1.91]
  // t=3: g + 0.5p = [−1 + 0.415, 0.5 − 0.955]    = [−0.585, −0.455];  p = [0.8885, −1.8645]
  assertClose(trajectory[0], [0.9, -1.8], STEP, 'step 1');
  assertClose(trajectory[1], [0.83, -1.91], STEP, 'step 2');
  assertClose(trajectory[2], [0.8885, -1.8645], STEP, 'step 3');
});

test('SGD momentum and weight decay', () => {
  const p = parameter();
  const trajectory = runSteps(p, new SGD([p], { learningRate: 0.1, momentum: 0.9, weightDecay: 0.5 }), 2);
  // v ← 0.9·v + (g + 0.5·p); p ← p − 0.1·v.
  // t=1: v = [1, −2];                                p = [0.9, −1.8]
  // t=2: v = 0.9·[1, −2] + [0.70, 1.10] = [1.6, −0.7]; p = [0.9 − 0.16, −1.8 + 0.07] = [0.74, −1.73]
  assertClose(trajectory[0], [0.9, -1.8], STEP, 'step 1');
  assertClose(trajectory[1], [0.74, -1.73], STEP, 'step 2');
});

test('Adam three steps', () => {
  const p = parameter();
  const trajectory = runSteps(p, new Adam([p], { learningRate: 0.1, beta1: 0.9, beta2: 0.999, epsilon: 1e-8 }), 3);
  // m ← 0.9·m + 0.1·g; v ← 0.999·v + 0.001·g²; p ← p − 0.1·m̂ / (√v̂ + 1e-8)
  // with m̂ = m / (1 − 0.9ᵗ) and v̂ = v / (1 − 0.999ᵗ).
  // t=1: m = [0.05, −0.1], v = [0.00025, 0.001]; m̂ = [0.5, −1], v̂ = [0.25, 1];
  //      step = 0.1·[0.5/0.5, −1/1] = [0.1, −0.1] (ε changes it by 2e-9); p = [0.9, −1.9]
  // t=2: m = [0.045 + 0.025, −0.09 + 0.2] = [0.07, 0.11];
  //      v = [0.00024975 + 0.0000625, 0.000999 + 0.004] = [0.00031225, 0.004999];
  //      m̂ = m / 0.19 = [0.368421, 0.578947]; v̂ = v / 0.001999 = [0.156203, 2.500750];
  //      √v̂ = [0.395225, 1.581376]; step = [0.093218, 0.036610]; p = [0.806782, −1.936610]
  // t=3: m = [0.063 − 0.1, 0.099 + 0.05] = [−0.037, 0.149];
  //      v = [0.00031194 + 0.001, 0.00499400 + 0.00025] = [0.00131194, 0.00524400];
  //      m̂ = m / 0.271 = [−0.136531, 0.549815]; v̂ = v / 0.002997001 = [0.437750, 1.749749];
  //      √v̂ = [0.661627, 1.322781]; step = [−0.020636, 0.041565]; p = [0.827418, −1.978175]
  assertClose(trajectory[0], [0.9, -1.9], STEP, 'step 1');
  assertClose(trajectory[1], [0.8067820, -1.9366104], STEP, 'step 2');
  assertClose(trajectory[2], [0.8274177, -1.9781755], STEP, 'step 3');
});

test('Adam with weight decay', () => {
  const p = parameter();
  const trajectory = runSteps(p, new Adam([p], { learningRate: 0.1, weightDecay: 0.5 }), 2);
  // Defaults β1 = 0.9, β2 = 0.999, ε = 1e-8; the gradient becomes g + 0.5·p.
  // t=1: g' = [1, −2]; m̂ = g', v̂ = g'²; step = 0.1·g'/|g'| = [0.1, −0.1]; p = [0.9, −1.9]
  // t=2: g' = [0.25 + 0.45, 2 − 0.95] = [0.70, 1.05];
  //      m = [0.09 + 0.07, −0.18 + 0.105] = [0.16, −0.075];
  //      v = [0.000999 + 0.00049, 0.003996 + 0.0011025] = [0.001489, 0.0050985];
  //      m̂ = m / 0.19 = [0.842105, −0.394737]; √v̂ = √(v / 0.001999) = [0.863060, 1.597036];
  //      step = [0.097572, −0.024717]; p = [0.802428, −1.875283]
  assertClose(trajectory[0], [0.9, -1.9], STEP, 'step 1');
  assertClose(trajectory[1], [0.8024280, -1.8752832], STEP, 'step 2');
});

test('Adam minimises convex quadratic', () => {
  // f(p) = ½·pᵀQp − bᵀp with Q = [[3, 1], [1, 2]] (positive definite) and
  // b = [1, −1]. The minimiser is Q⁻¹b = ⅕·[[2, −1], [−1, 3]]·[1, −1] = [0.6, −0.8]
  // and the minimum is −½·bᵀQ⁻¹b = −0.7.
  const q = tensor([3, 1, 1, 2], [2, 2]);
  const b = tensor([1, -1], [2, 1]);
  const p = tensor([2, 2], [2, 1], { requiresGrad: true });
  const optimizer = new Adam([p], { learningRate: 0.05 });
  const objective = (): Tensor => sub(scale(sum(mul(p, matmul(q, p))), 0.5), sum(mul(b, p)));
  for (let t = 0; t < 1000; t++) {
    optimizer.zeroGrad();
    backward(objective());
    optimizer.step();
  }
  assertClose(p.dataSync(), [0.6, -0.8], { atol: 1e-3, rtol: 0 }, 'minimiser');
  assertClose([objective().item()], [-0.7], { atol: 1e-6, rtol: 0 }, 'minimum');
});

test('zeroGrad clears gradients', () => {
  const p = parameter();
  const optimizer = new SGD([p], { learningRate: 0.1 });
  p.grad = tensor([1, 1], [2]);
  optimizer.zeroGrad();
  assert.is(p.grad, null);
});

test('step without gradient names parameter', () => {
  const p = parameter();
  assert.throws(() => new SGD([p], { learningRate: 0.1 }).step(), /SGD\.step: parameter 0 \(shape \[2\]\) has no gradient/);
  assert.throws(() => new Adam([p]).step(), /Adam\.step: parameter 0 \(shape \[2\]\) has no gradient/);
});

// Initialisers draw uniformly on ±L: he uses L = √(6/fanIn), xavier
// L = √(6/(fanIn + fanOut)). A uniform distribution on ±L has variance L²/3,
// which is 2/fanIn for he and 2/(fanIn + fanOut) for xavier.
const INITIALIZERS = [
  {
    kind: 'he' as const,
    limit: (fanIn: number, _fanOut: number) => Math.sqrt(6 / fanIn),
    variance: (fanIn: number, _fanOut: number) => 2 / fanIn,
  },
  {
    kind: 'xavier' as const,
    limit: (fanIn: number, fanOut: number) => Math.sqrt(6 / (fanIn + fanOut)),
    variance: (fanIn: number, fanOut: number) => 2 / (fanIn + fanOut),
  },
];

for (const { kind, limit, variance: theoreticalVariance } of INITIALIZERS) {
  test(`initWeights ${kind} seeded reproducibility`, () => {
    const first = initWeights(kind, 5, 4, new Rng(7)).dataSync();
    const second = initWeights(kind, 5, 4, new Rng(7)).dataSync();
    const other = initWeights(kind, 5, 4, new Rng(8)).dataSync();
    assert.equal([...second], [...first], 'the same seed gives the same weights');
    assert.not.equal([...other], [...first], 'another seed gives other weights');
  });

  test(`initWeights ${kind} shape and bounds`, () => {
    // fanIn ≠ fanOut, so a limit computed from the wrong fan shows up.
    const [fanIn, fanOut] = [50, 20];
    const w = initWeights(kind, fanIn, fanOut, new Rng(1));
    const bound = Math.fround(limit(fanIn, fanOut));
    const largest = Math.max(...[...w.dataSync()].map(Math.abs));
    assert.equal([...w.shape], [fanIn, fanOut], 'shape is [fanIn, fanOut]');
    assert.ok(w.requiresGrad, 'weights require gradients');
    assert.ok(largest <= bound, `largest |w| is ${largest}, bound ${bound}`);
    // 1000 uniform draws: P(all below 0.95·L) = 0.95¹⁰⁰⁰ ≈ 5e-23.
    assert.ok(largest > 0.95 * bound, `largest |w| is ${largest}, expected close to ${bound}`);
  });

  test(`initWeights ${kind} variance 200×200`, () => {
    // The sample variance of 40 000 uniform draws has a relative standard
    // deviation of about 0.45%, so 10% is over 20 standard deviations.
    const w = initWeights(kind, 200, 200, new Rng(3)).dataSync();
    const expected = theoreticalVariance(200, 200);
    const average = w.reduce((acc, value) => acc + value, 0) / w.length;
    const variance = w.reduce((acc, value) => acc + (value - average) ** 2, 0) / (w.length - 1);
    assert.ok(Math.abs(variance - expected) <= 0.1 * expected, `sample variance ${variance}, expected ${expected} ± 10%`);
  });
}

test('l1Penalty value and gradient', () => {
  const w1 = tensor([1, -2, 3], [3], { requiresGrad: true });
  const w2 = tensor([-0.5, 0.25], [1, 2], { requiresGrad: true });
  const penalty = l1Penalty([w1, w2], 0.1);
  // 0.1 · (1 + 2 + 3 + 0.5 + 0.25) = 0.1 · 6.75 = 0.675
  assert.equal([...penalty.shape], []);
  assertClose([penalty.item()], [0.675], STEP, 'l1 value');
  backward(penalty);
  // d/dw 0.1·|w| = 0.1·sign(w).
  assertClose(w1.grad!.dataSync(), [0.1, -0.1, 0.1], STEP, 'l1 gradient of w1');
  assertClose(w2.grad!.dataSync(), [-0.1, 0.1], STEP, 'l1 gradient of w2');
});

test('l2Penalty value and gradient', () => {
  const w1 = tensor([1, -2, 3], [3], { requiresGrad: true });
  const w2 = tensor([-0.5, 0.25], [1, 2], { requiresGrad: true });
  const penalty = l2Penalty([w1, w2], 0.1);
  // 0.1 · (1 + 4 + 9 + 0.25 + 0.0625) = 0.1 · 14.3125 = 1.43125 (no ½ factor)
  assert.equal([...penalty.shape], []);
  assertClose([penalty.item()], [1.43125], STEP, 'l2 value');
  backward(penalty);
  // d/dw 0.1·w² = 0.2·w.
  assertClose(w1.grad!.dataSync(), [0.2, -0.4, 0.6], STEP, 'l2 gradient of w1');
  assertClose(w2.grad!.dataSync(), [-0.1, 0.05], STEP, 'l2 gradient of w2');
});

test('penalty of no tensors throws', () => {
  assert.throws(() => l1Penalty([], 0.1), RangeError);
  assert.throws(() => l2Penalty([], 0.1), RangeError);
});

test.run();
