import type { Labels } from '../../engine/matrix.ts';

/**
 * Computes the deviation from MIA-indistinguishability, in nats:
 * δ_mi = max over y' of |ln(P[ŷ = y' | m = 1] / P[ŷ = y' | m = 0])|
 * (Tonni et al., "Data and Model Dependencies of Membership Inference
 * Attack", 2020, eq. 6), from the predicted labels of members (m = 1) and
 * non-members (m = 0). 0 means predictions reveal nothing about membership.
 * NaN when either set is empty.
 */
export function indistinguishabilityDeviation(predictedMembers: Labels, predictedNonMembers: Labels, nClasses = 2): number {
  const nMembers = predictedMembers.length;
  const nNonMembers = predictedNonMembers.length;
  if (nMembers === 0 || nNonMembers === 0) return NaN;
  const countsMembers = new Float64Array(nClasses);
  const countsNonMembers = new Float64Array(nClasses);
  for (const label of predictedMembers) countsMembers[label]++;
  for (const label of predictedNonMembers) countsNonMembers[label]++;

  // Add-one smoothing applies to the shares, not the counts. Both sides get the same
  // pseudo-share β = 1 / (size of the smaller set), and P = (share + β) / (1 + nClasses·β).
  // So equal shares give equal probabilities whatever the set sizes, and a label that
  // neither side predicts gives ratio 1. Smoothing counts instead, (count + 1) / (n + nClasses),
  // gives ln(n_m / n_nm) for such a label. On equal-sized sets both forms are the same.
  const pseudoShare = 1 / Math.min(nMembers, nNonMembers);
  const smoothed = (count: number, records: number): number => (count / records + pseudoShare) / (1 + nClasses * pseudoShare);

  let deviation = 0;
  for (let c = 0; c < nClasses; c++) {
    const pMember = smoothed(countsMembers[c], nMembers);
    const pNonMember = smoothed(countsNonMembers[c], nNonMembers);
    deviation = Math.max(deviation, Math.abs(Math.log(pMember / pNonMember)));
  }
  return deviation;
}
