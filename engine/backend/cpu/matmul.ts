/**
 * Cache-blocked float32 matrix products on the CPU. All matrices are row-major.
 *
 * The main kernel computes C += A·B. A transposed operand is copied to
 * row-major first, which costs O(mk) or O(kn) against the product's O(mkn),
 * except a small Aᵀ in Aᵀ·B (the weight gradient of a dense layer), which has
 * a kernel of its own. The nest blocks the inner dimension by BLOCK_K and
 * the columns by BLOCK_N, so a [BLOCK_K × BLOCK_N] panel of B (128 KiB) stays
 * in L2 while all rows of A pass over it. It computes C in 4 × 4 register
 * tiles: per step of p it loads 4 values of A and 4 of B for 16 multiply-adds.
 * In V8 this runs about four times faster than the textbook i-k-j loop
 * (bench/kernels.ts). Columns past the last full tile use 4 × 2 and 4 × 1
 * tiles, and rows past it 1 × 4 tiles.
 */

// Panel sizes in elements, chosen so that a panel of B fits a 512 KiB L2 with room
// to spare; not tuned further.
const BLOCK_K = 128;
const BLOCK_N = 256;
// Elements of a transposed A (256 KiB) up to which Aᵀ·B reads A in place.
const DIRECT_TN_LIMIT = 1 << 16;

/**
 * C[m×n] += A[m×k] · B[k×n] over p in [p0, pEnd) and j in [j0, jEnd). With
 * `relu` set (on the last panel of a fused dense layer) every stored value
 * passes through ReLU, written branch-free as 0.5·(v + |v|).
 */
