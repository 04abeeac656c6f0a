/**
 * The plain-language reading of an audit, shared by the command-line summary
 * and the HTML report. It never calls a model private: an attack that does no
 * better than chance shows no detectable leakage at this sample size, which a
 * larger evaluation set or a stronger attack may still find.
 */

import { hanleyMcNeilStandardError } from '../attack/intervals.ts';
import type { AuditResult } from '../audit/types.ts';

/**
 * Margin around 0.5 within which an AUC shows no detectable leakage: twice
 * the AUC's standard error when there is no leakage, √((n₀+n₁+1)/(12·n₀·n₁))
 * for n₁ members and n₀ non-members (Hanley and McNeil, "The meaning and use
 * of the area under a receiver operating characteristic (ROC) curve", 1982).
 */
export function noLeakageAucMargin(members: number, nonMembers: number): number {
  return 2 * hanleyMcNeilStandardError(0.5, members, nonMembers);
}

/** Returns one sentence, starting in lower case, on whether the shadow-model attack's AUC departs from 0.5. */
export function readAttackAuc(auc: number, members: number, nonMembers: number): string {
  const margin = noLeakageAucMargin(members, nonMembers);
  if (Math.abs(auc - 0.5) <= margin) {
    return `the shadow-model attack's AUC (${auc.toFixed(3)}) is within ±${margin.toFixed(3)} of 0.5: no detectable leakage at this sample size.`;
  }
  return `the shadow-model attack's AUC (${auc.toFixed(3)}) is outside ±${margin.toFixed(3)} of 0.5: the target leaks membership.`;
}

/**
 * Returns a sentence when the evaluation set is unbalanced and the attack's
 * accuracy is below the trivial accuracy of always predicting the majority
 * side, else null.
 */
export function readTrivialAccuracy(accuracy: number, trivialAccuracy: number): string | null {
  if (!(trivialAccuracy > 0.5 && accuracy < trivialAccuracy)) return null;
  return (
    `The attack's accuracy (${accuracy.toFixed(3)}) is below the trivial ${trivialAccuracy.toFixed(3)} of always answering the majority side: ` +
    `its threshold was fit on balanced shadow data, so at this member rate read balanced accuracy and AUC instead.`
  );
}

/** Returns the reading of an audit as sentences: the AUC sentence first, then the accuracy one when it applies. */
export function readAudit(result: Pick<AuditResult, 'attack' | 'evaluation'>): string[] {
  const { attack, evaluation } = result;
  const sentences = [readAttackAuc(attack.auc, evaluation.members, evaluation.nonMembers)];
  const accuracy = readTrivialAccuracy(attack.accuracy, evaluation.trivialAccuracy);
  if (accuracy !== null) sentences.push(accuracy);
  return sentences;
}
