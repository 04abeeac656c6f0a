import type { VegaLiteSpec } from '../src/report/vega.ts';
import type { MeanInterval } from '../src/stats/index.ts';
import { trialValue, type CorrelationGroup, type PointSummary, type ResultGroup } from './aggregate.ts';
import type { Value } from './spec.ts';

/**
 * Vega-Lite specifications of the report's plots, one per experiment,
 * dataset and protocol. Sweeps get error bars, scatters one dot per trial,
 * trade-offs mean against mean with bars on both axes, heat-maps a grid, and
 * correlations a coefficient table.
 * Attack accuracy panels show the trivial baseline (the accuracy of always
 * predicting the majority membership: 0.5 under `sound`, 0.75 under `paper`),
 * and AUC is plotted beside accuracy.
 */

const VEGA_LITE_SCHEMA = 'https://vega.github.io/schema/vega-lite/v6.json';
const PANEL_WIDTH = 220;
const PANEL_HEIGHT = 160;
const PANEL_COLUMNS = 3;
const TRADEOFF_WIDTH = 520;
const TRADEOFF_HEIGHT = 340;

/**
 * Lists the metrics that get a panel (and a table column): the spec's, plus
 * attack accuracy and AUC when the trials report them. The trivial accuracy
 * is drawn as a line instead, and the x axis of a sweep or scatter gets no
 * panel against itself. A trade-off view keeps every metric, because its
 * one plot shows only two of them.
 */
export function plottedMetrics(group: ResultGroup): string[] {
  const view = group.spec.view;
  const x = view.kind === 'sweep' || view.kind === 'scatter' ? view.x : undefined;
  const metrics = group.spec.metrics.filter((name) => name !== 'trivialAccuracy' && name !== x);
  for (const name of ['attackAccuracy', 'attackAuc']) {
    if (!metrics.includes(name) && group.fields.includes(name)) metrics.push(name);
  }
  return metrics.filter((name) => group.points.some((point) => point.values[name] !== undefined));
}

/** Returns whether the trivial baseline applies to `metric`: attack accuracies over the whole evaluation set, not balanced ones. */
function isAttackAccuracy(metric: string): boolean {
  return /^attackAccuracy|AttackAccuracy$/.test(metric) && !/Balanced/.test(metric);
}

/** Returns whether `metric` has a chance level of 0.5 whatever the member rate (AUC, balanced accuracy). */
function hasChanceHalf(metric: string): boolean {
  return /Auc$|^attackAuc|BalancedAccuracy/.test(metric);
}

/** Builds the plot's title and subtitle. The subtitle explains the trivial baseline line only when one of the `plotted` metrics shows it. */
export function groupTitle(group: ResultGroup, plotted: readonly string[]): { text: string; subtitle: string[] } {
  const subtitle = [`${group.dataset}, ${group.protocol} protocol, ${group.profile} profile`];
  if (group.trivialAccuracies.length > 0 && plotted.some(isAttackAccuracy)) subtitle.push(`dashed red: trivial baseline accuracy ${formatTrivial(group.trivialAccuracies)} (always predicting the majority membership)`);
  const pruned = group.points.filter((point) => point.status === 'pruned');
  if (pruned.length > 0) {
    const mark = group.spec.view.kind === 'heatmap' ? 'marked †' : 'faded';
    subtitle.push(`${mark}: ${pruned.length} pruned point(s), test accuracy below ${group.pruneThreshold} × the best point's`);
  }
  return { text: group.spec.title, subtitle };
}

/**
 * Builds the reference lines of a panel: the trivial baseline on attack
 * accuracy, chance 0.5 on AUC and balanced accuracy. `axis` is the axis that
 * shows `metric`. The lines are horizontal on `y` and vertical on `x`.
 */
function referenceLayers(group: ResultGroup, metric: string, axis: 'x' | 'y' = 'y'): VegaLiteSpec[] {
  const lines: { value: number; label: string; color: string }[] = [];
  if (isAttackAccuracy(metric)) {
    for (const level of group.trivialAccuracies) lines.push({ value: level, label: `trivial ${level.toFixed(2)}`, color: '#d62728' });
  }
  if (hasChanceHalf(metric)) lines.push({ value: 0.5, label: 'chance 0.5', color: '#7f7f7f' });
  const position = { field: 'value', type: 'quantitative' };
  // Labels sit at the left end of a horizontal line and at the top of a vertical one.
  const label =
    axis === 'y'
      ? { mark: { type: 'text', align: 'left', dx: 3, dy: -6, fontSize: 9 }, encoding: { y: position, x: { value: 0 } } }
      : { mark: { type: 'text', align: 'left', dx: 3, dy: 8, fontSize: 9 }, encoding: { x: position, y: { value: 0 } } };
  return lines.flatMap((line) => [
    { data: { values: [line] }, mark: { type: 'rule', strokeDash: [6, 4], color: line.color }, encoding: { [axis]: position } },
    { data: { values: [line] }, mark: { ...label.mark, color: line.color }, encoding: { ...label.encoding, text: { field: 'label' } } },
  ]);
}

