/** Report sections on the models and the attacks: accuracies, attack metrics with intervals, plots, per-group results. */

import type { AttackMetrics } from '../attack/metrics.ts';
import type { MetricAttackKind } from '../attack/metric-attacks.ts';
import type { AuditResult, ModelSummary } from '../audit/types.ts';
import { count, fixed, sentence, withInterval } from './format.ts';
import { html, trusted, type Markup } from './markup.ts';
import { histogramPlot, rocPlot } from './plots.ts';
import { prefixIds } from './vega.ts';

/** Names of the threshold attacks as the report prints them. */
const METRIC_ATTACK_NAMES: Record<MetricAttackKind, string> = {
  confidence: 'confidence threshold',
  loss: 'loss threshold',
  entropy: 'entropy threshold',
  'modified-entropy': 'modified-entropy threshold',
};

/**
 * Tells whether `nonMembers` non-members can measure a TPR at FPR ≤ `maxFpr`.
 * One false positive is an FPR of 1 / nonMembers. So with fewer than
 * 1 / maxFpr non-members the only FPR within the budget is 0, and the TPR
 * read there is a lower bound of the TPR at `maxFpr`.
 */
export function fprResolvable(maxFpr: number, nonMembers: number): boolean {
  return nonMembers * maxFpr >= 1 - 1e-9;
}

/**
 * Explains, after a mark, the TPR columns at 1% and 0.1% FPR that the
 * evaluation's non-members cannot resolve. Returns null when they resolve both.
 */
export function lowFprNote(nonMembers: number): string | null {
  const unresolved = [
    { maxFpr: 0.01, name: '1%' },
    { maxFpr: 0.001, name: '0.1%' },
  ].filter(({ maxFpr }) => !fprResolvable(maxFpr, nonMembers));
  if (unresolved.length === 0) return null;
  const needs = unresolved.map(({ maxFpr, name }, i) =>
    i === 0 ? `a TPR at ${name} FPR needs ≥ ${count(Math.round(1 / maxFpr))} non-members` : `at ${name} FPR ≥ ${count(Math.round(1 / maxFpr))}`,
  );
  return (
    `with ${count(nonMembers)} non-members the lowest FPR above 0 is 1/${count(nonMembers)} = ${fixed(100 / nonMembers, 2)}%, ` +
    `so a marked column holds the TPR at FPR 0, a lower bound; ${needs.join(', ')}`
  );
}

/** Lists the attacks of an audit with their report names: the shadow-model attack first, then the threshold attacks. */
export function namedAttacks(result: AuditResult): Array<{ name: string; metrics: AttackMetrics }> {
  return [
    { name: `shadow model (${result.config.attack.model})`, metrics: result.attack },
    ...Object.entries(result.metricAttacks).map(([kind, metrics]) => ({ name: METRIC_ATTACK_NAMES[kind as MetricAttackKind] ?? kind, metrics })),
  ];
}

export function modelsSection(result: AuditResult): Markup {
  const row = (role: string, summary: ModelSummary) => html`<tr>
    <td>${role}</td><td class="text">${summary.model}</td><td>${count(summary.trainRecords)}</td><td>${count(summary.testRecords)}</td>
    <td>${fixed(summary.trainAccuracy)}</td><td>${fixed(summary.testAccuracy)}</td>
    <td>${summary.epochs === null ? 'n/a' : count(summary.epochs)}</td><td>${fixed(summary.finalLoss)}</td></tr>`;
  const shadowRole = (s: number) => (result.shadows.length === 1 ? 'shadow' : `shadow ${s + 1}`);
  return html`<section>
  <h2>Target and shadow models</h2>
  <table>
    <tr><th>model</th><th class="text">family</th><th>training records</th><th>held-out records</th><th>train accuracy</th><th>test accuracy</th><th>epochs</th><th>final loss (nats)</th></tr>
    ${row('target', result.target)}
    ${result.shadows.map((shadow, s) => row(shadowRole(s), shadow))}
  </table>
  <p class="note">Train accuracy is measured on the model's training records (members), test accuracy on its held-out records. A gap between the two is the overfitting that membership inference exploits.</p>
</section>`;
}

