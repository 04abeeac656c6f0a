/**
 * Plug-in estimates of entropy and mutual information, in bits, over discrete
 * codes (0 … levels−1). With empirical probabilities P from `rows` (default
 * all): H(A) = −Σ P(a) log₂ P(a) and
 * I(A; B) = Σ P(a, b) log₂ (P(a, b) / (P(a) P(b))).
 */

function allRows(n: number): Int32Array {
  const rows = new Int32Array(n);
  for (let i = 0; i < n; i++) rows[i] = i;
  return rows;
}

export function entropyBits(codes: Int32Array, levels: number, rows: ArrayLike<number> = allRows(codes.length)): number {
  const counts = new Float64Array(levels);
  for (let r = 0; r < rows.length; r++) counts[codes[rows[r]]]++;
  let entropy = 0;
  for (const count of counts) {
    if (count > 0) {
      const p = count / rows.length;
      entropy -= p * Math.log2(p);
    }
  }
  return entropy;
}

export function mutualInformationBits(
  a: Int32Array,
  aLevels: number,
  b: Int32Array,
  bLevels: number,
  rows: ArrayLike<number> = allRows(a.length),
): number {
  const n = rows.length;
  if (n === 0) return 0;
  const joint = new Float64Array(aLevels * bLevels);
  const countsA = new Float64Array(aLevels);
  const countsB = new Float64Array(bLevels);
  for (let r = 0; r < n; r++) {
    const i = rows[r];
    joint[a[i] * bLevels + b[i]]++;
    countsA[a[i]]++;
    countsB[b[i]]++;
  }
  let information = 0;
  for (let x = 0; x < aLevels; x++) {
    for (let y = 0; y < bLevels; y++) {
      const count = joint[x * bLevels + y];
      if (count > 0) information += (count / n) * Math.log2((count * n) / (countsA[x] * countsB[y]));
    }
  }
  // Rounding can leave a tiny negative value where the true estimate is 0.
  return Math.max(0, information);
}