/**
 * Encoding of an axis: quantitative when every value is a number, else
 * ordinal in grid order. A `log` request gets a log scale when every value is
 * positive. When some value is 0 or negative, as in an L2 ratio sweep from 0,
 * it gets a symmetric log scale: linear within the smallest nonzero magnitude
 * of 0, logarithmic beyond.
 */
function axisEncoding(field: string, title: string, values: Value[], scale: 'linear' | 'log' = 'linear'): Record<string, unknown> {
  const numeric = values.every((value) => typeof value === 'number');
  if (!numeric) return { field, type: 'ordinal', title, sort: [...new Set(values.map(String))] };
  const numbers = values as number[];
  if (scale === 'linear') return { field, type: 'quantitative', title, scale: { zero: false } };
  // Ticks at the grid's own values: Vega's default ticks label few of them on a symmetric log scale.
  const axis = { values: [...new Set(numbers)].sort((a, b) => a - b), format: '~g' };
  if (numbers.every((value) => value > 0)) return { field, type: 'quantitative', title, scale: { type: 'log' }, axis };
  const magnitudes = numbers.map(Math.abs).filter((value) => value > 0);
  const constant = magnitudes.length > 0 ? Math.min(...magnitudes) : 1;
  return { field, type: 'quantitative', title, scale: { type: 'symlog', constant }, axis };
}

/** A sweep view's settings: the x setting, the optional series and facet settings, and the x scale. */
export interface SweepOptions {
  x: string;
  series?: string;
  xScale?: 'linear' | 'log';
  facet?: string;
}

/**
 * Plots the mean ± 95% interval of each metric against the view's `x`, one line per
 * `series` value. With a `facet`, each metric gets one panel per facet value
 * (a row of panels per metric), each with its own x scale over that value's points.
 */
export function sweepPlot(group: ResultGroup, options: SweepOptions): VegaLiteSpec {
  const { x, series, xScale = 'linear', facet } = options;
  const facetValues = facet === undefined ? [undefined] : [...new Set(group.points.map((point) => point.point[facet] ?? null))];
  const metrics = plottedMetrics(group);
  const panels = metrics.flatMap((metric) =>
    facetValues.map((facetValue) => {
      const points = facet === undefined ? group.points : group.points.filter((point) => (point.point[facet] ?? null) === facetValue);
      const xTitle = facet === undefined ? x : `${x} (${facet} = ${String(facetValue)})`;
      return sweepPanel(group, points, metric, x, axisEncoding('x', xTitle, points.map((point) => point.point[x] ?? null), xScale), series);
    }),
  );
  return { $schema: VEGA_LITE_SCHEMA, title: groupTitle(group, metrics), concat: panels, columns: facet === undefined ? PANEL_COLUMNS : facetValues.length };
}

/** Builds one panel of a sweep: error bars, the line of means per series, and the means as dots, pruned points faded. */
function sweepPanel(group: ResultGroup, points: readonly PointSummary[], metric: string, x: string, xEncoding: Record<string, unknown>, series: string | undefined): VegaLiteSpec {
  const rows = points.flatMap((point) => {
    const value = point.values[metric];
    if (value === undefined) return [];
    const halfWidth = finiteHalfWidth(value);
    return [
      {
        x: point.point[x] ?? null,
        series: series === undefined ? 'all' : String(point.point[series]),
        mean: value.mean,
        lower: value.mean - halfWidth,
        upper: value.mean + halfWidth,
        n: value.n,
        faded: point.status === 'pruned',
      },
    ];
  });
  const color = series === undefined ? { value: '#1f77b4' } : { field: 'series', type: 'nominal', title: series };
  const opacity = { condition: { test: 'datum.faded', value: 0.3 }, value: 1 };
  return metricPanel(group, metric, [
    {
      data: { values: rows },
      mark: { type: 'errorbar', ticks: true },
      encoding: { x: xEncoding, y: { field: 'lower', type: 'quantitative', title: metric, scale: { zero: false } }, y2: { field: 'upper' }, color, opacity },
    },
    { data: { values: rows }, mark: 'line', encoding: { x: xEncoding, y: { field: 'mean', type: 'quantitative' }, color } },
    { data: { values: rows }, mark: { type: 'point', filled: true }, encoding: { x: xEncoding, y: { field: 'mean', type: 'quantitative' }, color, opacity } },
  ]);
}