function accumulatePanel(
  a: Float32Array,
  b: Float32Array,
  c: Float32Array,
  m: number,
  k: number,
  n: number,
  p0: number,
  pEnd: number,
  j0: number,
  jEnd: number,
  relu = false,
): void {
  const m4 = m - (m % 4);
  const j4 = jEnd - ((jEnd - j0) % 4);

  for (let i = 0; i < m4; i += 4) {
    const a0 = i * k;
    const a1 = a0 + k;
    const a2 = a1 + k;
    const a3 = a2 + k;
    for (let j = j0; j < j4; j += 4) {
      const r0 = i * n + j;
      const r1 = r0 + n;
      const r2 = r1 + n;
      const r3 = r2 + n;
      let c00 = c[r0], c01 = c[r0 + 1], c02 = c[r0 + 2], c03 = c[r0 + 3];
      let c10 = c[r1], c11 = c[r1 + 1], c12 = c[r1 + 2], c13 = c[r1 + 3];
      let c20 = c[r2], c21 = c[r2 + 1], c22 = c[r2 + 2], c23 = c[r2 + 3];
      let c30 = c[r3], c31 = c[r3 + 1], c32 = c[r3 + 2], c33 = c[r3 + 3];
      for (let p = p0, bp = p0 * n + j; p < pEnd; p++, bp += n) {
        const y0 = b[bp], y1 = b[bp + 1], y2 = b[bp + 2], y3 = b[bp + 3];
        let x = a[a0 + p];
        c00 += x * y0; c01 += x * y1; c02 += x * y2; c03 += x * y3;
        x = a[a1 + p];
        c10 += x * y0; c11 += x * y1; c12 += x * y2; c13 += x * y3;
        x = a[a2 + p];
        c20 += x * y0; c21 += x * y1; c22 += x * y2; c23 += x * y3;
        x = a[a3 + p];
        c30 += x * y0; c31 += x * y1; c32 += x * y2; c33 += x * y3;
      }
      c[r0] = relu ? 0.5 * (c00 + Math.abs(c00)) : c00;
      c[r0 + 1] = relu ? 0.5 * (c01 + Math.abs(c01)) : c01;
      c[r0 + 2] = relu ? 0.5 * (c02 + Math.abs(c02)) : c02;
      c[r0 + 3] = relu ? 0.5 * (c03 + Math.abs(c03)) : c03;
      c[r1] = relu ? 0.5 * (c10 + Math.abs(c10)) : c10;
      c[r1 + 1] = relu ? 0.5 * (c11 + Math.abs(c11)) : c11;
      c[r1 + 2] = relu ? 0.5 * (c12 + Math.abs(c12)) : c12;
      c[r1 + 3] = relu ? 0.5 * (c13 + Math.abs(c13)) : c13;
      c[r2] = relu ? 0.5 * (c20 + Math.abs(c20)) : c20;
      c[r2 + 1] = relu ? 0.5 * (c21 + Math.abs(c21)) : c21;
      c[r2 + 2] = relu ? 0.5 * (c22 + Math.abs(c22)) : c22;
      c[r2 + 3] = relu ? 0.5 * (c23 + Math.abs(c23)) : c23;
      c[r3] = relu ? 0.5 * (c30 + Math.abs(c30)) : c30;
      c[r3 + 1] = relu ? 0.5 * (c31 + Math.abs(c31)) : c31;
      c[r3 + 2] = relu ? 0.5 * (c32 + Math.abs(c32)) : c32;
      c[r3 + 3] = relu ? 0.5 * (c33 + Math.abs(c33)) : c33;
    }

    // Columns right of the last full tile, two at a time (4 × 2 tiles), then in 4 × 1 tiles.
    let j = j4;
    for (; j + 1 < jEnd; j += 2) {
      const r0 = i * n + j;
      let c00 = c[r0], c10 = c[r0 + n], c20 = c[r0 + 2 * n], c30 = c[r0 + 3 * n];
      let c01 = c[r0 + 1], c11 = c[r0 + n + 1], c21 = c[r0 + 2 * n + 1], c31 = c[r0 + 3 * n + 1];
      for (let p = p0, bp = p0 * n + j; p < pEnd; p++, bp += n) {
        const y0 = b[bp];
        const y1 = b[bp + 1];
        let x = a[a0 + p];
        c00 += x * y0; c01 += x * y1;
        x = a[a1 + p];
        c10 += x * y0; c11 += x * y1;
        x = a[a2 + p];
        c20 += x * y0; c21 += x * y1;
        x = a[a3 + p];
        c30 += x * y0; c31 += x * y1;
      }
      c[r0] = relu ? 0.5 * (c00 + Math.abs(c00)) : c00;
      c[r0 + n] = relu ? 0.5 * (c10 + Math.abs(c10)) : c10;
      c[r0 + 2 * n] = relu ? 0.5 * (c20 + Math.abs(c20)) : c20;
      c[r0 + 3 * n] = relu ? 0.5 * (c30 + Math.abs(c30)) : c30;
      c[r0 + 1] = relu ? 0.5 * (c01 + Math.abs(c01)) : c01;
      c[r0 + n + 1] = relu ? 0.5 * (c11 + Math.abs(c11)) : c11;
      c[r0 + 2 * n + 1] = relu ? 0.5 * (c21 + Math.abs(c21)) : c21;
      c[r0 + 3 * n + 1] = relu ? 0.5 * (c31 + Math.abs(c31)) : c31;
    }
    for (; j < jEnd; j++) {
      const r0 = i * n + j;
      let c0 = c[r0], c1 = c[r0 + n], c2 = c[r0 + 2 * n], c3 = c[r0 + 3 * n];
      for (let p = p0, bp = p0 * n + j; p < pEnd; p++, bp += n) {
        const y = b[bp];
        c0 += a[a0 + p] * y;
        c1 += a[a1 + p] * y;
        c2 += a[a2 + p] * y;
        c3 += a[a3 + p] * y;
      }
      c[r0] = relu ? 0.5 * (c0 + Math.abs(c0)) : c0;
      c[r0 + n] = relu ? 0.5 * (c1 + Math.abs(c1)) : c1;
      c[r0 + 2 * n] = relu ? 0.5 * (c2 + Math.abs(c2)) : c2;
      c[r0 + 3 * n] = relu ? 0.5 * (c3 + Math.abs(c3)) : c3;
    }
  }

  for (let i = m4; i < m; i++) {
    const aRow = i * k;
    const cRow = i * n;
    for (let j = j0; j < j4; j += 4) {
      let c0 = c[cRow + j], c1 = c[cRow + j + 1], c2 = c[cRow + j + 2], c3 = c[cRow + j + 3];
      for (let p = p0, bp = p0 * n + j; p < pEnd; p++, bp += n) {
        const x = a[aRow + p];
        c0 += x * b[bp];
        c1 += x * b[bp + 1];
        c2 += x * b[bp + 2];
        c3 += x * b[bp + 3];
      }
      c[cRow + j] = relu ? 0.5 * (c0 + Math.abs(c0)) : c0;
      c[cRow + j + 1] = relu ? 0.5 * (c1 + Math.abs(c1)) : c1;
      c[cRow + j + 2] = relu ? 0.5 * (c2 + Math.abs(c2)) : c2;
      c[cRow + j + 3] = relu ? 0.5 * (c3 + Math.abs(c3)) : c3;
    }
    for (let j = j4; j < jEnd; j++) {
      let sum = c[cRow + j];
      for (let p = p0, bp = p0 * n + j; p < pEnd; p++, bp += n) sum += a[aRow + p] * b[bp];
      c[cRow + j] = relu ? 0.5 * (sum + Math.abs(sum)) : sum;
    }
  }
}

