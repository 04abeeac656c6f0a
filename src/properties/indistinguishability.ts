import type { Labels } from '../../engine/matrix.ts';

/**
 * Computes the deviation from MIA-indistinguishability, in nats:
 * δ_mi = max over y' of |ln(P[ŷ = y' | m = 1] / P[ŷ = y' | m = 0])|
 * (Tonni et al., "Data and Model Dependencies of Membership Inference
 * Attack", 2020, eq. 6), from the predicted labels of members (m = 1) and
 * non-members (m = 0). Each probability is add-one smoothed,
 * (count + 1) / (records + nClasses), so a label that one side never gets
 * still yields a finite ratio. 0 means predictions reveal nothing about
 * membership.
 */
export function indistinguishabilityDeviation(predictedMembers: Labels, predictedNonMembers: Labels, nClasses = 2): number {
  const countsMembers = new Float64Array(nClasses);
  const countsNonMembers = new Float64Array(nClasses);
  for (const label of predictedMembers) countsMembers[label]++;
  for (const label of predictedNonMembers) countsNonMembers[label]++;

  let deviation = 0;
  for (let c = 0; c < nClasses; c++) {
    const pMember = (countsMembers[c] + 1) / (predictedMembers.length + nClasses);
    const pNonMember = (countsNonMembers[c] + 1) / (predictedNonMembers.length + nClasses);
    deviation = Math.max(deviation, Math.abs(Math.log(pMember / pNonMember)));
  }
  return deviation;
}
