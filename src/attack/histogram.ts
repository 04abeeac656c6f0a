import type { Membership, Scores } from './metrics.ts';

/** Bins of the attack score histograms stored with every attack's metrics. */
export const SCORE_HISTOGRAM_BINS = 20;

/**
 * Counts of members and of non-members per score bin. Bin i covers
 * [edges[i], edges[i + 1]), and the last bin also contains its upper edge, so
 * `edges` has one entry more than each count array.
 */
export interface ScoreHistogram {
  edges: number[];
  members: number[];
  nonMembers: number[];
}

/**
 * Counts the scores of members and non-members in `bins` equal-width bins
 * spanning the lowest to the highest score. When every score is equal there is
 * one bin, with both edges at that score. Expects input that passed
 * `validateScoresAndLabels`.
 */
export function scoreHistogram(scores: Scores, membership: Membership, bins = SCORE_HISTOGRAM_BINS): ScoreHistogram {
  let low = Infinity;
  let high = -Infinity;
  for (let i = 0; i < scores.length; i++) {
    low = Math.min(low, scores[i]);
    high = Math.max(high, scores[i]);
  }
  const binCount = high > low ? bins : 1;
  const width = (high - low) / binCount;
  const edges = Array.from({ length: binCount + 1 }, (_, i) => (i === binCount ? high : low + i * width));
  const members = new Array<number>(binCount).fill(0);
  const nonMembers = new Array<number>(binCount).fill(0);

  for (let i = 0; i < scores.length; i++) {
    const bin = width === 0 ? 0 : Math.min(binCount - 1, Math.floor((scores[i] - low) / width));
    if (membership[i] === 1) members[bin]++;
    else nonMembers[bin]++;
  }
  return { edges, members, nonMembers };
}
