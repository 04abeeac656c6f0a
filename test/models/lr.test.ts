import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Matrix } from '../../engine/matrix.ts';
import { Rng } from '../../engine/rng.ts';
import { MiascopeError } from '../../src/errors.ts';
import {
  LINE_SEARCH_DEFAULTS,
  LogisticRegression,
  lineSearchStrongWolfe,
  logisticObjective,
  minimizeLbfgs,
  type LinePoint,
  type LbfgsStep,
  type Objective,
} from '../../src/models/lr.ts';

const { c1, c2 } = LINE_SEARCH_DEFAULTS;

/** Rosenbrock's function (1 − a)² + 100·(b − a²)², minimum 0 at (1, 1). */
const rosenbrock: Objective = (x, gradient) => {
  const [a, b] = x;
  gradient[0] = -2 * (1 - a) - 400 * a * (b - a * a);
  gradient[1] = 200 * (b - a * a);
  return (1 - a) ** 2 + 100 * (b - a * a) ** 2;
};

function assertStrongWolfe(start: LinePoint, accepted: LinePoint, where: string): void {
  assert.ok(accepted.alpha > 0, `${where}: step length ${accepted.alpha} is not positive`);
  assert.ok(
    accepted.value <= start.value + c1 * accepted.alpha * start.derivative,
    `${where}: sufficient decrease fails: φ(α) = ${accepted.value}, φ(0) = ${start.value}, α = ${accepted.alpha}, φ'(0) = ${start.derivative}`,
  );
  assert.ok(
    Math.abs(accepted.derivative) <= c2 * Math.abs(start.derivative),
    `${where}: curvature fails: |φ'(α)| = ${Math.abs(accepted.derivative)}, c₂|φ'(0)| = ${c2 * Math.abs(start.derivative)}`,
  );
}

/** φ(α) of a 1-D function f along d = 1 from x0. */
function lineOf(f: (t: number) => number, df: (t: number) => number, x0: number): (alpha: number) => LinePoint {
  return (alpha) => ({ alpha, value: f(x0 + alpha), derivative: df(x0 + alpha) });
}

test('line search meets strong Wolfe on a quadratic', () => {
  // f(t) = (t − 3)², from t = 0: the first trial α = 1 has slope −4 against −6, so zoom or growth must follow.
  const phi = lineOf((t) => (t - 3) ** 2, (t) => 2 * (t - 3), 0);
  for (const alpha1 of [1e-3, 1, 10, 1000]) {
    const start = phi(0);
    const { point } = lineSearchStrongWolfe(phi, start, alpha1);
    assert.ok(point !== null, `no step accepted from α₁ = ${alpha1}`);
    assertStrongWolfe(start, point!, `α₁ = ${alpha1}`);
  }
});

test('line search meets strong Wolfe on a nonconvex line', () => {
  // f(t) = t⁴ − 4t² + t has a local minimum near t = 1.35 and a lower one near −1.47.
  const phi = lineOf((t) => t ** 4 - 4 * t * t + t, (t) => 4 * t ** 3 - 8 * t + 1, 0.3);
  for (const alpha1 of [0.01, 0.5, 3, 50]) {
    const start = phi(0);
    assert.ok(start.derivative < 0);
    const { point } = lineSearchStrongWolfe(phi, start, alpha1);
    assert.ok(point !== null, `no step accepted from α₁ = ${alpha1}`);
    assertStrongWolfe(start, point!, `α₁ = ${alpha1}`);
  }
});

test('line search rejects an ascent direction', () => {
  const phi = lineOf((t) => t * t, (t) => 2 * t, 1);
  assert.throws(() => lineSearchStrongWolfe(phi, phi(0), 1), /not a descent direction/);
});

test('lbfgs minimises Rosenbrock from (−1.2, 1)', () => {
  const steps: LbfgsStep[] = [];
  const result = minimizeLbfgs(rosenbrock, [-1.2, 1], {
    gradientTolerance: 1e-10,
    maxIterations: 500,
    onIteration: (step) => steps.push(step),
  });
  assert.ok(result.converged, `stopped by ${result.stopReason} after ${result.iterations} iterations`);
  assert.ok(Math.abs(result.x[0] - 1) < 1e-4, `a = ${result.x[0]}`);
  assert.ok(Math.abs(result.x[1] - 1) < 1e-4, `b = ${result.x[1]}`);
  assert.is(steps.length, result.iterations);
  steps.forEach((step) => assertStrongWolfe(step.start, step.accepted, `iteration ${step.iteration}`));
});

