import { join } from 'node:path';
import { renderSvg, type VegaLiteSpec } from '../src/report/vega.ts';
import { aggregateResults, correlateResults, unknownExperiments, type AggregateOptions, type CorrelationGroup, type ResultGroup } from './aggregate.ts';
import { claimsMarkdown } from './report-claims.ts';
import { htmlReport } from './report-html.ts';
import { markdownTable } from './report-format.ts';
import { correlationPlot, heatmapPlot, scatterPlot, sweepPlot, tradeoffPlot } from './plot.ts';
import {
  correlationIndexCells,
  correlationNote,
  correlationTableData,
  failureLines,
  groupNotes,
  heatmapTables,
  indexCells,
  INDEX_HEADER,
  pointTableData,
  settingNames,
  type TableData,
} from './report-tables.ts';
import { writeFileAtomic, type TrialRecord } from './results.ts';
import type { ExperimentSpec, Value } from './spec.ts';

/**
 * Writes the report of a results folder:
 *
 *   OUT/index.md                              every experiment, dataset and protocol, with its headline metric
 *   OUT/claims.md                             each experiment's claim, and both protocols' results side by side
 *   OUT/<experiment>/<dataset>-<protocol>.csv  per point: settings, trial counts, status, and for each metric
 *                                              its mean, 95% interval bounds and number of trials
 *   OUT/<experiment>/<dataset>-<protocol>.md   the same as a Markdown table, with the claim and notes
 *   OUT/<experiment>/<dataset>-<protocol>.svg  the plot of the experiment's view
 *
 * and, on request, returns the HTML page of all of them (report-html.ts).
 * A pooling experiment (table4) writes its correlation table in the same
 * layout, from the results of the experiments it pools in the same folder.
 */

export interface ReportOptions extends AggregateOptions {
  /** Experiments to write files for. Default: every experiment with results, and every pooling one whose pools have results. */
  experiments?: readonly string[];
  /** Request to also render the HTML page of the same experiments (see report-html.ts). `source` names the results folder on the page. */
  html?: { source: string };
}

export interface ReportSummary {
  /** Paths written, index.md last. */
  files: string[];
  /** Experiments in the results that `specs` does not contain, left out of the report. */
  unknown: string[];
  /** The HTML page, when `options.html` asked for it. The caller writes it, so that it chooses the path. */
  html?: string;
}

/** Aggregates `records` and writes the report files of the selected experiments to `out`, index.md last. */
export async function writeReport(out: string, records: readonly TrialRecord[], specs: readonly ExperimentSpec[], options: ReportOptions = {}): Promise<ReportSummary> {
  const groups = aggregateResults(records, specs, options);
  const correlations = specs.filter((spec) => spec.pools !== undefined).flatMap((spec) => correlateResults(spec, groups));
  const selected = (id: string): boolean => options.experiments === undefined || options.experiments.includes(id);
  const files: string[] = [];
  const svgs = new Map<ResultGroup | CorrelationGroup, string>();

  const shownGroups = groups.filter((candidate) => selected(candidate.spec.id));
  for (const group of shownGroups) {
    const svg = await renderSvg(groupPlot(group));
    svgs.set(group, svg);
    files.push(...writeGroupFiles(out, group, groupCsv(group), groupMarkdown(group, `${fileStem(group)}.svg`), svg));
  }
  const shownCorrelations = correlations.filter((candidate) => selected(candidate.spec.id));
  for (const group of shownCorrelations) {
    const svg = await renderSvg(correlationPlot(group));
    svgs.set(group, svg);
    files.push(...writeGroupFiles(out, group, correlationCsv(group), correlationMarkdown(group, `${fileStem(group)}.svg`), svg));
  }
  files.push(write(join(out, 'claims.md'), claimsMarkdown(specs, groups, correlations)));
  files.push(write(join(out, 'index.md'), indexMarkdown(groups, correlations)));
  const html = options.html === undefined ? undefined : htmlReport({ source: options.html.source, specs, groups: shownGroups, correlations: shownCorrelations, svgs });
  return { files, unknown: unknownExperiments(records, specs), html };
}

/** Writes a group's CSV, Markdown table and SVG plot to OUT/<experiment>/<dataset>-<protocol>.{csv,md,svg} and returns the three paths. */
function writeGroupFiles(out: string, group: ResultGroup | CorrelationGroup, csv: string, markdown: string, svg: string): string[] {
  const stem = join(out, group.spec.id, fileStem(group));
  return [write(`${stem}.csv`, csv), write(`${stem}.md`, markdown), write(`${stem}.svg`, svg)];
}

