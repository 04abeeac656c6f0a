import type { CorrelationGroup, ResultGroup } from './aggregate.ts';
import { formatP, formatTrivial, plottedMetrics } from './plot.ts';
import { formatInterval } from './report-format.ts';

/**
 * The report's tables and notes as plain cells and sentences, shared by the
 * Markdown files and the HTML page so that both show the same numbers.
 */

/** Table of text cells with its header. `pruned[i]` marks row i as a pruned point. */
export interface TableData {
  header: string[];
  rows: string[][];
  pruned?: boolean[];
}

/** Keys of the points' settings, in first-seen order. */
export function settingNames(group: ResultGroup): string[] {
  return [...new Set(group.points.flatMap((point) => Object.keys(point.point)))];
}

/** Trials of a group present in the results, how many of them failed, and how many its profile runs. */
export function trialCounts(group: ResultGroup): { trials: number; failed: number; expected: number } {
  const trials = group.points.reduce((sum, point) => sum + point.trials, 0);
  const failed = group.points.reduce((sum, point) => sum + point.failed, 0);
  return { trials, failed, expected: group.expectedTrials };
}

/** Builds the sentences under a group's heading: what was run, the trivial baseline and the pruning rule. */
export function groupNotes(group: ResultGroup): string[] {
  const { trials, failed, expected } = trialCounts(group);
  const missing = trials < expected ? `; the profile runs ${expected}, so ${expected - trials} are missing (a shard not merged or a run not finished)` : '';
  const notes = [
    `Dataset ${group.dataset}, ${group.protocol} protocol, ${group.profile} profile: ${trials} trials (${failed} failed)${missing}. ` +
      `Values are means ± the half width of the 95% Student-t interval over trials.`,
  ];
  if (group.trivialAccuracies.length > 0) {
    notes.push(`Trivial baseline of attack accuracy (always predicting the majority membership): ${formatTrivial(group.trivialAccuracies)}.`);
  }
  if (group.bestTestAccuracy !== null) {
    notes.push(`Pruned: points whose mean target test accuracy is below ${group.pruneThreshold} × the best point's (${group.bestTestAccuracy.toFixed(3)}).`);
  }
  return notes;
}

/** Tabulates every point: its settings, ok trials, status, and each plotted metric's mean ± half width. */
export function pointTableData(group: ResultGroup): TableData {
  const settings = settingNames(group);
  const metrics = plottedMetrics(group);
  const rows = group.points.map((point) => [
    ...settings.map((name) => (name in point.point ? String(point.point[name]) : '')),
    `${point.trials - point.failed}/${point.expectedTrials}`,
    point.status,
    ...metrics.map((metric) => formatInterval(point.values[metric])),
  ]);
  return { header: [...settings, 'ok trials', 'status', ...metrics], rows, pruned: group.points.map((point) => point.status === 'pruned') };
}

/** Lists one line per point with failed trials: the point and the distinct error messages. */
export function failureLines(group: ResultGroup): string[] {
  return group.points.filter((point) => point.errors.length > 0).map((point) => `${JSON.stringify(point.point)}: ${point.failed} failed: ${point.errors.join('; ')}`);
}

/** Tabulates `metric` means with rows `y` and columns `x`, the layout of target × shadow models in Table 2 of Tonni et al. (2020). */
export function heatmapTableData(group: ResultGroup, x: string, y: string, metric: string): TableData & { caption: string } {
  const xValues = [...new Set(group.points.map((point) => String(point.point[x])))];
  const yValues = [...new Set(group.points.map((point) => String(point.point[y])))];
  const rows = yValues.map((yValue) => [
    yValue,
    ...xValues.map((xValue) => {
      const point = group.points.find((candidate) => String(candidate.point[x]) === xValue && String(candidate.point[y]) === yValue);
      if (point === undefined) return '';
      return `${formatInterval(point.values[metric])}${point.status === 'ok' ? '' : ` (${point.status})`}`;
    }),
  ]);
  return { caption: `${metric} (rows: ${y}, columns: ${x})`, header: [`${y} \\ ${x}`, ...xValues], rows };
}

/** Tabulates the grids of a heat-map view: its value, then attack AUC when that is another reported metric. Empty for other views. */
export function heatmapTables(group: ResultGroup): (TableData & { caption: string })[] {
  const view = group.spec.view;
  if (view.kind !== 'heatmap') return [];
  const tables = [heatmapTableData(group, view.x, view.y, view.value)];
  if (view.value !== 'attackAuc' && group.fields.includes('attackAuc')) tables.push(heatmapTableData(group, view.x, view.y, 'attackAuc'));
  return tables;
}

/** Builds the note under a correlation group's heading: what was pooled and how p is computed. */
export function correlationNote(group: CorrelationGroup): string {
  return (
    `Dataset ${group.dataset}, ${group.protocol} protocol. Pooled trials of ${group.pooled.join(', ')}` +
    (group.prunedTrials > 0 ? `, leaving out ${group.prunedTrials} trials of pruned points.` : '.') +
    ' p: two-sided, from the t distribution with n − 2 degrees of freedom; n/a: fewer than 3 trials or a constant property.'
  );
}

/** Pearson's and Spearman's r with p-values and n, one row per pair of pooled properties. */
export function correlationTableData(group: CorrelationGroup): TableData {
  const rows = group.rows.map((row) => [
    row.first,
    row.second,
    row.pearson === null ? 'n/a' : row.pearson.r.toFixed(3),
    row.pearson === null ? '' : formatP(row.pearson.p),
    row.spearman === null ? 'n/a' : row.spearman.r.toFixed(3),
    row.spearman === null ? '' : formatP(row.spearman.p),
    String(row.n),
  ]);
  return { header: ['Prop. 1', 'Prop. 2', "Pearson's r", 'p', "Spearman's r", 'p', 'n'], rows };
}

/** Formats the headline metric's range over non-pruned points, e.g. `attackAccuracy 0.512–0.634`. */
export function headlineRange(group: ResultGroup): string {
  const metric = group.spec.metrics[0];
  const means = group.points
    .filter((point) => point.status === 'ok')
    .map((point) => point.values[metric]?.mean)
    .filter((mean): mean is number => mean !== undefined);
  if (means.length === 0) return '–';
  return `${metric} ${Math.min(...means).toFixed(3)}–${Math.max(...means).toFixed(3)}`;
}

/** Header of the index: one row per experiment, dataset and protocol. */
export const INDEX_HEADER = ['experiment', 'dataset', 'protocol', 'ok trials', 'pruned points', 'headline (range of point means)', 'trivial accuracy'];

/** Returns the index cells of a group after its experiment cell. */
export function indexCells(group: ResultGroup): string[] {
  const { trials, failed, expected } = trialCounts(group);
  const pruned = group.points.filter((point) => point.status === 'pruned').length;
  return [group.dataset, group.protocol, `${trials - failed}/${expected}`, String(pruned), headlineRange(group), formatTrivial(group.trivialAccuracies)];
}

/** Returns the index cells of a correlation group after its experiment cell. */
export function correlationIndexCells(group: CorrelationGroup): string[] {
  return [group.dataset, group.protocol, '–', '–', `${group.rows.length} pairs`, '–'];
}