/** Builds a panel of a sweep or scatter, titled by its metric: `layers`, then the metric's reference lines over them. */
function metricPanel(group: ResultGroup, metric: string, layers: VegaLiteSpec[]): VegaLiteSpec {
  return { title: metric, width: PANEL_WIDTH, height: PANEL_HEIGHT, layer: [...layers, ...referenceLayers(group, metric)] };
}

/** Plots one dot per ok trial: each metric against the view's `x`, a point setting or a measured value. */
export function scatterPlot(group: ResultGroup, x: string): VegaLiteSpec {
  const pruned = new Set(group.points.filter((point) => point.status === 'pruned').map((point) => point.pointIndex));
  const metrics = plottedMetrics(group);
  const panels = metrics.map((metric) => {
    const rows = group.records.flatMap((record) => {
      const xValue = trialValue(record, x);
      const yValue = trialValue(record, metric);
      return xValue === undefined || yValue === undefined ? [] : [{ x: xValue, y: yValue, faded: pruned.has(record.pointIndex) }];
    });
    return metricPanel(group, metric, [
      {
        data: { values: rows },
        mark: { type: 'point', filled: true, size: 18 },
        encoding: {
          x: { field: 'x', type: 'quantitative', title: x, scale: { zero: false } },
          y: { field: 'y', type: 'quantitative', title: metric, scale: { zero: false } },
          opacity: { condition: { test: 'datum.faded', value: 0.2 }, value: 0.7 },
        },
      },
    ]);
  });
  return { $schema: VEGA_LITE_SCHEMA, title: groupTitle(group, metrics), concat: panels, columns: PANEL_COLUMNS };
}

/**
 * Plots mean `y` against mean `x`, one point per grid point with its 95% interval
 * on both axes, coloured by `series`, the points of a series joined in grid
 * order (λ order in Table 5 of Tonni et al. (2020)). Pruned points are faded.
 */
export function tradeoffPlot(group: ResultGroup, x: string, y: string, series: string): VegaLiteSpec {
  const seriesValues = [...new Set(group.points.map((point) => String(point.point[series])))];
  const rows = group.points.flatMap((point) => {
    const xValue = point.values[x];
    const yValue = point.values[y];
    if (xValue === undefined || yValue === undefined) return [];
    const xHalf = finiteHalfWidth(xValue);
    const yHalf = finiteHalfWidth(yValue);
    return [
      {
        series: String(point.point[series]),
        order: point.pointIndex,
        x: xValue.mean,
        xLower: xValue.mean - xHalf,
        xUpper: xValue.mean + xHalf,
        y: yValue.mean,
        yLower: yValue.mean - yHalf,
        yUpper: yValue.mean + yHalf,
        faded: point.status === 'pruned',
      },
    ];
  });
  const xScale = { field: 'x', type: 'quantitative', title: x, scale: { zero: false } };
  const yScale = { field: 'y', type: 'quantitative', title: y, scale: { zero: false } };
  const color = { field: 'series', type: 'nominal', title: series, sort: seriesValues };
  const opacity = { condition: { test: 'datum.faded', value: 0.3 }, value: 1 };
  return {
    $schema: VEGA_LITE_SCHEMA,
    title: groupTitle(group, [x, y]),
    width: TRADEOFF_WIDTH,
    height: TRADEOFF_HEIGHT,
    layer: [
      { data: { values: rows }, mark: { type: 'rule', strokeWidth: 1 }, encoding: { x: { ...xScale, field: 'xLower' }, x2: { field: 'xUpper' }, y: yScale, color, opacity } },
      { data: { values: rows }, mark: { type: 'rule', strokeWidth: 1 }, encoding: { y: { ...yScale, field: 'yLower' }, y2: { field: 'yUpper' }, x: xScale, color, opacity } },
      { data: { values: rows }, mark: { type: 'line', strokeWidth: 1 }, encoding: { x: xScale, y: yScale, color, order: { field: 'order', type: 'quantitative' } } },
      { data: { values: rows }, mark: { type: 'point', filled: true, size: 50 }, encoding: { x: xScale, y: yScale, color, opacity, shape: { field: 'series', type: 'nominal', sort: seriesValues } } },
      ...referenceLayers(group, x, 'x'),
      ...referenceLayers(group, y, 'y'),
    ],
  };
}