test('lbfgs reports the iteration limit', () => {
  const result = minimizeLbfgs(rosenbrock, [-1.2, 1], { gradientTolerance: 1e-10, maxIterations: 3 });
  assert.is(result.converged, false);
  assert.is(result.stopReason, 'max-iterations');
  assert.is(result.iterations, 3);
});

test('lr two symmetric points match the closed form', async () => {
  // x = −1 → 0 and x = +1 → 1. By symmetry b = 0, and the stationarity condition of
  // 2·log(1 + e^(−w)) + w²/(2C) is w = 2C·σ(−w). At w = ln 3, σ(−w) = 1/4, so C = 2·ln 3.
  const model = new LogisticRegression({ C: 2 * Math.log(3), tolerance: 1e-12 });
  const report = await model.fit(Matrix.fromRows([[-1], [1]]), Int32Array.from([0, 1]));
  assert.ok(report.converged);
  assert.ok(Math.abs(model.coefficients[0] - Math.log(3)) < 1e-9, `w = ${model.coefficients[0]}, expected ln 3`);
  assert.ok(Math.abs(model.intercept) < 1e-9, `b = ${model.intercept}, expected 0`);
  const posteriors = await model.predictProba(Matrix.fromRows([[1]]));
  assert.ok(Math.abs(posteriors.get(0, 1) - 0.75) < 1e-6, `P(y = 1 | x = 1) = ${posteriors.get(0, 1)}, expected 3/4`);
});

test('lr intercept is not penalised', async () => {
  // A constant zero feature leaves only b, unpenalised: its optimum is logit(3/4) = ln 3.
  const model = new LogisticRegression({ C: 1e-6, tolerance: 1e-12 });
  await model.fit(Matrix.fromRows([[0], [0], [0], [0]]), Int32Array.from([1, 1, 1, 0]));
  assert.ok(Math.abs(model.intercept - Math.log(3)) < 1e-9, `b = ${model.intercept}, expected ln 3`);
  assert.is(model.coefficients[0], 0);
});

test('lr without intercept fits through the origin', async () => {
  const model = new LogisticRegression({ C: 2 * Math.log(3), tolerance: 1e-12, fitIntercept: false });
  await model.fit(Matrix.fromRows([[-1], [1]]), Int32Array.from([0, 1]));
  assert.ok(Math.abs(model.coefficients[0] - Math.log(3)) < 1e-9);
  assert.is(model.intercept, 0);
});

/** Two overlapping Gaussian classes in `d` dimensions, class 1 shifted by `shift` along every axis. */
function gaussianClasses(n: number, d: number, shift: number, seed: string): { x: Matrix; y: Int32Array } {
  const rng = new Rng(seed);
  const x = new Matrix(n, d);
  const y = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    y[i] = rng.uniform() < 0.4 ? 1 : 0;
    for (let j = 0; j < d; j++) x.data[i * d + j] = rng.normal() + y[i] * shift;
  }
  return { x, y };
}

test('lr gradient vanishes at the solution', async () => {
  const { x, y } = gaussianClasses(2000, 6, 0.7, 'lr-gradient');
  for (const C of [0.01, 1, 100]) {
    const model = new LogisticRegression({ C });
    const report = await model.fit(x, y);
    assert.ok(report.converged, `C = ${C}: ${report.warning}`);

    // Recompute ∇F at the returned coefficients, independently of the solver's last gradient.
    const theta = Float64Array.from([...model.coefficients, model.intercept]);
    const gradient = new Float64Array(theta.length);
    logisticObjective(x, y, C, true).objective(theta, gradient);
    const maxNorm = Math.max(...gradient.map(Math.abs));
    assert.ok(maxNorm <= 1e-4, `C = ${C}: gradient max-norm ${maxNorm} exceeds the tolerance 1e-4`);
  }
});

