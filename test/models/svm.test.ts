import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { cpuBackend } from '../../engine/backend/cpu/index.ts';
import { Matrix } from '../../engine/matrix.ts';
import { Rng } from '../../engine/rng.ts';
import { MiascopeError } from '../../src/errors.ts';
import { KernelCache, RbfKernel } from '../../src/models/kernel-cache.ts';
import { fitPlatt, plattProbability } from '../../src/models/platt.ts';
import { solveSmo } from '../../src/models/smo.ts';
import { scaleGamma, SvmClassifier } from '../../src/models/svm.ts';

/** exp(−γ‖a − b‖²) in float64 from the float32 rows of x. */
function exactKernel(x: Matrix, i: number, j: number, gamma: number): number {
  let squared = 0;
  for (let c = 0; c < x.cols; c++) squared += (x.get(i, c) - x.get(j, c)) ** 2;
  return Math.exp(-gamma * squared);
}

/** Two Gaussian blobs around (−2, −2) and (2, 2), far enough apart to be linearly separable. */
function blobs(n: number, seed: number): { x: Matrix; y: Int32Array } {
  const rng = new Rng(seed);
  const x = new Matrix(n, 2);
  const y = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    y[i] = i % 2;
    const center = y[i] === 1 ? 2 : -2;
    x.data[2 * i] = center + 0.5 * rng.normal();
    x.data[2 * i + 1] = center + 0.5 * rng.normal();
  }
  return { x, y };
}

function signed(y: Int32Array): Int8Array {
  return Int8Array.from(y, (label) => (label === 1 ? 1 : -1));
}

test('smo solution satisfies KKT on separable blobs', async () => {
  const { x, y } = blobs(60, 1);
  const gamma = 0.5;
  const C = 10;
  const tolerance = 1e-3;
  const signs = signed(y);
  const cache = new KernelCache(x, gamma, cpuBackend, 1 << 20);
  const solution = await solveSmo({ y: signs, C, tolerance, shrinking: true, maxIterations: 100_000 }, cache);
  assert.ok(solution.converged, 'smo converged');

  let balance = 0;
  for (let i = 0; i < x.rows; i++) balance += signs[i] * solution.alpha[i];
  assert.ok(Math.abs(balance) < 1e-9, `Σ y_i α_i = ${balance}`);

  // y_i f(x_i) ≥ 1 at α = 0, = 1 for free α, ≤ 1 at α = C, each within the stopping tolerance.
  const slack = 2 * tolerance;
  for (let i = 0; i < x.rows; i++) {
    let decision = -solution.rho;
    for (let j = 0; j < x.rows; j++) decision += solution.alpha[j] * signs[j] * exactKernel(x, i, j, gamma);
    const margin = signs[i] * decision;
    assert.ok(margin > 0, `row ${i} is on the wrong side: y·f = ${margin}`);
    const alpha = solution.alpha[i];
    assert.ok(alpha >= 0, `α_${i} = ${alpha} is negative`);
    assert.ok(alpha <= C, `α_${i} = ${alpha} exceeds C`);
    if (alpha === 0) assert.ok(margin >= 1 - slack, `row ${i}: α = 0 but y·f = ${margin}`);
    else if (alpha === C) assert.ok(margin <= 1 + slack, `row ${i}: α = C but y·f = ${margin}`);
    else assert.ok(Math.abs(margin - 1) <= slack, `row ${i}: free α but y·f = ${margin}`);
  }
});

test('svm decision sign is right on separable blobs', async () => {
  const train = blobs(80, 2);
  const heldOut = blobs(80, 3);
  const model = new SvmClassifier({ C: 10, gamma: 0.5 });
  await model.fit(train.x, train.y);
  for (const { x, y } of [train, heldOut]) {
    const decisions = await model.decisionFunction(x);
    for (let i = 0; i < x.rows; i++) {
      assert.ok((decisions[i] > 0) === (y[i] === 1), `row ${i} (label ${y[i]}) has decision ${decisions[i]}`);
    }
  }
});

/**
 * Minimises the C-SVC dual exactly by enumerating which α sit at 0, at C or
 * strictly inside, solving the stationarity system of each free set with a
 * Lagrange multiplier for yᵀα = 0, and keeping the best feasible result.
 */
