import type { CorrelationGroup, ResultGroup } from './aggregate.ts';
import { formatTrivial } from './plot.ts';
import { formatInterval, markdownTable } from './report-format.ts';
import type { TableData } from './report-tables.ts';
import { PROTOCOLS, type ExperimentSpec, type Point } from './spec.ts';

/**
 * OUT/claims.md: for each experiment and dataset, the paper's claim and the
 * results of both protocols side by side, point by point: attack accuracy
 * with its trivial baseline, attack AUC, and target test accuracy. It shows
 * at a glance where a claim holds under the paper's 75%-member evaluation
 * and fails under the sound one, or the reverse.
 */

const COLUMNS = ['attackAccuracy', 'attackAuc', 'targetTestAccuracy'];

function pointLabel(point: Point): string {
  return Object.entries(point)
    .map(([key, value]) => `${key}=${value}`)
    .join(', ');
}

/**
 * Compares the protocols of one experiment on one dataset: one row per point,
 * and per protocol present its attack accuracy, AUC and test accuracy.
 * `baselines` lists each protocol's trivial attack accuracy.
 */
export function claimsComparison(groups: readonly ResultGroup[]): { baselines: string; table: TableData } {
  const byProtocol = new Map(groups.map((group) => [group.protocol, group]));
  const protocols = PROTOCOLS.filter((protocol) => byProtocol.has(protocol));
  const labels = [...new Set(groups.flatMap((group) => group.points.map((point) => pointLabel(point.point))))];
  const header = ['point'];
  for (const protocol of protocols) header.push(...COLUMNS.map((column) => `${column} (${protocol})`));
  const rows = labels.map((label) => {
    const cells = [label];
    for (const protocol of protocols) {
      const point = byProtocol.get(protocol)!.points.find((candidate) => pointLabel(candidate.point) === label);
      for (const column of COLUMNS) {
        const text = formatInterval(point?.values[column]);
        cells.push(point !== undefined && point.status !== 'ok' && column === COLUMNS[0] ? `${text} (${point.status})` : text);
      }
    }
    return cells;
  });
  const baselines = protocols.map((protocol) => `${protocol}: ${formatTrivial(byProtocol.get(protocol)!.trivialAccuracies)}`).join(', ');
  return { baselines, table: { header, rows } };
}

function groupSection(dataset: string, groups: readonly ResultGroup[]): string {
  const { baselines, table } = claimsComparison(groups);
  return `### ${dataset}\n\nTrivial baseline of attack accuracy: ${baselines}.\n\n${markdownTable(table.header, table.rows)}\n`;
}

/** Tabulates the correlations of one pooling experiment on one dataset, both protocols side by side: one row per pair of properties. */
export function correlationComparison(groups: readonly CorrelationGroup[]): TableData {
  const byProtocol = new Map(groups.map((group) => [group.protocol, group]));
  const protocols = PROTOCOLS.filter((protocol) => byProtocol.has(protocol));
  const pairs = [...new Set(groups.flatMap((group) => group.rows.map((row) => `${row.first} · ${row.second}`)))];
  const header = ['pair', ...protocols.flatMap((protocol) => [`Pearson's r (${protocol})`, `Spearman's r (${protocol})`, `n (${protocol})`])];
  const rows = pairs.map((pair) => {
    const cells = [pair];
    for (const protocol of protocols) {
      const row = byProtocol.get(protocol)!.rows.find((candidate) => `${candidate.first} · ${candidate.second}` === pair);
      cells.push(row?.pearson ? row.pearson.r.toFixed(3) : 'n/a', row?.spearman ? row.spearman.r.toFixed(3) : 'n/a', String(row?.n ?? 0));
    }
    return cells;
  });
  return { header, rows };
}

function correlationSection(dataset: string, groups: readonly CorrelationGroup[]): string {
  const table = correlationComparison(groups);
  return `### ${dataset}\n\n${markdownTable(table.header, table.rows)}\n`;
}

/** Builds claims.md from the aggregated groups and correlations of one results folder. */
export function claimsMarkdown(specs: readonly ExperimentSpec[], groups: readonly ResultGroup[], correlations: readonly CorrelationGroup[]): string {
  const present = PROTOCOLS.filter((protocol) => [...groups, ...correlations].some((group) => group.protocol === protocol));
  const protocols = present.length === PROTOCOLS.length ? 'both protocols' : `${present.join(', ')} protocol`;
  let text =
    `# Claims and results, ${protocols}\n\n` +
    'Means ± the half width of the 95% interval over trials. `sound`: half of the attacked records are members; ' +
    "`paper`: the authors' published code, 75% members, so always answering \"member\" scores 0.75.\n\n";
  for (const spec of specs) {
    const own = groups.filter((group) => group.spec.id === spec.id);
    const pooled = correlations.filter((group) => group.spec.id === spec.id);
    if (own.length === 0 && pooled.length === 0) continue;
    text += `## ${spec.id}: ${spec.title}\n\nClaim: ${spec.claim}\n\n`;
    for (const dataset of [...new Set(own.map((group) => group.dataset))]) {
      text += groupSection(
        dataset,
        own.filter((group) => group.dataset === dataset),
      );
    }
    for (const dataset of [...new Set(pooled.map((group) => group.dataset))]) {
      text += correlationSection(
        dataset,
        pooled.filter((group) => group.dataset === dataset),
      );
    }
  }
  return text;
}
