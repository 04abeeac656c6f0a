/**
 * The report's plots as Vega-Lite specifications rendered to SVG on the
 * server, with every data point taken from an audit result. The plots carry
 * only fixed labels (attack names, axis titles), never text from the user's
 * data.
 */

import type { ScoreHistogram } from '../attack/histogram.ts';
import type { AttackMetrics } from '../attack/metrics.ts';
import { renderSvg, type VegaLiteSpec } from './vega.ts';

const SCHEMA = 'https://vega.github.io/schema/vega-lite/v6.json';
const FONT = 'system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif';
const CONFIG = {
  font: FONT,
  view: { stroke: '#ccc' },
  axis: { labelFontSize: 11, titleFontSize: 12, gridColor: '#eee' },
  legend: { labelFontSize: 11, titleFontSize: 12 },
};

/** One curve of the ROC plot. */
export interface RocSeries {
  name: string;
  metrics: Pick<AttackMetrics, 'roc' | 'members' | 'nonMembers'>;
}

/**
 * Renders the ROC curves of several attacks on log-log axes, with the chance
 * line TPR = FPR. Points with FPR or TPR of 0 have no place on a log axis and
 * are left out. The axes start at the power of ten at or below the smallest
 * nonzero rate the evaluation set can show, 1 / non-members or 1 / members.
 */
export async function rocPlot(series: RocSeries[]): Promise<string> {
  const points = series.flatMap(({ name, metrics }) =>
    metrics.roc.fpr.flatMap((fpr, k) => (fpr > 0 && metrics.roc.tpr[k] > 0 ? [{ attack: name, fpr, tpr: metrics.roc.tpr[k] }] : [])),
  );
  const smallestRate = Math.min(...series.map(({ metrics }) => Math.min(1 / metrics.nonMembers, 1 / metrics.members)));
  const low = 10 ** Math.floor(Math.log10(smallestRate));
  const axis = (title: string) => ({ type: 'quantitative', title, scale: { type: 'log', domain: [low, 1] }, axis: { format: '~g' } });

  const spec: VegaLiteSpec = {
    $schema: SCHEMA,
    width: 380,
    height: 320,
    config: CONFIG,
    layer: [
      {
        data: { values: [{ fpr: low, tpr: low }, { fpr: 1, tpr: 1 }] },
        mark: { type: 'line', color: '#999', strokeDash: [4, 4], strokeWidth: 1 },
        encoding: { x: { field: 'fpr', ...axis('false-positive rate') }, y: { field: 'tpr', ...axis('true-positive rate') } },
      },
      {
        data: { values: points },
        mark: { type: 'line', strokeWidth: 1.5, clip: true },
        encoding: {
          x: { field: 'fpr', ...axis('false-positive rate') },
          y: { field: 'tpr', ...axis('true-positive rate') },
          color: {
            field: 'attack',
            type: 'nominal',
            title: null,
            sort: series.map(({ name }) => name),
            legend: { orient: 'bottom', columns: 1, labelLimit: 0, symbolType: 'stroke' },
          },
          order: { field: 'fpr', type: 'quantitative' },
        },
      },
    ],
  };
  return renderSvg(spec);
}

/**
 * Renders the score histogram of one attack: per bin, the count of members in
 * the bin's left half and the count of non-members in its right half, so
 * neither bar hides the other.
 */
export async function histogramPlot(title: string, histogram: ScoreHistogram): Promise<string> {
  const { edges } = histogram;
  // A single bin of zero width (every score equal) is widened so that it shows.
  const pad = edges[edges.length - 1] === edges[0] ? 0.5 : 0;
  const bars = (group: 'members' | 'non-members', counts: number[]) =>
    counts.map((count, i) => {
      const from = edges[i] - pad;
      const to = edges[i + 1] + pad;
      const middle = (from + to) / 2;
      return group === 'members' ? { group, from, to: middle, count } : { group, from: middle, to, count };
    });

  const spec: VegaLiteSpec = {
    $schema: SCHEMA,
    title: { text: title, fontSize: 12, anchor: 'start' },
    width: 300,
    height: 150,
    config: CONFIG,
    data: { values: [...bars('non-members', histogram.nonMembers), ...bars('members', histogram.members)] },
    mark: { type: 'rect' },
    encoding: {
      x: { field: 'from', type: 'quantitative', title: 'attack score', scale: { zero: false, nice: false } },
      x2: { field: 'to' },
      y: { field: 'count', type: 'quantitative', title: 'records', stack: null },
      y2: { datum: 0 },
      color: {
        field: 'group',
        type: 'nominal',
        title: null,
        scale: { domain: ['members', 'non-members'], range: ['#d95f02', '#1b9e77'] },
        legend: { orient: 'top', direction: 'horizontal', offset: 4 },
      },
    },
  };
  return renderSvg(spec);
}