function bruteForceDual(q: number[][], y: number[], C: number): number {
  const n = y.length;
  let best = Infinity;
  for (let code = 0; code < 3 ** n; code++) {
    const state = Array.from({ length: n }, (_, i) => Math.floor(code / 3 ** i) % 3); // 0: at 0, 1: at C, 2: free
    const free = state.flatMap((s, i) => (s === 2 ? [i] : []));
    const alpha = state.map((s) => (s === 1 ? C : 0));
    const m = free.length;
    // Unknowns α_F and b: Q_FF α_F + y_F b = 1 − Q_F,fixed α_fixed and y_Fᵀ α_F = −y_fixedᵀ α_fixed.
    const system = Array.from({ length: m + 1 }, () => new Array(m + 2).fill(0));
    free.forEach((i, r) => {
      free.forEach((j, c) => (system[r][c] = q[i][j]));
      system[r][m] = y[i];
      let rhs = 1;
      for (let j = 0; j < n; j++) if (state[j] !== 2) rhs -= q[i][j] * alpha[j];
      system[r][m + 1] = rhs;
    });
    free.forEach((i, c) => (system[m][c] = y[i]));
    let fixedBalance = 0;
    for (let j = 0; j < n; j++) if (state[j] !== 2) fixedBalance += y[j] * alpha[j];
    system[m][m + 1] = -fixedBalance;
    if (m === 0) {
      if (Math.abs(fixedBalance) > 1e-12) continue;
    } else {
      const solution = solveLinear(system);
      if (solution === null) continue;
      free.forEach((i, r) => (alpha[i] = solution[r]));
      if (free.some((i) => alpha[i] < -1e-12 || alpha[i] > C + 1e-12)) continue;
    }
    let objective = 0;
    for (let i = 0; i < n; i++) {
      objective -= alpha[i];
      for (let j = 0; j < n; j++) objective += 0.5 * alpha[i] * alpha[j] * q[i][j];
    }
    best = Math.min(best, objective);
  }
  return best;
}

/** Gaussian elimination with partial pivoting on an augmented matrix; null when singular. */
function solveLinear(augmented: number[][]): number[] | null {
  const size = augmented.length;
  const a = augmented.map((row) => row.slice());
  for (let col = 0; col < size; col++) {
    let pivot = col;
    for (let r = col + 1; r < size; r++) if (Math.abs(a[r][col]) > Math.abs(a[pivot][col])) pivot = r;
    if (Math.abs(a[pivot][col]) < 1e-12) return null;
    [a[col], a[pivot]] = [a[pivot], a[col]];
    for (let r = 0; r < size; r++) {
      if (r === col) continue;
      const factor = a[r][col] / a[col][col];
      for (let c = col; c <= size; c++) a[r][c] -= factor * a[col][c];
    }
  }
  return a.map((row, r) => row[size] / row[r]);
}

test('smo dual objective matches brute force', async () => {
  const x = Matrix.fromRows([
    [0, 0],
    [1, 0.2],
    [0.3, 1],
    [1.1, 1.2],
    [0.5, 0.4],
    [-0.4, 0.8],
  ]);
  const y = [1, -1, -1, 1, 1, -1];
  const gamma = 0.8;
  for (const C of [0.05, 1, 100]) {
    const q = y.map((yi, i) => y.map((yj, j) => yi * yj * exactKernel(x, i, j, gamma)));
    const expected = bruteForceDual(q, y, C);
    const cache = new KernelCache(x, gamma, cpuBackend, 1024);
    const solution = await solveSmo({ y: Int8Array.from(y), C, tolerance: 1e-8, shrinking: true, maxIterations: 100_000 }, cache);
    assert.ok(Math.abs(solution.objective - expected) <= 1e-6 * Math.max(1, Math.abs(expected)), `C = ${C}: smo ${solution.objective}, brute force ${expected}`);
  }
});