test('lr objective gradient matches central differences', () => {
  const { x, y } = gaussianClasses(50, 3, 1, 'lr-gradcheck');
  const { objective } = logisticObjective(x, y, 0.5, true);
  const theta = Float64Array.from([0.3, -0.2, 0.1, 0.4]);
  const gradient = new Float64Array(4);
  objective(theta, gradient);
  const h = 1e-6;
  for (let j = 0; j < 4; j++) {
    const plus = theta.slice();
    const minus = theta.slice();
    plus[j] += h;
    minus[j] -= h;
    const scratch = new Float64Array(4);
    const numeric = (objective(plus, scratch) - objective(minus, scratch)) / (2 * h);
    assert.ok(Math.abs(numeric - gradient[j]) < 1e-5 * Math.max(1, Math.abs(numeric)), `∂F/∂θ${j}: analytic ${gradient[j]}, numeric ${numeric}`);
  }
});

test('lr posteriors are probability rows', async () => {
  const { x, y } = gaussianClasses(300, 4, 1, 'lr-rows');
  const model = new LogisticRegression();
  const report = await model.fit(x, y);
  assert.is(report.lossHistory.length, report.iterations + 1);
  assert.ok(report.lossHistory[report.lossHistory.length - 1] < report.lossHistory[0]);
  const posteriors = await model.predictProba(x);
  assert.is(posteriors.cols, 2);
  for (let i = 0; i < posteriors.rows; i++) {
    const sum = posteriors.get(i, 0) + posteriors.get(i, 1);
    assert.ok(Math.abs(sum - 1) < 1e-6, `row ${i} sums to ${sum}`);
  }
});

test('lr non-convergence is reported, not thrown', async () => {
  const { x, y } = gaussianClasses(500, 5, 1, 'lr-limit');
  const model = new LogisticRegression({ C: 100, maxIterations: 1 });
  const report = await model.fit(x, y);
  assert.is(report.converged, false);
  assert.is(report.stopReason, 'max-iterations');
  assert.match(report.warning ?? '', /raise maxIterations/);
  assert.is((await model.predict(x)).length, 500);
});

test('lr round trip predicts identically', async () => {
  const { x, y } = gaussianClasses(400, 5, 0.8, 'lr-json');
  const model = new LogisticRegression({ C: 0.3 });
  await model.fit(x, y);
  const restored = LogisticRegression.fromJSON(JSON.parse(JSON.stringify(model.toJSON())));
  assert.equal(restored.options, model.options);
  assert.equal(restored.coefficients, model.coefficients);
  assert.equal((await restored.predictProba(x)).data, (await model.predictProba(x)).data);
});

test('lr fromJSON rejects another model', () => {
  assert.throws(() => LogisticRegression.fromJSON({ model: 'ann', formatVersion: 1 }), /expected model 'lr'/);
});

test('lr rejects more than two classes', async () => {
  const model = new LogisticRegression();
  try {
    await model.fit(Matrix.fromRows([[0], [1], [2]]), Int32Array.from([0, 1, 2]));
    assert.unreachable('fit accepted three classes');
  } catch (error) {
    assert.instance(error, MiascopeError);
    assert.match((error as Error).message, /binary only/);
  }
});

test('lr rejects invalid options', () => {
  assert.throws(() => new LogisticRegression({ C: 0 }), /option C = 0 is invalid/);
  assert.throws(() => new LogisticRegression({ maxIterations: 1.5 }), /option maxIterations/);
  assert.throws(() => new LogisticRegression({ fitIntercept: 'yes' as unknown as boolean }), /option fitIntercept/);
});

test('lr predict before fit names the call', async () => {
  const model = new LogisticRegression();
  try {
    await model.predict(Matrix.fromRows([[0]]));
    assert.unreachable('predict ran on an unfitted model');
  } catch (error) {
    assert.instance(error, MiascopeError);
    assert.match((error as Error).message, /LogisticRegression\.predictProba: the model is not fitted; call fit\(x, y\) first/);
  }
});

test('lr rejects a feature count mismatch', async () => {
  const model = new LogisticRegression();
  await model.fit(Matrix.fromRows([[0, 1], [1, 0]]), Int32Array.from([0, 1]));
  await assertRejects(() => model.predictProba(Matrix.fromRows([[0]])), /x has 1 features, the model was fit on 2/);
});

async function assertRejects(run: () => Promise<unknown>, pattern: RegExp): Promise<void> {
  try {
    await run();
  } catch (error) {
    assert.match((error as Error).message, pattern);
    return;
  }
  assert.unreachable(`expected a rejection matching ${pattern}`);
}

test.run();
