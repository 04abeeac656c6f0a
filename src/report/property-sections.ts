/** Report sections on the data, the target model's properties, and the audit's configuration and protocol. */

import type { AuditResult } from '../audit/types.ts';
import type { PropertyValue } from '../properties/model.ts';
import { count, fixed, positiveClassName } from './format.ts';
import { html, type Markup } from './markup.ts';

export function dataSection(result: AuditResult): Markup {
  const { dataset, config } = result;
  const data = result.properties.data;
  const dataRows = data === undefined
    ? html``
    : html`<h3>Data properties of the target's ${count(data.size)} training records</h3>
  <table class="fields">
    <tr><td>class balance</td><td>${fixed(data.classBalancePercent, 2)}% ${positiveClassName(dataset.classNames[1])}</td></tr>
    <tr><td>feature balance</td><td>${fixed(data.featureBalance.percent, 2)}% of records carry the most frequent combination c* (ratio P[c*] / P[not c*] = ${fixed(data.featureBalance.ratio)})</td></tr>
    <tr><td>c*</td><td class="text">${data.featureBalance.features.map((feature, i) => html`${i > 0 ? ', ' : ''}<code>${feature}</code> = <code>${data.featureBalance.values[i]}</code>`)}</td></tr>
    <tr><td>features</td><td>${count(data.featureCount)}</td></tr>
    <tr><td>entropy H_D</td><td>${fixed(data.entropyBits)} bits (mean over features, ${count(data.bins)} equal-frequency bins per numeric feature)</td></tr>
    <tr><td>features most informative of the label</td><td class="text">${data.topFeatures.map((feature, i) => html`${i > 0 ? ', ' : ''}<code>${feature.name}</code> ${fixed(feature.bits)} bits`)}</td></tr>
  </table>`;
  return html`<section>
  <h2>Data</h2>
  <table class="fields">
    <tr><td>dataset</td><td class="text"><code>${dataset.name}</code>${config.dataset === dataset.name ? '' : html`, read from <code>${config.dataset}</code>`}</td></tr>
    <tr><td>records</td><td class="text">${count(dataset.rows)} used of ${count(dataset.rowsRead)} read; ${count(dataset.droppedRows)} dropped for a missing value</td></tr>
    <tr><td>label</td><td class="text"><code>${config.label}</code>, positive class <code>${config.positive}</code></td></tr>
    <tr><td>classes</td><td class="text"><code>${dataset.classNames[0]}</code>: ${count(dataset.classCounts[0])}, <code>${dataset.classNames[1]}</code>: ${count(dataset.classCounts[1])} (${fixed(dataset.positivePercent, 1)}% positive)</td></tr>
    <tr><td>features (${count(dataset.features.length)}, as encoded)</td><td class="text">${dataset.features.map((feature, i) => html`${i > 0 ? ', ' : ''}<code>${feature}</code>`)}</td></tr>
  </table>
  ${dataRows}
</section>`;
}

function propertyCell(property: PropertyValue | null | undefined): Markup {
  if (property === null || property === undefined) return html`<td>n/a</td>`;
  const unit = property.unit === 'share' ? '' : `${property.unit} · `;
  return html`<td>${fixed(property.value)}<br><span class="interval">${unit}${property.estimator}</span></td>`;
}