/**
 * Plots mean `value` over the grid of settings `x` × `y`, beside the same grid of
 * attack AUC. An accuracy grid's colour scale is centred on the trivial
 * baseline, so cells below it read as the other hue.
 */
export function heatmapPlot(group: ResultGroup, x: string, y: string, value: string): VegaLiteSpec {
  const metrics = [value, ...['attackAuc'].filter((name) => name !== value && group.fields.includes(name))];
  const xValues = [...new Set(group.points.map((point) => String(point.point[x])))];
  const yValues = [...new Set(group.points.map((point) => String(point.point[y])))];
  const panels = metrics.map((metric) => {
    const rows = group.points.flatMap((point) => {
      const summary = point.values[metric];
      return summary === undefined ? [] : [{ x: String(point.point[x]), y: String(point.point[y]), mean: summary.mean, label: `${summary.mean.toFixed(3)}${point.status === 'pruned' ? ' †' : ''}` }];
    });
    const trivial = group.trivialAccuracies.length === 1 ? group.trivialAccuracies[0] : null;
    const mid = isAttackAccuracy(metric) ? trivial : hasChanceHalf(metric) ? 0.5 : null;
    const colorScale = mid === null ? { scheme: 'blues' } : { scheme: 'redblue', reverse: true, domainMid: mid };
    return {
      title: mid === null ? metric : `${metric} (white at ${mid.toFixed(2)})`,
      width: 48 * xValues.length,
      height: 24 * yValues.length,
      data: { values: rows },
      encoding: {
        x: { field: 'x', type: 'ordinal', title: x, sort: xValues },
        y: { field: 'y', type: 'ordinal', title: y, sort: yValues },
      },
      layer: [
        { mark: 'rect', encoding: { color: { field: 'mean', type: 'quantitative', title: metric, scale: colorScale } } },
        { mark: { type: 'text', fontSize: 9 }, encoding: { text: { field: 'label' } } },
      ],
    };
  });
  return { $schema: VEGA_LITE_SCHEMA, title: groupTitle(group, metrics), hconcat: panels, resolve: { scale: { color: 'independent' } } };
}

/** Plots Pearson's and Spearman's r of every pair as a coloured table with the coefficients written in. */
export function correlationPlot(group: CorrelationGroup): VegaLiteSpec {
  const rows = group.rows.flatMap((row) =>
    (['pearson', 'spearman'] as const).map((kind) => {
      const coefficient = row[kind];
      return {
        pair: `${row.first} · ${row.second}`,
        kind: kind === 'pearson' ? "Pearson's r" : "Spearman's r",
        r: coefficient?.r ?? null,
        label: coefficient === null ? 'n/a' : `${coefficient.r.toFixed(2)} (p ${formatP(coefficient.p)})`,
      };
    }),
  );
  return {
    $schema: VEGA_LITE_SCHEMA,
    title: { text: group.spec.title, subtitle: [`${group.dataset}, ${group.protocol} protocol; pooled: ${group.pooled.join(', ')}`] },
    width: 260,
    height: 20 * group.rows.length,
    data: { values: rows },
    encoding: { x: { field: 'kind', type: 'nominal', title: null }, y: { field: 'pair', type: 'nominal', title: null, sort: null, axis: { labelLimit: 400 } } },
    layer: [
      { mark: 'rect', encoding: { color: { field: 'r', type: 'quantitative', scale: { scheme: 'redblue', domain: [-1, 1], reverse: true }, title: 'r' } } },
      { mark: { type: 'text', fontSize: 9 }, encoding: { text: { field: 'label' } } },
    ],
  };
}

/** Returns the half width of an interval, or 0 when one trial leaves it undefined, so the error bar collapses to the mean. */
function finiteHalfWidth(value: MeanInterval): number {
  return Number.isFinite(value.halfWidth) ? value.halfWidth : 0;
}

/** Formats the trivial baseline levels, e.g. `0.750`, or `0.500 / 0.750 (varies by point)`. */
export function formatTrivial(levels: readonly number[]): string {
  if (levels.length === 0) return '–';
  const text = levels.map((level) => level.toFixed(3)).join(' / ');
  return levels.length > 1 ? `${text} (varies by point)` : text;
}

/** Formats a p-value for a table cell: `<0.001` below 0.001, else three decimals. */
export function formatP(p: number): string {
  return p < 0.001 ? '<0.001' : p.toFixed(3);
}
