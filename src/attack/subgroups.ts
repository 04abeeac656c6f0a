import { aucInterval, type ConfidenceInterval } from './intervals.ts';
import { rocAuc, tprAtFpr, type Membership, type Scores } from './metrics.ts';

/** AUC and TPR at 1% FPR of an attack within one group of its evaluation records. */
export interface GroupAttackMetrics {
  auc: number;
  /** 95% interval of the AUC by Hanley and McNeil's standard error (see `aucInterval`), with NaN bounds when `auc` is NaN. */
  aucInterval: ConfidenceInterval;
  tprAtOnePercentFpr: number;
  members: number;
  nonMembers: number;
}

/**
 * Splits an attack's evaluation by a binary group (1 = g1, 0 = g0, one per
 * record) and scores each part alone. A group without members or without
 * non-members has no ROC curve, so its metrics are NaN.
 */
export function attackMetricsByGroup(
  scores: Scores,
  membership: Membership,
  groups: ArrayLike<number>,
): { g0: GroupAttackMetrics; g1: GroupAttackMetrics } {
  const measure = (group: number): GroupAttackMetrics => {
    const picked: number[] = [];
    for (let i = 0; i < groups.length; i++) if (groups[i] === group) picked.push(i);
    const groupScores = Float64Array.from(picked, (i) => scores[i]);
    const groupMembership = Int32Array.from(picked, (i) => membership[i]);
    const members = groupMembership.reduce((sum, m) => sum + m, 0);
    const nonMembers = picked.length - members;
    if (members === 0 || nonMembers === 0) {
      return { auc: NaN, aucInterval: { lower: NaN, upper: NaN }, tprAtOnePercentFpr: NaN, members, nonMembers };
    }
    const auc = rocAuc(groupScores, groupMembership);
    return {
      auc,
      aucInterval: aucInterval(auc, members, nonMembers),
      tprAtOnePercentFpr: tprAtFpr(groupScores, groupMembership, 0.01),
      members,
      nonMembers,
    };
  };
  return { g0: measure(0), g1: measure(1) };
}
