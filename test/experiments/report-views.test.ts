import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { aggregateResults } from '../../experiments/aggregate.ts';
import fig8Hyperparameters from '../../experiments/fig8-hyperparameters.ts';
import { groupTitle, plottedMetrics, sweepPlot, tradeoffPlot } from '../../experiments/plot.ts';
import { groupMarkdown, groupPlot } from '../../experiments/report.ts';
import type { TrialRecord } from '../../experiments/results.ts';
import type { ExperimentView } from '../../experiments/spec.ts';
import table5Defences from '../../experiments/table5-defences.ts';
import { renderSvg } from '../../src/report/vega.ts';
import { handMadeRecord as record, handMadeSpec as spec } from './fixtures/hand-made-results.ts';

type Layer = { mark: unknown; data: { values: Record<string, unknown>[] }; encoding: Record<string, Record<string, unknown>> };
type Panel = { title: string; layer: Layer[] };

// ---------------------------------------------------------------------------
// Trade-off view
// ---------------------------------------------------------------------------

const TRADEOFF = spec('defences', { kind: 'tradeoff', x: 'attackAuc', y: 'targetTestAccuracy', series: 'regularizer' }, ['targetTestAccuracy', 'attackAuc', 'attackAccuracy']);

/** Two trials per point: no regulariser, then L2 at two λ, listed with the larger λ first in the grid. */
const TRADEOFF_RECORDS: TrialRecord[] = [
  record('defences', 0, { regularizer: 'none', lambda: 0 }, 0, { attackAuc: 0.6, targetTestAccuracy: 0.8, attackAccuracy: 0.58, trivialAccuracy: 0.5 }),
  record('defences', 0, { regularizer: 'none', lambda: 0 }, 1, { attackAuc: 0.62, targetTestAccuracy: 0.82, attackAccuracy: 0.6, trivialAccuracy: 0.5 }),
  record('defences', 1, { regularizer: 'l2', lambda: 0.01 }, 0, { attackAuc: 0.55, targetTestAccuracy: 0.79, attackAccuracy: 0.54, trivialAccuracy: 0.5 }),
  record('defences', 1, { regularizer: 'l2', lambda: 0.01 }, 1, { attackAuc: 0.57, targetTestAccuracy: 0.81, attackAccuracy: 0.55, trivialAccuracy: 0.5 }),
  record('defences', 2, { regularizer: 'l2', lambda: 0.1 }, 0, { attackAuc: 0.5, targetTestAccuracy: 0.7, attackAccuracy: 0.5, trivialAccuracy: 0.5 }),
  record('defences', 2, { regularizer: 'l2', lambda: 0.1 }, 1, { attackAuc: 0.52, targetTestAccuracy: 0.72, attackAccuracy: 0.51, trivialAccuracy: 0.5 }),
];

test('tradeoff has one point per grid point', () => {
  const [group] = aggregateResults(TRADEOFF_RECORDS, [TRADEOFF], { pruneThreshold: 0 });
  const plot = tradeoffPlot(group, 'attackAuc', 'targetTestAccuracy', 'regularizer') as { layer: Layer[] };
  const rows = plot.layer[0].data.values;
  assert.is(rows.length, 3);
  assert.equal(
    rows.map((row) => row.series),
    ['none', 'l2', 'l2'],
  );
  assert.ok(Math.abs((rows[0].x as number) - 0.61) < 1e-12, `mean attack AUC ${rows[0].x}`);
  assert.ok(Math.abs((rows[0].y as number) - 0.81) < 1e-12, `mean test accuracy ${rows[0].y}`);
});

test('tradeoff bars span the 95% interval', () => {
  const [group] = aggregateResults(TRADEOFF_RECORDS, [TRADEOFF], { pruneThreshold: 0 });
  const plot = tradeoffPlot(group, 'attackAuc', 'targetTestAccuracy', 'regularizer') as { layer: Layer[] };
  const [row] = plot.layer[0].data.values;
  // Two trials 0.02 apart: sd 0.0141421, half width t(0.975, 1) · sd / √2 = 12.706205 · 0.01 = 0.127062.
  assert.ok(Math.abs((row.xUpper as number) - (0.61 + 0.127062)) < 1e-5, `x upper ${row.xUpper}`);
  assert.ok(Math.abs((row.yLower as number) - (0.81 - 0.127062)) < 1e-5, `y lower ${row.yLower}`);
});

test('tradeoff joins a series in grid order', () => {
  const [group] = aggregateResults(TRADEOFF_RECORDS, [TRADEOFF], { pruneThreshold: 0 });
  const plot = tradeoffPlot(group, 'attackAuc', 'targetTestAccuracy', 'regularizer') as { layer: Layer[] };
  const line = plot.layer.find((layer) => (layer.mark as { type?: string }).type === 'line')!;
  assert.equal(line.encoding.order, { field: 'order', type: 'quantitative' });
  assert.equal(line.encoding.color.field, 'series');
  assert.equal(
    line.data.values.map((row) => row.order),
    [0, 1, 2],
  );
});

test('tradeoff draws chance on the AUC axis', () => {
  const [group] = aggregateResults(TRADEOFF_RECORDS, [TRADEOFF], { pruneThreshold: 0 });
  const plot = tradeoffPlot(group, 'attackAuc', 'targetTestAccuracy', 'regularizer') as { layer: Layer[] };
  const rules = plot.layer.filter((layer) => (layer.mark as { type?: string }).type === 'rule' && layer.data.values[0]?.label !== undefined);
  assert.is(rules.length, 1);
  assert.ok('x' in rules[0].encoding, 'the chance line is vertical');
  assert.is(rules[0].data.values[0].value, 0.5);
});