/**
 * C[m×n] += Aᵀ · B with A stored [k×m], over p in [p0, pEnd) and j in [j0, jEnd).
 * Row p of A is column p of op(A), so a 4 × 4 tile of C reads 4 adjacent
 * values of A and 4 of B per step of p, as the NN kernel does, without a copy.
 */
function accumulatePanelTN(
  a: Float32Array,
  b: Float32Array,
  c: Float32Array,
  m: number,
  n: number,
  p0: number,
  pEnd: number,
  j0: number,
  jEnd: number,
): void {
  const m4 = m - (m % 4);
  const j4 = jEnd - ((jEnd - j0) % 4);

  for (let i = 0; i < m4; i += 4) {
    for (let j = j0; j < j4; j += 4) {
      const r0 = i * n + j;
      const r1 = r0 + n;
      const r2 = r1 + n;
      const r3 = r2 + n;
      let c00 = c[r0], c01 = c[r0 + 1], c02 = c[r0 + 2], c03 = c[r0 + 3];
      let c10 = c[r1], c11 = c[r1 + 1], c12 = c[r1 + 2], c13 = c[r1 + 3];
      let c20 = c[r2], c21 = c[r2 + 1], c22 = c[r2 + 2], c23 = c[r2 + 3];
      let c30 = c[r3], c31 = c[r3 + 1], c32 = c[r3 + 2], c33 = c[r3 + 3];
      for (let p = p0, ap = p0 * m + i, bp = p0 * n + j; p < pEnd; p++, ap += m, bp += n) {
        const y0 = b[bp], y1 = b[bp + 1], y2 = b[bp + 2], y3 = b[bp + 3];
        let x = a[ap];
        c00 += x * y0; c01 += x * y1; c02 += x * y2; c03 += x * y3;
        x = a[ap + 1];
        c10 += x * y0; c11 += x * y1; c12 += x * y2; c13 += x * y3;
        x = a[ap + 2];
        c20 += x * y0; c21 += x * y1; c22 += x * y2; c23 += x * y3;
        x = a[ap + 3];
        c30 += x * y0; c31 += x * y1; c32 += x * y2; c33 += x * y3;
      }
      c[r0] = c00; c[r0 + 1] = c01; c[r0 + 2] = c02; c[r0 + 3] = c03;
      c[r1] = c10; c[r1 + 1] = c11; c[r1 + 2] = c12; c[r1 + 3] = c13;
      c[r2] = c20; c[r2 + 1] = c21; c[r2 + 2] = c22; c[r2 + 3] = c23;
      c[r3] = c30; c[r3 + 1] = c31; c[r3 + 2] = c32; c[r3 + 3] = c33;
    }
  }

  // Columns right of the last full tile, two at a time (4 × 2 tiles), then in 4 × 1 tiles.
  for (let i = 0; i < m4; i += 4) {
    let j = j4;
    for (; j + 1 < jEnd; j += 2) {
      const r0 = i * n + j;
      let c00 = c[r0], c10 = c[r0 + n], c20 = c[r0 + 2 * n], c30 = c[r0 + 3 * n];
      let c01 = c[r0 + 1], c11 = c[r0 + n + 1], c21 = c[r0 + 2 * n + 1], c31 = c[r0 + 3 * n + 1];
      for (let p = p0, ap = p0 * m + i, bp = p0 * n + j; p < pEnd; p++, ap += m, bp += n) {
        const y0 = b[bp];
        const y1 = b[bp + 1];
        let x = a[ap];
        c00 += x * y0; c01 += x * y1;
        x = a[ap + 1];
        c10 += x * y0; c11 += x * y1;
        x = a[ap + 2];
        c20 += x * y0; c21 += x * y1;
        x = a[ap + 3];
        c30 += x * y0; c31 += x * y1;
      }
      c[r0] = c00; c[r0 + n] = c10; c[r0 + 2 * n] = c20; c[r0 + 3 * n] = c30;
      c[r0 + 1] = c01; c[r0 + n + 1] = c11; c[r0 + 2 * n + 1] = c21; c[r0 + 3 * n + 1] = c31;
    }
    for (; j < jEnd; j++) {
      const r0 = i * n + j;
      let c0 = c[r0], c1 = c[r0 + n], c2 = c[r0 + 2 * n], c3 = c[r0 + 3 * n];
      for (let p = p0, ap = p0 * m + i, bp = p0 * n + j; p < pEnd; p++, ap += m, bp += n) {
        const y = b[bp];
        c0 += a[ap] * y;
        c1 += a[ap + 1] * y;
        c2 += a[ap + 2] * y;
        c3 += a[ap + 3] * y;
      }
      c[r0] = c0; c[r0 + n] = c1; c[r0 + 2 * n] = c2; c[r0 + 3 * n] = c3;
    }
  }

  // Rows below the last full tile: a pair of rows in 2 × 4 tiles (the 14-feature
  // weight gradient spends an eighth of its work here), then 1 × 4 tiles, then single elements.
  let iRest = m4;
  if (m - m4 >= 2) {
    const cRow = m4 * n;
    for (let j = j0; j < j4; j += 4) {
      const r0 = cRow + j;
      const r1 = r0 + n;
      let c00 = c[r0], c01 = c[r0 + 1], c02 = c[r0 + 2], c03 = c[r0 + 3];
      let c10 = c[r1], c11 = c[r1 + 1], c12 = c[r1 + 2], c13 = c[r1 + 3];
      for (let p = p0, ap = p0 * m + m4, bp = p0 * n + j; p < pEnd; p++, ap += m, bp += n) {
        const y0 = b[bp], y1 = b[bp + 1], y2 = b[bp + 2], y3 = b[bp + 3];
        let x = a[ap];
        c00 += x * y0; c01 += x * y1; c02 += x * y2; c03 += x * y3;
        x = a[ap + 1];
        c10 += x * y0; c11 += x * y1; c12 += x * y2; c13 += x * y3;
      }
      c[r0] = c00; c[r0 + 1] = c01; c[r0 + 2] = c02; c[r0 + 3] = c03;
      c[r1] = c10; c[r1 + 1] = c11; c[r1 + 2] = c12; c[r1 + 3] = c13;
    }
    for (let j = j4; j < jEnd; j++) {
      let s0 = c[cRow + j], s1 = c[cRow + n + j];
      for (let p = p0, ap = p0 * m + m4, bp = p0 * n + j; p < pEnd; p++, ap += m, bp += n) {
        const y = b[bp];
        s0 += a[ap] * y;
        s1 += a[ap + 1] * y;
      }
      c[cRow + j] = s0;
      c[cRow + n + j] = s1;
    }
    iRest = m4 + 2;
  }
  for (let i = iRest; i < m; i++) {
    const cRow = i * n;
    for (let j = j0; j < j4; j += 4) {
      let c0 = c[cRow + j], c1 = c[cRow + j + 1], c2 = c[cRow + j + 2], c3 = c[cRow + j + 3];
      for (let p = p0, ap = p0 * m + i, bp = p0 * n + j; p < pEnd; p++, ap += m, bp += n) {
        const x = a[ap];
        c0 += x * b[bp];
        c1 += x * b[bp + 1];
        c2 += x * b[bp + 2];
        c3 += x * b[bp + 3];
      }
      c[cRow + j] = c0; c[cRow + j + 1] = c1; c[cRow + j + 2] = c2; c[cRow + j + 3] = c3;
    }
    for (let j = j4; j < jEnd; j++) {
      let sum = c[cRow + j];
      for (let p = p0, ap = p0 * m + i, bp = p0 * n + j; p < pEnd; p++, ap += m, bp += n) sum += a[ap] * b[bp];
      c[cRow + j] = sum;
    }
  }
}

