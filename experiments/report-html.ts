import { renderExperimentPage, type ExperimentPage, type PageExperiment, type PageResult } from '../src/report/experiment-page.ts';
import type { CorrelationGroup, ResultGroup } from './aggregate.ts';
import { claimsComparison, correlationComparison } from './report-claims.ts';
import { correlationIndexCells, correlationNote, correlationTableData, failureLines, groupNotes, heatmapTables, indexCells, INDEX_HEADER, pointTableData, trialCounts } from './report-tables.ts';
import { PROTOCOLS, type ExperimentSpec } from './spec.ts';

/**
 * The HTML page of a results folder: per experiment its claim, the protocols
 * present side by side, and per dataset and protocol the plot and the tables of the
 * Markdown report, from the same aggregated groups and rendered SVGs.
 */

export interface HtmlReportInput {
  /** The results folder as the user named it, shown in the page's title. */
  source: string;
  specs: readonly ExperimentSpec[];
  groups: readonly ResultGroup[];
  correlations: readonly CorrelationGroup[];
  /** The rendered plot of each group and correlation group. */
  svgs: ReadonlyMap<ResultGroup | CorrelationGroup, string>;
}

/** Renders the experiment report page of one results folder. */
export function htmlReport(input: HtmlReportInput): string {
  const experiments: PageExperiment[] = [];
  const index: ExperimentPage['index'] = [];
  for (const spec of input.specs) {
    const own = input.groups.filter((group) => group.spec === spec);
    const pooled = input.correlations.filter((group) => group.spec === spec);
    if (own.length === 0 && pooled.length === 0) continue;
    const number = experiments.length;
    experiments.push({
      id: spec.id,
      title: spec.title,
      claim: spec.claim,
      comparisons: [
        ...datasetsOf(own).map((dataset) => {
          const groups = own.filter((group) => group.dataset === dataset);
          const { baselines, table } = claimsComparison(groups);
          return { dataset, protocols: protocolsOf(groups), note: `Trivial baseline of attack accuracy: ${baselines}. The first value of a pruned or failed point is followed by its status.`, table };
        }),
        ...datasetsOf(pooled).map((dataset) => {
          const groups = pooled.filter((group) => group.dataset === dataset);
          return { dataset, protocols: protocolsOf(groups), table: correlationComparison(groups) };
        }),
      ],
      results: [...own.map((group) => groupResult(group, input.svgs)), ...pooled.map((group) => correlationResult(group, input.svgs))],
    });
    for (const group of own) index.push({ experiment: number, cells: indexCells(group) });
    for (const group of pooled) index.push({ experiment: number, cells: correlationIndexCells(group) });
  }

  const counts = input.groups.map(trialCounts);
  const trials = counts.reduce((sum, count) => sum + count.trials, 0);
  const failed = counts.reduce((sum, count) => sum + count.failed, 0);
  const expected = counts.reduce((sum, count) => sum + count.expected, 0);
  const all = [...input.groups, ...input.correlations];
  const profiles = [...new Set(input.groups.map((group) => group.profile))];
  return renderExperimentPage({
    title: `miascope experiments: ${input.source}`,
    subtitle:
      `${experiments.length} experiment(s) · datasets ${list(all.map((group) => group.dataset))} · protocols ${list(all.map((group) => group.protocol))}` +
      ` · ${profiles.length === 0 ? 'no' : list(profiles)} profile · ${trials}${trials < expected ? ` of ${expected}` : ''} trials (${failed} failed)`,
    reading: [
      'Values are means over trials ± the half width of the 95% Student-t interval.',
      'Under the sound protocol half of the attacked records are members; under the paper protocol (the authors\u2019 published code) 75% are, ' +
        'so always answering "member" reaches an attack accuracy of 0.75. The trivial baseline of each protocol is drawn as a dashed red line on attack accuracy.',
      'Pruned points, whose mean target test accuracy is below the prune threshold times the best point\u2019s, failed to train: they are faded in the plots and greyed in the tables.',
    ],
    indexHeader: INDEX_HEADER,
    index,
    experiments,
    footer: `Written from ${input.source}/results.jsonl. The CSV, Markdown and SVG files of each experiment, beside this page, contain the same values.`,
  });
}

function datasetsOf(groups: readonly { dataset: string }[]): string[] {
  return [...new Set(groups.map((group) => group.dataset))];
}

/** Returns the protocols of `groups` in PROTOCOLS order, the column order of the claims tables. */
function protocolsOf(groups: readonly { protocol: string }[]): string[] {
  const present = new Set(groups.map((group) => group.protocol));
  return PROTOCOLS.filter((protocol) => present.has(protocol));
}

function list(values: string[]): string {
  return [...new Set(values)].join(', ');
}

function groupResult(group: ResultGroup, svgs: HtmlReportInput['svgs']): PageResult {
  const grids = heatmapTables(group);
  const points = pointTableData(group);
  return {
    heading: `${group.dataset}, ${group.protocol} protocol`,
    notes: groupNotes(group),
    svg: svgs.get(group) ?? '',
    tables: [...grids, { ...points, caption: grids.length > 0 ? 'Every metric per point:' : undefined }],
    failures: failureLines(group),
  };
}

function correlationResult(group: CorrelationGroup, svgs: HtmlReportInput['svgs']): PageResult {
  return {
    heading: `${group.dataset}, ${group.protocol} protocol`,
    notes: [correlationNote(group)],
    svg: svgs.get(group) ?? '',
    tables: [correlationTableData(group)],
    failures: [],
  };
}