test('tradeoff fades pruned points', () => {
  const [group] = aggregateResults(TRADEOFF_RECORDS, [TRADEOFF]);
  const plot = tradeoffPlot(group, 'attackAuc', 'targetTestAccuracy', 'regularizer') as { layer: Layer[] };
  assert.equal(
    plot.layer[0].data.values.map((row) => row.faded),
    [false, false, true],
  );
});

test('tradeoff keeps every metric in the table', () => {
  const [group] = aggregateResults(TRADEOFF_RECORDS, [TRADEOFF]);
  assert.equal(plottedMetrics(group), ['targetTestAccuracy', 'attackAuc', 'attackAccuracy']);
  assert.match(groupMarkdown(group, 'plot.svg'), '| regularizer | lambda | ok trials | status | targetTestAccuracy | attackAuc | attackAccuracy |');
});

test('tradeoff renders to SVG', async () => {
  const [group] = aggregateResults(TRADEOFF_RECORDS, [TRADEOFF]);
  const svg = await renderSvg(groupPlot(group));
  assert.match(svg, '<svg');
  assert.match(svg, 'attackAuc');
  assert.match(svg, 'targetTestAccuracy');
  assert.match(svg, 'chance 0.5');
});

test('title names the baseline only when drawn', () => {
  const [group] = aggregateResults(TRADEOFF_RECORDS, [TRADEOFF]);
  assert.not.ok(groupTitle(group, ['attackAuc', 'targetTestAccuracy']).subtitle.some((line) => line.includes('trivial baseline')));
  assert.ok(groupTitle(group, ['attackAccuracy']).subtitle.some((line) => line.includes('trivial baseline accuracy 0.500')));
});

test('table5 plots test accuracy against AUC', () => {
  const view = table5Defences.view;
  assert.equal(view, { kind: 'tradeoff', x: 'attackAuc', y: 'targetTestAccuracy', series: 'regularizer' });
  assert.ok(table5Defences.metrics.includes('attackAuc'));
  assert.ok(table5Defences.metrics.includes('targetTestAccuracy'));
  for (const profile of ['quick', 'paper'] as const) {
    for (const point of table5Defences.profiles[profile].points) assert.type(point.regularizer, 'string', JSON.stringify(point));
  }
});

// ---------------------------------------------------------------------------
// Faceted sweep
// ---------------------------------------------------------------------------

const FACETED = spec('hyper', { kind: 'sweep', x: 'value', series: 'depth', xScale: 'log', facet: 'parameter' }, ['attackAccuracy']);

const FACETED_RECORDS: TrialRecord[] = [
  { parameter: 'width', value: 5 },
  { parameter: 'width', value: 100 },
  { parameter: 'learningRate', value: 0.001 },
  { parameter: 'learningRate', value: 0.1 },
  { parameter: 'l2', value: 0 },
  { parameter: 'l2', value: 0.01 },
  { parameter: 'l2', value: 1 },
].map((setting, pointIndex) => record('hyper', pointIndex, { depth: 1, ...setting }, 0, { attackAccuracy: 0.5 + pointIndex / 100, targetTestAccuracy: 0.8 }));

function facetPanels(): Panel[] {
  const [group] = aggregateResults(FACETED_RECORDS, [FACETED]);
  const view = FACETED.view as Extract<ExperimentView, { kind: 'sweep' }>;
  const plot = sweepPlot(group, view) as { concat: Panel[]; columns: number };
  assert.is(plot.columns, 3);
  return plot.concat;
}

test('facet gives a panel per sweep', () => {
  const panels = facetPanels();
  // attackAccuracy, then attackAuc is absent from the trials: one row of three panels.
  assert.is(panels.length, 3);
  assert.equal(
    panels.map((panel) => panel.layer[0].data.values.map((row) => row.x)),
    [[5, 100], [0.001, 0.1], [0, 0.01, 1]],
  );
});

test('facet scales suit each sweep', () => {
  const scales = facetPanels().map((panel) => panel.layer[0].encoding.x.scale);
  assert.equal(scales[0], { type: 'log' });
  assert.equal(scales[1], { type: 'log' });
  // The L2 ratio starts at 0: a symmetric log scale, linear below the smallest nonzero value.
  assert.equal(scales[2], { type: 'symlog', constant: 0.01 });
});

test('facet ticks at the grid values', () => {
  const axes = facetPanels().map((panel) => panel.layer[0].encoding.x.axis);
  assert.equal(axes, [
    { values: [5, 100], format: '~g' },
    { values: [0.001, 0.1], format: '~g' },
    { values: [0, 0.01, 1], format: '~g' },
  ]);
});

test('facet titles name the sweep', () => {
  const titles = facetPanels().map((panel) => panel.layer[0].encoding.x.title);
  assert.equal(titles, ['value (parameter = width)', 'value (parameter = learningRate)', 'value (parameter = l2)']);
});

test('faceted sweep renders to SVG', async () => {
  const [group] = aggregateResults(FACETED_RECORDS, [FACETED]);
  const svg = await renderSvg(groupPlot(group));
  assert.match(svg, 'value (parameter = l2)');
});

test('fig8 facets by parameter', () => {
  const view = fig8Hyperparameters.view;
  assert.is(view.kind, 'sweep');
  assert.is((view as Extract<ExperimentView, { kind: 'sweep' }>).facet, 'parameter');
  for (const point of fig8Hyperparameters.profiles.paper.points) assert.ok(['width', 'learningRate', 'l2'].includes(String(point.parameter)), JSON.stringify(point));
});

test.run();