export function transpose(x: Float32Array, rows: number, cols: number): Float32Array {
  const out = new Float32Array(rows * cols);
  for (let i = 0; i < rows; i++) {
    const row = i * cols;
    for (let j = 0; j < cols; j++) out[j * rows + i] = x[row + j];
  }
  return out;
}

/**
 * C[m×n] = op(A) · op(B), op(A) [m×k], op(B) [k×n]; A is stored [k×m] when
 * transposed, B [n×k]. When `c` is given the product is added to its values
 * (the fused dense layer starts C from the bias).
 */
export function matmul(
  a: Float32Array,
  b: Float32Array,
  m: number,
  k: number,
  n: number,
  transA: boolean,
  transB: boolean,
  c: Float32Array = new Float32Array(m * n),
  relu = false,
): Float32Array {
  if (m === 0 || n === 0 || k === 0) return c;
  const right = transB ? transpose(b, n, k) : b;
  // Aᵀ·B runs on its own kernel while A is small enough for its strided rows to
  // stay in cache. A larger A is copied to row-major like any transposed operand.
  const directTN = transA && m * k <= DIRECT_TN_LIMIT;
  const left = transA && !directTN ? transpose(a, k, m) : a;

  for (let j0 = 0; j0 < n; j0 += BLOCK_N) {
    const jEnd = Math.min(j0 + BLOCK_N, n);
    for (let p0 = 0; p0 < k; p0 += BLOCK_K) {
      const pEnd = Math.min(p0 + BLOCK_K, k);
      if (directTN) accumulatePanelTN(left, right, c, m, n, p0, pEnd, j0, jEnd);
      else accumulatePanel(left, right, c, m, k, n, p0, pEnd, j0, jEnd, relu && pEnd === k);
    }
  }
  return c;
}
