/**
 * The CPU matmul kernel against a float64 triple loop. The kernel copies a
 * transposed operand to row-major, blocks k by BLOCK_K = 128 and n by
 * BLOCK_N = 256 (engine/backend/cpu/matmul.ts), and computes C in 4 × 4
 * register tiles with 4 × 1 and 1 × 4 tiles for the leftover columns and rows.
 * The sizes below cross both block sizes and leave every remainder of m and n
 * modulo 4, in all four transpose forms.
 *
 * Tolerance: summing k products with a rounding to float32 or finer after
 * each addition gives at most γ_k · Σ_p |a_ip|·|b_pj| error, where
 * γ_k = k·u / (1 − k·u) and u = 2⁻²⁴ (the standard forward error bound of a
 * dot product). The inputs are float32 values, so each product is exact in
 * float64, and the final store adds one more rounding of u · |c_ij|.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { matmul, tensor, type Tensor } from '../../engine/index.ts';
import { matmulRef, TestRng, type Ref } from './reference.ts';

const UNIT_ROUNDOFF = 2 ** -24;

interface Form {
  transA: boolean;
  transB: boolean;
}

const FORMS: Form[] = [
  { transA: false, transB: false },
  { transA: true, transB: false },
  { transA: false, transB: true },
  { transA: true, transB: true },
];

const formLabel = ({ transA, transB }: Form): string => `${transA ? 'Aᵀ' : 'A'}·${transB ? 'Bᵀ' : 'B'}`;

/** Stored operand shapes for op(A) [m×k] · op(B) [k×n]. */
function storedShapes(m: number, k: number, n: number, { transA, transB }: Form): [number[], number[]] {
  return [transA ? [k, m] : [m, k], transB ? [n, k] : [k, n]];
}

/** Operand values in [−1, 1) with about one in ten set to exactly 0, as after a relu. */
function operand(rng: TestRng, shape: number[]): Ref {
  const x = rng.uniform(shape, -1, 1);
  return { shape, data: x.data.map((value) => (rng.next() < 0.1 ? 0 : value)) };
}

function toTensor(x: Ref): Tensor {
  return tensor(x.data, x.shape);
}

/** Asserts once that every element of C lies within the dot-product error bound of the float64 product. */
function assertWithinBound(c: Float32Array, exact: Ref, absolute: Ref, k: number, label: string): void {
  const gamma = (k * UNIT_ROUNDOFF) / (1 - k * UNIT_ROUNDOFF);
  let worst = -1;
  let worstRatio = 1;
  for (let i = 0; i < c.length; i++) {
    const allowed = gamma * absolute.data[i] + UNIT_ROUNDOFF * Math.abs(exact.data[i]);
    const difference = Math.abs(c[i] - exact.data[i]);
    // An all-zero row or column of an operand makes the bound 0, so C must be exactly 0 there.
    let ratio = difference === 0 ? 0 : Infinity;
    if (allowed > 0) ratio = difference / allowed;
    if (!(ratio <= worstRatio)) {
      worst = i;
      worstRatio = ratio;
    }
  }
  const message = worst < 0 ? '' : `${label}: element ${worst} is ${c[worst]}, expected ${exact.data[worst]} (error ${worstRatio.toFixed(2)}× the bound)`;
  assert.ok(worst < 0, message);
}

// [m, k, n] for op(A) [m×k] · op(B) [k×n].
const SIZES: Array<[number, number, number]> = [
  [1, 1, 1],
  [4, 4, 4],
  [5, 3, 6],
  [7, 13, 5],
  [33, 65, 17],
  // k crosses BLOCK_K by 1 and n crosses BLOCK_N by 1.
  [300, 129, 257],
  // k crosses BLOCK_K twice; m·n and n·k exceed 2¹⁶ elements.
  [20, 300, 257],
  // m and n mod 4 equal 2; k and n cross their blocks by 2.
  [6, 130, 258],
  // m and n mod 4 equal 3; n spans three BLOCK_N panels.
  [11, 7, 515],
  [256, 256, 256],
  [256, 257, 257],
  [1, 200, 1],
  [200, 1, 300],
];

for (const [m, k, n] of SIZES) {
  for (const form of FORMS) {
    const name = `matmul ${formLabel(form)} ${m}×${k}·${k}×${n}`;
    test(name, () => {
      const rng = TestRng.fromName(name);
      const [shapeA, shapeB] = storedShapes(m, k, n, form);
      const a = operand(rng, shapeA);
      const b = operand(rng, shapeB);

      const c = matmul(toTensor(a), toTensor(b), form);
      assert.equal([...c.shape], [m, n], `${name}: shape`);

      const exact = matmulRef(a, b, form.transA, form.transB);
      const absolute = matmulRef(a, b, form.transA, form.transB, true);
      assertWithinBound(c.dataSync(), exact, absolute, k, name);
    });
  }
}

test('matmul zero inner dimension', () => {
  for (const form of FORMS) {
    const [shapeA, shapeB] = storedShapes(3, 0, 4, form);
    const c = matmul(tensor([], shapeA), tensor([], shapeB), form);
    assert.equal([...c.shape], [3, 4], `${formLabel(form)}: shape`);
    assert.equal([...c.dataSync()], new Array<number>(12).fill(0), `${formLabel(form)}: an empty sum is 0`);
  }
});

test('matmul zero rows and columns', () => {
  for (const form of FORMS) {
    const [shapeA, shapeB] = storedShapes(0, 3, 0, form);
    const c = matmul(tensor([], shapeA), tensor([], shapeB), form);
    assert.equal([...c.shape], [0, 0], `${formLabel(form)}: shape`);
  }
});

// 0 · NaN is NaN in IEEE 754, so a NaN in one operand must reach every output
// element it contributes to, whichever kernel runs. Here op(A) = [0, 1] and
// op(B) = [NaN, 2]ᵀ, so C = 0·NaN + 1·2 = NaN.
test('matmul propagates NaN times zero', () => {
  for (const form of FORMS) {
    const a = form.transA ? tensor([0, 1], [2, 1]) : tensor([0, 1], [1, 2]);
    const b = form.transB ? tensor([NaN, 2], [1, 2]) : tensor([NaN, 2], [2, 1]);
    const c = matmul(a, b, form).dataSync();
    assert.ok(Number.isNaN(c[0]), `${formLabel(form)}: 0·NaN + 1·2 gave ${c[0]}, expected NaN`);
  }
});

test('matmul inner mismatch names shapes', () => {
  for (const form of FORMS) {
    const [shapeA, shapeB] = [form.transA ? [3, 2] : [2, 3], form.transB ? [5, 4] : [4, 5]];
    const a = tensor(new Array<number>(6).fill(1), shapeA);
    const b = tensor(new Array<number>(20).fill(1), shapeB);
    const label = formLabel(form);
    try {
      matmul(a, b, form);
      assert.unreachable(`${label}: a [2×3] · [4×5] product did not throw`);
    } catch (error) {
      assert.instance(error, RangeError, `${label}: error type`);
      const message = (error as Error).message;
      assert.match(message, 'matmul', `${label}: message names the op`);
      assert.match(message, `[${shapeA.join(', ')}]`, `${label}: message names A's shape`);
      assert.match(message, `[${shapeB.join(', ')}]`, `${label}: message names B's shape`);
    }
  }
});

test('matmul rejects non-2-D operands', () => {
  assert.throws(() => matmul(tensor([1, 2, 3], [3]), tensor([1, 2, 3], [3, 1])), /matmul.*\[3\].*\[3, 1\]/);
});

test.run();
