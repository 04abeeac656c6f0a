/**
 * Pairwise squared Euclidean distances and RBF kernel rows between the rows of
 * A [m×d] and of B [n×d], both row-major. Each distance is summed in float64,
 * features in order, from the differences (no ‖a‖² + ‖b‖² − 2a·b expansion,
 * which cancels for near neighbours), and rounded to float32 once.
 */

/** Computes D [m×n] with D[i, j] = ‖A[i] − B[j]‖². */
export function squaredDistances(a: Float32Array, b: Float32Array, m: number, n: number, d: number): Float32Array {
  const out = new Float32Array(m * n);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) out[i * n + j] = squaredDistance(a, i * d, b, j * d, d);
  }
  return out;
}

/** Computes K [m×n] with K[i, j] = exp(−γ · ‖A[i] − B[j]‖²), the distance in float64 as in squaredDistances. */
export function rbfKernel(a: Float32Array, b: Float32Array, m: number, n: number, d: number, gamma: number): Float32Array {
  const out = new Float32Array(m * n);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) out[i * n + j] = Math.exp(-gamma * squaredDistance(a, i * d, b, j * d, d));
  }
  return out;
}

/** Returns ‖A[i] − B[j]‖², summed in float64 in feature order, for the rows that start at offsets rowA of a and rowB of b. */
function squaredDistance(a: Float32Array, rowA: number, b: Float32Array, rowB: number, d: number): number {
  let total = 0;
  for (let p = 0; p < d; p++) {
    const difference = a[rowA + p] - b[rowB + p];
    total += difference * difference;
  }
  return total;
}