test('kernel cache stays within budget', async () => {
  const rng = new Rng('cache');
  const x = new Matrix(50, 3);
  for (let i = 0; i < x.data.length; i++) x.data[i] = rng.normal();
  const gamma = scaleGamma(x);
  const budget = 3 * 4 * x.rows + 100; // room for three rows
  const cache = new KernelCache(x, gamma, cpuBackend, budget);
  assert.is(cache.capacityRows, 3);
  const direct = new RbfKernel(x, gamma, cpuBackend);

  for (let step = 0; step < 40; step++) {
    const i = rng.int(x.rows);
    const j = rng.int(x.rows);
    const [rowI, rowJ] = await cache.fetch([i, j]);
    assert.ok(cache.bytesUsed <= budget, `step ${step}: ${cache.bytesUsed} bytes used, budget ${budget}`);
    for (const [index, row] of [
      [i, rowI],
      [j, rowJ],
    ] as const) {
      const expected = await direct.block(x.takeRows([index]));
      for (let c = 0; c < x.rows; c++) {
        if (c === index) {
          assert.is(row[c], 1, `K(x_${index}, x_${index})`);
          continue;
        }
        assert.is(row[c], expected[c], `row ${index} column ${c} differs from direct computation`);
        assert.ok(Math.abs(row[c] - exactKernel(x, index, c, gamma)) < 1e-5, `row ${index} column ${c} is far from the float64 kernel`);
      }
    }
  }
  assert.ok(cache.stats.peakBytes <= budget, `peak ${cache.stats.peakBytes} bytes over budget ${budget}`);
  const hitsBefore = cache.stats.hits;
  await cache.row(7);
  await cache.row(7);
  assert.is(cache.stats.hits, hitsBefore + 1, 'a repeated row is a hit');
  assert.ok(cache.stats.misses > 0);
});

test('kernel cache fills shrunk columns', async () => {
  const rng = new Rng('cache-shrunk');
  const x = new Matrix(20, 2);
  for (let i = 0; i < x.data.length; i++) x.data[i] = rng.normal();
  const cache = new KernelCache(x, 0.7, cpuBackend, 4 * 4 * x.rows);
  const active = [0, 2, 3, 5, 8, 13];
  cache.restrict(active, false);
  const partial = (await cache.fetch([2]))[0];
  for (const c of active) assert.ok(Math.abs(partial[c] - exactKernel(x, 2, c, 0.7)) < 1e-5, `active column ${c}`);
  assert.is(partial[1], 0, 'inactive column left empty');
  const full = await cache.fullRow(2);
  for (let c = 0; c < x.rows; c++) assert.ok(Math.abs(full[c] - exactKernel(x, 2, c, 0.7)) < 1e-5, `column ${c} of the full row`);
});

test('kernel cache rejects a budget under two rows', () => {
  assert.throws(() => new KernelCache(new Matrix(10, 1), 1, cpuBackend, 79), /fewer than 2 kernel rows/);
});

test('platt fits the hand case exactly', () => {
  // Targets are (1+1)/(1+2) = 2/3 at f = 1 and 1/(1+2) = 1/3 at f = −1, so the
  // optimum has 1/(1 + e^(A+B)) = 2/3 and 1/(1 + e^(−A+B)) = 1/3: A = −ln 2, B = 0.
  const { A, B, converged } = fitPlatt([1, -1], [1, 0]);
  assert.ok(converged);
  assert.ok(Math.abs(A + Math.LN2) < 1e-6, `A = ${A}`);
  assert.ok(Math.abs(B) < 1e-6, `B = ${B}`);
  assert.ok(Math.abs(plattProbability(1, A, B) - 2 / 3) < 1e-6);
});

test('platt gradient vanishes at the fit', () => {
  const rng = new Rng('platt');
  const decisions: number[] = [];
  const labels: number[] = [];
  for (let i = 0; i < 200; i++) {
    const label = rng.uniform() < 0.3 ? 1 : 0;
    labels.push(label);
    decisions.push((label === 1 ? 0.8 : -0.8) + rng.normal());
  }
  const { A, B, converged } = fitPlatt(decisions, labels);
  assert.ok(converged);
  assert.ok(A < 0, 'larger decision values mean class 1');
  const positives = labels.filter((label) => label === 1).length;
  let gradientA = 0;
  let gradientB = 0;
  labels.forEach((label, i) => {
    const target = label === 1 ? (positives + 1) / (positives + 2) : 1 / (200 - positives + 2);
    const residual = target - plattProbability(decisions[i], A, B);
    gradientA += decisions[i] * residual;
    gradientB += residual;
  });
  assert.ok(Math.abs(gradientA) < 1e-5, `∂/∂A = ${gradientA}`);
  assert.ok(Math.abs(gradientB) < 1e-5, `∂/∂B = ${gradientB}`);
});

