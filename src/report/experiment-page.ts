/**
 * The experiment report: one self-contained HTML page for a folder of
 * experiment results, with inline CSS and SVG plots, no scripts and no
 * external resources. This module renders a page model of plain strings and
 * tables. The experiment report builds that model from its aggregated
 * results, so the page shows the same numbers as the CSV and Markdown files.
 */

import { html, trusted, type Markup } from './markup.ts';
import { renderReportPage } from './html.ts';
import { prefixIds } from './vega.ts';

/** A table of text cells. `pruned[i]` marks row i as a pruned point, drawn greyed. */
export interface PageTable {
  caption?: string;
  header: string[];
  rows: string[][];
  pruned?: boolean[];
}

/** The results of one experiment on one dataset under one protocol. */
export interface PageResult {
  /** Heading of the result, such as `adult, sound protocol`. */
  heading: string;
  /** Sentences under the heading: trials, trivial baseline, pruning rule. */
  notes: string[];
  /** The plot as a standalone SVG document from the Vega renderer, which escapes every text it draws. */
  svg: string;
  /** Tables under the plot, in order. */
  tables: PageTable[];
  /** One line per point with failed trials. */
  failures: string[];
}

/** The protocols of one experiment on one dataset, side by side. */
export interface PageComparison {
  dataset: string;
  /** The protocols with results, which head the comparison, in the order of the table's columns. */
  protocols: string[];
  /** A sentence above the table, such as the trivial baselines of the protocols. */
  note?: string;
  table: PageTable;
}

export interface PageExperiment {
  id: string;
  title: string;
  claim: string;
  comparisons: PageComparison[];
  results: PageResult[];
}

export interface ExperimentPage {
  title: string;
  subtitle: string;
  /** Sentences that explain how to read every table and plot. */
  reading: string[];
  /** Header of the contents table. Each row's first cell links to its experiment. */
  indexHeader: string[];
  /** One row per result of `experiments`, in order: the experiment's index and the cells after the first. */
  index: { experiment: number; cells: string[] }[];
  experiments: PageExperiment[];
  footer: string;
}

/**
 * Renders the experiment page as a complete HTML document. Every string of the
 * page model is HTML-escaped. Only the SVG plots are inserted as they are,
 * with their ids prefixed per plot so that the clip paths and gradients of
 * several plots do not collide.
 */
export function renderExperimentPage(page: ExperimentPage): string {
  let plots = 0;
  const nextPlotId = (): string => `plot-${++plots}`;
  const body = html`<main>
  <h1>${page.title}</h1>
  <p class="subtitle">${page.subtitle}</p>
  <div class="reading">${page.reading.map((text) => html`<p>${text}</p>`)}</div>
  ${contentsSection(page)}
  ${page.experiments.map((experiment, e) => experimentSection(experiment, e, nextPlotId))}
  <footer>${page.footer}</footer>
</main>`;
  return renderReportPage(page.title, body);
}

function anchor(experiment: number): string {
  return `experiment-${experiment + 1}`;
}

function contentsSection(page: ExperimentPage): Markup {
  const text = textColumns(page.index.map(({ cells }) => ['', ...cells]));
  const rows = page.index.map(
    ({ experiment, cells }) =>
      html`<tr><td><a href="#${anchor(experiment)}">${page.experiments[experiment].id}</a></td>${cells.map((cell, c) => html`<td${alignment(text[c + 1])}>${cell}</td>`)}</tr>`,
  );
  return html`<section>
  <h2>Contents</h2>
  <div class="scroll"><table>
    <tr>${page.indexHeader.map((cell, c) => html`<th${alignment(text[c])}>${cell}</th>`)}</tr>
    ${rows}
  </table></div>
</section>`;
}

function experimentSection(experiment: PageExperiment, index: number, nextPlotId: () => string): Markup {
  return html`<section id="${anchor(index)}">
  <h2>${experiment.id}: ${experiment.title}</h2>
  <div class="reading"><p>Claim: ${experiment.claim}</p></div>
  ${experiment.comparisons.map(
    (comparison) => html`<h3>${protocolsHeading(comparison.protocols)} on ${comparison.dataset}</h3>
  ${comparison.note === undefined ? '' : html`<p class="note">${comparison.note}</p>`}
  ${table(comparison.table)}`,
  )}
  ${experiment.results.map((result) => resultBlock(result, nextPlotId()))}
</section>`;
}

/** Names the protocols of a comparison: `Both protocols` for sound and paper, `Sound protocol` for one. */
function protocolsHeading(protocols: readonly string[]): string {
  if (protocols.length === 2) return 'Both protocols';
  if (protocols.length === 1) return `${protocols[0][0].toUpperCase()}${protocols[0].slice(1)} protocol`;
  return `Protocols ${protocols.join(', ')}`;
}

function resultBlock(result: PageResult, plotId: string): Markup {
  return html`<h3>${result.heading}</h3>
  ${result.notes.map((note) => html`<p class="note">${note}</p>`)}
  <figure class="plots">${trusted(prefixIds(result.svg, plotId))}</figure>
  ${result.tables.map(table)}
  ${result.failures.length === 0 ? '' : html`<p class="warning">Failed trials:</p><ul>${result.failures.map((line) => html`<li>${line}</li>`)}</ul>`}`;
}

// Pruned rows are greyed with an inline style, because the shared style sheet has no class for them.
const PRUNED_STYLE = 'color: #8a8f98; background: #f7f7f9;';

function table(data: PageTable): Markup {
  const text = textColumns(data.rows);
  const rows = data.rows.map((cells, r) => {
    const style = data.pruned?.[r] === true ? PRUNED_STYLE : undefined;
    return html`<tr${style === undefined ? '' : html` style="${style}"`}>${cells.map((cell, c) => html`<td${alignment(text[c])}>${keepIntervalTogether(cell)}</td>`)}</tr>`;
  });
  return html`${data.caption === undefined ? '' : html`<p class="note">${data.caption}</p>`}<div class="scroll"><table class="attacks">
    <tr>${data.header.map((cell, c) => html`<th${alignment(text[c])}>${breakCamelCase(cell)}</th>`)}</tr>
    ${rows}
  </table></div>`;
}

/**
 * Tells for each column whether it contains text (names, settings such as
 * `regularizer=l2`) rather than numbers. A cell counts as a number when it
 * starts like one (`0.512 ± 0.010 (pruned)`, `<0.001`, `3/3`) or is empty,
 * `n/a` or `–`.
 */
function textColumns(rows: readonly string[][]): boolean[] {
  const columns = Math.max(0, ...rows.map((cells) => cells.length));
  return Array.from({ length: columns }, (_, c) => rows.some((cells) => !/^(?:[-+−]?\.?\d|<\d|n\/a$|–$|$)/.test(cells[c] ?? '')));
}

/** Returns the class attribute that left-aligns a text column. Numbers keep the style sheet's right alignment. */
function alignment(text: boolean | undefined): Markup {
  return text === true ? html` class="text"` : html``;
}

/** Joins `mean ± half width` with no-break spaces, so a cell never wraps inside an interval. */
function keepIntervalTogether(cell: string): string {
  return cell.replace(/ ± /g, '\u00a0±\u00a0');
}

/** Allows a line break before each capital of a camelCase metric name, such as attack|Balanced|Accuracy, so wide tables fit. */
function breakCamelCase(name: string): Markup {
  return html`${name.split(/(?<=[a-z0-9])(?=[A-Z])/).map((part, i) => (i === 0 ? html`${part}` : html`<wbr>${part}`))}`;
}