/** Names a group's files in its experiment's folder, without the extension: `<dataset>-<protocol>`. */
function fileStem(group: ResultGroup | CorrelationGroup): string {
  return `${fileSafe(group.dataset)}-${group.protocol}`;
}

function write(path: string, content: string): string {
  writeFileAtomic(path, content);
  return path;
}

/** Turns a dataset name into a file name that keeps only letters, digits, dot, dash and underscore. */
function fileSafe(name: string): string {
  return name.replace(/[^A-Za-z0-9._-]+/g, '_');
}

export function groupPlot(group: ResultGroup): VegaLiteSpec {
  const view = group.spec.view;
  switch (view.kind) {
    case 'sweep':
      return sweepPlot(group, view);
    case 'tradeoff':
      return tradeoffPlot(group, view.x, view.y, view.series);
    case 'scatter':
      return scatterPlot(group, view.x);
    case 'heatmap':
      return heatmapPlot(group, view.x, view.y, view.value);
    case 'correlations':
      throw new Error(`groupPlot: ${group.spec.id} pools other experiments and has no trials of its own`);
  }
}

// ---------------------------------------------------------------------------
// CSV
// ---------------------------------------------------------------------------

function csvCell(value: Value | undefined): string {
  if (value === null || value === undefined || (typeof value === 'number' && !Number.isFinite(value))) return '';
  const text = String(value);
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

function csvLine(cells: (Value | undefined)[]): string {
  return `${cells.map(csvCell).join(',')}\n`;
}

export function groupCsv(group: ResultGroup): string {
  const settings = settingNames(group);
  const header = [...settings, 'trials', 'failed', 'status'];
  for (const field of group.fields) header.push(`${field}_mean`, `${field}_ci95_low`, `${field}_ci95_high`, `${field}_n`);
  let text = csvLine(header);
  for (const point of group.points) {
    const cells: (Value | undefined)[] = [...settings.map((name) => point.point[name]), point.trials, point.failed, point.status];
    for (const field of group.fields) {
      const value = point.values[field];
      cells.push(value?.mean, value?.lower, value?.upper, value?.n ?? 0);
    }
    text += csvLine(cells);
  }
  return text;
}

function correlationCsv(group: CorrelationGroup): string {
  let text = csvLine(['property_1', 'property_2', 'n', 'pearson_r', 'pearson_p', 'spearman_r', 'spearman_p']);
  for (const row of group.rows) text += csvLine([row.first, row.second, row.n, row.pearson?.r, row.pearson?.p, row.spearman?.r, row.spearman?.p]);
  return text;
}

// ---------------------------------------------------------------------------
// Markdown
// ---------------------------------------------------------------------------

function groupHeader(group: ResultGroup, svg: string): string {
  const lines = [`# ${group.spec.title}`, '', `Claim: ${group.spec.claim}`];
  for (const note of groupNotes(group)) lines.push('', note);
  lines.push('', `![${group.spec.id}](${svg})`, '');
  return `${lines.join('\n')}\n`;
}

function tableMarkdown(table: TableData): string {
  return markdownTable(table.header, table.rows);
}

function failureNotes(group: ResultGroup): string {
  const notes = failureLines(group).map((line) => `- ${line}`);
  return notes.length === 0 ? '' : `\nFailed trials:\n\n${notes.join('\n')}\n`;
}

export function groupMarkdown(group: ResultGroup, svg: string): string {
  let text = groupHeader(group, svg);
  const grids = heatmapTables(group);
  for (const grid of grids) text += `${grid.caption}\n\n${tableMarkdown(grid)}\n`;
  if (grids.length > 0) text += 'Every metric per point:\n\n';
  return `${text}${tableMarkdown(pointTableData(group))}${failureNotes(group)}`;
}

function correlationMarkdown(group: CorrelationGroup, svg: string): string {
  const lines = [`# ${group.spec.title}`, '', `Claim: ${group.spec.claim}`, '', correlationNote(group), '', `![${group.spec.id}](${svg})`, ''];
  return `${lines.join('\n')}\n${tableMarkdown(correlationTableData(group))}`;
}

function indexMarkdown(groups: readonly ResultGroup[], correlations: readonly CorrelationGroup[]): string {
  const rows = groups.map((group) => [`[${group.spec.id}](${group.spec.id}/${fileStem(group)}.md)`, ...indexCells(group)]);
  for (const group of correlations) {
    rows.push([`[${group.spec.id}](${group.spec.id}/${fileStem(group)}.md)`, ...correlationIndexCells(group)]);
  }
  return `# Experiment results\n\n${markdownTable(INDEX_HEADER, rows)}`;
}