export function modelPropertiesSection(result: AuditResult): Markup {
  const model = result.properties.model;
  const groups = model.protectedAttribute;
  const membership = model.membershipInformation;
  const headline = (protocol: 'sound' | 'paper') => (result.protocol === protocol ? ' (this audit\'s protocol)' : '');
  return html`<section>
  <h2>Target model properties</h2>
  <p>Sound-protocol groups: ${groups === null
    ? html`none, because the data has no protected attribute (give one with <code>--protected COL[=VALUE]</code>)`
    : html`g0 = <code>${groups.g0}</code> (${count(groups.trainingRecords[0])} training records), g1 = <code>${groups.g1}</code> (${count(groups.trainingRecords[1])})`}.
  Paper-protocol groups: g1 = ${model.paper.groups.g1} (${count(model.paper.groups.trainingRecords[1])} training records), g0 = the rest (${count(model.paper.groups.trainingRecords[0])}).</p>
  <table>
    <tr><th>property</th><th>sound form${headline('sound')}</th><th>paper form${headline('paper')}</th><th class="text">meaning</th></tr>
    <tr><td>δ_g group fairness</td>${propertyCell(model.groupFairness)}${propertyCell(model.paper.groupFairness)}<td class="text">gap in predicted-class shares between g0 and g1</td></tr>
    <tr><td>δ_p predictive fairness</td>${propertyCell(model.predictiveFairness)}${propertyCell(model.paper.predictiveFairness)}<td class="text">sound: gap in true-positive rates (equal opportunity); paper: gap in precision</td></tr>
    <tr><td>δ_i individual fairness</td>${propertyCell(model.individualFairness)}${propertyCell(model.paper.individualFairness)}<td class="text">sound: output distance against record distance over ${model.individualFairness === null ? 'sampled' : count(model.individualFairness.pairs)} record pairs; paper: gap between group-share and prediction-share gaps</td></tr>
    <tr><td>δ_mi indistinguishability</td>${propertyCell(model.indistinguishability)}${propertyCell(model.indistinguishability)}<td class="text">largest log ratio of predicted-label shares between members and non-members; 0 means indistinguishable by the predicted label</td></tr>
    <tr><td>I_X information</td>${propertyCell(model.information)}${propertyCell(model.paper.information)}<td class="text">sound: mean mutual information between each feature and the predicted label; paper: Kraskov estimate between records and first-layer weights (ANN only)</td></tr>
    <tr><td>I_X membership</td>${propertyCell(membership)}<td>n/a</td><td class="text">${membership === null
      ? 'skipped (membership repeats 0)'
      : `mutual information between membership and loss over ${membership.repeats} models retrained on ${count(membership.poolRecords)} records; an estimate with no leakage reads about ${fixed(membership.noLeakageBaseline)} from bias alone`}</td></tr>
  </table>
</section>`;
}

/** Flattens nested configuration into dotted keys. Arrays and leaves are written as JSON. */
function flatten(value: unknown, prefix: string, out: Array<[string, string]>): void {
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    for (const [key, inner] of Object.entries(value)) flatten(inner, prefix === '' ? key : `${prefix}.${key}`, out);
    return;
  }
  out.push([prefix, value === undefined ? 'undefined' : JSON.stringify(value)]);
}

const PROTOCOL_TEXT: Record<string, string> = {
  sound:
    'The sound protocol draws N members and N held-out records for the target and scores them at the member rate (0.5 by default). ' +
    'Numeric features are z-scored on each model\'s own training records.',
  paper:
    'The paper protocol follows the authors\' published code: it splits a target pool of N records 75/25 into members and non-members and scores all of them, ' +
    'so always answering "member" reaches 0.75 accuracy. Features are min-max scaled over the whole table, and the networks use tanh units and plain SGD.',
};

export function configurationSection(result: AuditResult): Markup {
  const { config } = result;
  const entries: Array<[string, string]> = [];
  flatten(config, '', entries);
  const summary: Array<[string, string]> = [
    ['protocol', result.protocol],
    ['seed', String(config.seed)],
    ['target model', `${config.targetModel}, trained on ${count(result.target.trainRecords)} records (target size ${count(config.targetSize)})`],
    ['shadow models', `${result.shadows.map((shadow) => `${shadow.model} on ${count(shadow.trainRecords)}`).join(', ')} records (shadow size ${count(config.shadowSize)})`],
    ['attack model', `${config.attack.model}, ${config.attack.perClass ? 'one per class' : 'one shared'}${config.attack.includeLabel ? ', with the true label' : ''}`],
    ['member rate', fixed(config.memberRate, 2)],
    ['protected attribute', config.protected ?? 'none'],
  ];
  return html`<section>
  <h2>Configuration and protocol</h2>
  <p>${PROTOCOL_TEXT[result.protocol] ?? result.protocol}</p>
  <dl class="config">${summary.map(([key, value]) => html`<dt>${key}</dt><dd>${value}</dd>`)}</dl>
  <details>
    <summary>Every configuration value (${entries.length})</summary>
    <dl class="config">${entries.map(([key, value]) => html`<dt>${key}</dt><dd>${value}</dd>`)}</dl>
  </details>
</section>`;
}
