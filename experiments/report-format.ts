import type { MeanInterval } from '../src/stats/index.ts';

/** Formats `mean ± half width` to three decimals, or the mean alone when one trial leaves the interval undefined. */
export function formatInterval(value: MeanInterval | undefined): string {
  if (value === undefined) return '–';
  return Number.isFinite(value.halfWidth) ? `${value.mean.toFixed(3)} ± ${value.halfWidth.toFixed(3)}` : value.mean.toFixed(3);
}

/** Builds a Markdown table, escaping the pipes inside cells. */
export function markdownTable(header: string[], rows: string[][]): string {
  const escape = (cell: string): string => cell.replace(/\|/g, '\\|');
  const lines = [header, header.map(() => '---'), ...rows].map((cells) => `| ${cells.map(escape).join(' | ')} |`);
  return `${lines.join('\n')}\n`;
}
