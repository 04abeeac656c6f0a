/**
 * The audit report: one self-contained HTML page with inline CSS and SVG
 * plots, no scripts and no external resources, so it opens offline and can be
 * mailed or archived as one file. Every number on it comes from the
 * AuditResult it renders (the `result.json` of `miascope audit --out`).
 */

import type { AuditResult } from '../audit/types.ts';
import { attacksSection, groupsSection, modelsSection, plotsSection } from './attack-sections.ts';
import { count, sentence } from './format.ts';
import { html, trusted, type Markup } from './markup.ts';
import { configurationSection, dataSection, modelPropertiesSection } from './property-sections.ts';
import { readAudit } from './reading.ts';
import { REPORT_CSS } from './style.ts';

/**
 * Renders the report of one audit as a complete HTML document. Every string
 * taken from the result (file, column, category and label names, options) is
 * HTML-escaped.
 */
export async function renderAuditReport(result: AuditResult): Promise<string> {
  const { dataset, config } = result;
  const title = `miascope audit: ${dataset.name}`;
  const body = html`<main>
  <h1>${title}</h1>
  <p class="subtitle">${count(dataset.rows)} records, ${dataset.features.length} features, label <code>${config.label}</code> ·
    target ${config.targetModel} · protocol ${result.protocol} · seed ${String(config.seed)} · miascope ${result.tool.version}</p>
  ${readingSection(result)}
  ${result.warnings.map((warning) => html`<p class="warning">Warning: ${warning}.</p>`)}
  ${modelsSection(result)}
  ${attacksSection(result)}
  ${await plotsSection(result)}
  ${groupsSection(result)}
  ${modelPropertiesSection(result)}
  ${dataSection(result)}
  ${configurationSection(result)}
  <footer>Computed in ${result.timing.totalSeconds.toFixed(1)} s. Every value on this page is stored in the audit's result.json.</footer>
</main>`;
  return renderReportPage(title, body);
}

function readingSection(result: AuditResult): Markup {
  // A result written before the reading was stored gets it computed by the same function.
  const reading = result.reading ?? readAudit(result);
  return html`<div class="reading">${reading.map((text) => html`<p>${sentence(text)}</p>`)}</div>`;
}

/**
 * Wraps `body` in a complete HTML document with the report's style sheet and
 * `title` (escaped). Other pages, such as an experiment report, can be built
 * from the `html` template of markup.ts and this wrapper.
 */
export function renderReportPage(title: string, body: Markup): string {
  return html`<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="miascope">
<title>${title}</title>
<style>${trusted(REPORT_CSS)}</style>
</head>
<body>
${body}
</body>
</html>
`.text;
}