test('svm posteriors are probability rows', async () => {
  const { x, y } = blobs(60, 4);
  const model = new SvmClassifier({ seed: 2 });
  await model.fit(x, y);
  const posteriors = await model.predictProba(x);
  assert.is(posteriors.cols, 2);
  for (let i = 0; i < posteriors.rows; i++) {
    const sum = posteriors.get(i, 0) + posteriors.get(i, 1);
    assert.ok(Math.abs(sum - 1) < 1e-6, `row ${i} sums to ${sum}`);
  }
});

test('svm gamma scale uses variance of all entries', () => {
  const x = Matrix.fromRows([
    [0, 2],
    [4, 2],
  ]);
  // Entries 0, 2, 4, 2: mean 2, variance 2, so γ = 1/(2 · 2).
  assert.is(scaleGamma(x), 0.25);
});

test('svm toJSON round trip is exact', async () => {
  const { x, y } = blobs(70, 5);
  for (let i = 0; i < 10; i++) y[i] = 1 - y[i]; // label noise, so some α reach C
  const model = new SvmClassifier({ C: 1, seed: 3 });
  await model.fit(x, y);
  const json = model.toJSON();
  assert.is(json.model, 'svm');
  const restored = SvmClassifier.fromJSON(JSON.parse(JSON.stringify(json)));
  assert.equal(Array.from((await restored.predictProba(x)).data), Array.from((await model.predictProba(x)).data));
  assert.equal(Array.from(await restored.decisionFunction(x)), Array.from(await model.decisionFunction(x)));
});

test('svm same seed gives same model', async () => {
  const { x, y } = blobs(50, 6);
  const first = new SvmClassifier({ seed: 'same' });
  const second = new SvmClassifier({ seed: 'same' });
  await first.fit(x, y);
  await second.fit(x, y);
  assert.equal(first.toJSON(), second.toJSON());
});

test('svm fromJSON rejects another model', () => {
  assert.throws(() => SvmClassifier.fromJSON({ model: 'rf', formatVersion: 1 }), /expected model 'svm'/);
});

test('svm predict before fit raises', async () => {
  try {
    await new SvmClassifier().predict(new Matrix(1, 2));
    assert.unreachable('predict succeeded');
  } catch (error) {
    assert.instance(error, MiascopeError);
    assert.match((error as Error).message, 'SvmClassifier.predict');
    assert.match((error as Error).message, 'call fit(x, y) first');
  }
});

test('svm three classes raise', async () => {
  try {
    await new SvmClassifier().fit(Matrix.fromRows([[0], [1], [2]]), Int32Array.of(0, 1, 2));
    assert.unreachable('fit succeeded');
  } catch (error) {
    assert.instance(error, MiascopeError);
    assert.match((error as Error).message, 'binary only');
  }
});

test('svm invalid option names it', () => {
  assert.throws(() => new SvmClassifier({ C: 0 }), /option C = 0 is invalid/);
  assert.throws(() => new SvmClassifier({ gamma: 'auto' as 'scale' }), /option gamma = "auto" is invalid/);
  assert.throws(() => new SvmClassifier({ probabilityFolds: 1 }), /option probabilityFolds = 1 is invalid/);
});

test('svm small cache size raises', async () => {
  const { x, y } = blobs(40, 7);
  try {
    await new SvmClassifier({ cacheSizeMb: 1e-6 }).fit(x, y);
    assert.unreachable('fit succeeded');
  } catch (error) {
    assert.instance(error, MiascopeError);
    assert.match((error as Error).message, 'cacheSizeMb');
  }
});

test.run();