export function attacksSection(result: AuditResult): Markup {
  const { evaluation } = result;
  const mark = (maxFpr: number) => (fprResolvable(maxFpr, evaluation.nonMembers) ? html`` : html`<sup>*</sup>`);
  const note = lowFprNote(evaluation.nonMembers);
  const row = (name: string, m: AttackMetrics) => html`<tr>
    <td>${name}</td>
    <td>${withInterval(m.accuracy, m.intervals?.accuracy)}<br><span class="interval">trivial ${fixed(m.trivialAccuracy)}</span></td>
    <td>${withInterval(m.balancedAccuracy, m.intervals?.balancedAccuracy)}</td>
    <td>${withInterval(m.precision, m.intervals?.precision)}</td>
    <td>${withInterval(m.recall, m.intervals?.recall)}</td>
    <td>${withInterval(m.auc, m.intervals?.auc)}</td>
    <td>${withInterval(m.tprAtOnePercentFpr, m.intervals?.tprAtOnePercentFpr)}</td>
    <td>${withInterval(m.tprAtTenthPercentFpr, m.intervals?.tprAtTenthPercentFpr)}</td>
    <td>${fixed(m.advantage)}</td>
    <td>${fixed(m.threshold)}</td>
  </tr>`;
  return html`<section>
  <h2>Attacks</h2>
  <p>Every attack scores the same ${count(evaluation.members)} members and ${count(evaluation.nonMembers)} non-members of the target
  (member rate ${fixed(evaluation.memberRate, 2)}). Always answering the majority side reaches the trivial accuracy of
  ${fixed(evaluation.trivialAccuracy)}, shown under each accuracy.</p>
  <div class="scroll"><table class="attacks">
    <tr><th>attack</th><th>accuracy</th><th>balanced accuracy</th><th>precision</th><th>recall (TPR)</th><th>AUC</th><th>TPR at 1% FPR${mark(0.01)}</th><th>TPR at 0.1% FPR${mark(0.001)}</th><th>advantage</th><th>threshold</th></tr>
    ${namedAttacks(result).map(({ name, metrics }) => row(name, metrics))}
  </table></div>
  ${note === null ? html`` : html`<p class="note"><sup>*</sup> ${sentence(note)}.</p>`}
  <p class="note">Brackets hold 95% confidence intervals over the sampling of the evaluation records: Wilson score intervals for accuracy,
  precision, recall and the TPRs (the last two at the threshold that reaches them, taken as fixed); Newcombe's hybrid score interval of TPR − FPR
  for balanced accuracy; AUC ± 1.96 standard errors of Hanley and McNeil. The advantage, max over thresholds of TPR − FPR, has no interval.
  The shadow-model attack predicts member at a score of at least its threshold, a probability; the threshold attacks' thresholds were fit on the shadow data.</p>
</section>`;
}

export async function plotsSection(result: AuditResult): Promise<Markup> {
  const attacks = namedAttacks(result);
  const roc = prefixIds(await rocPlot(attacks), 'roc');
  const histograms = await Promise.all(
    attacks.map(async ({ name, metrics }, a) =>
      metrics.histogram === undefined ? html`` : html`<figure>${trusted(prefixIds(await histogramPlot(name, metrics.histogram), `histogram-${a}`))}</figure>`,
    ),
  );
  return html`<section>
  <h2>ROC curves and score distributions</h2>
  <figure class="plots">${trusted(roc)}
    <figcaption>ROC curves on log-log axes. The dashed line is chance (TPR = FPR). The low-FPR end shows whether an attack
    identifies some members with confidence, which the AUC hides. An FPR below 1 / ${count(result.evaluation.nonMembers)} non-members
    cannot be resolved, and points with FPR or TPR of 0 are not drawn. Curves that coincide belong to attacks whose scores rank the records alike.</figcaption>
  </figure>
  <h3>Attack scores of members and non-members</h3>
  <p class="note">Records per score bin, members in the left half of each bin and non-members in the right half; higher scores are more member-like.
  Where the two distributions match, the attack cannot tell members from non-members.</p>
  <div class="histograms">${histograms}</div>
</section>`;
}

export function groupsSection(result: AuditResult): Markup {
  const byGroup = result.properties.model.attackByGroup;
  if (byGroup === null) {
    return html`<section><h2>Attack per group</h2><p>No groups: the data has no protected attribute. Give one with <code>--protected COL[=VALUE]</code>.</p></section>`;
  }
  const names = groupNames(result);
  const row = (label: string, description: string, group: typeof byGroup.g0) => html`<tr>
    <td>${label}</td><td class="text">${description}</td><td>${count(group.members)}</td><td>${count(group.nonMembers)}</td>
    <td>${withInterval(group.auc, group.aucInterval)}</td>
    <td>${fixed(group.tprAtOnePercentFpr)}${group.nonMembers === 0 || fprResolvable(0.01, group.nonMembers) ? '' : html`<br><span class="interval">at FPR 0</span>`}</td></tr>`;
  return html`<section>
  <h2>Attack per group</h2>
  <p>The shadow-model attack's scores split by the ${result.protocol === 'paper' ? 'paper protocol\'s feature-balance group' : 'protected attribute'}; each group is scored alone.</p>
  <table>
    <tr><th>group</th><th class="text">records</th><th>members</th><th>non-members</th><th>AUC</th><th>TPR at 1% FPR</th></tr>
    ${row('g0', names.g0, byGroup.g0)}
    ${row('g1', names.g1, byGroup.g1)}
  </table>
  <p class="note">A group without members or without non-members has no ROC curve and reads n/a. Small groups have wide intervals.
  A group with fewer than 100 non-members cannot resolve an FPR of 1%, so its TPR is read at FPR 0, a lower bound.</p>
</section>`;
}

/** Returns the names of the groups the per-group attack used: the paper protocol's feature-balance group, or the protected attribute's groups. */
function groupNames(result: AuditResult): { g0: string; g1: string } {
  const model = result.properties.model;
  if (result.protocol === 'paper' || model.protectedAttribute === null) {
    return { g0: 'the rest', g1: model.paper.groups.g1 };
  }
  return { g0: model.protectedAttribute.g0, g1: model.protectedAttribute.g1 };
}
