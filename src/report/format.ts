/** Number formatting shared by the report's tables. */

import type { ConfidenceInterval } from '../attack/intervals.ts';
import { html, type Markup } from './markup.ts';

/** Formats a value with `digits` decimals. Null, NaN and infinities (written as null in JSON) read `n/a`. */
export function fixed(value: number | null | undefined, digits = 4): string {
  return typeof value === 'number' && Number.isFinite(value) ? value.toFixed(digits) : 'n/a';
}

/** Formats a count with thousands separators. */
export function count(value: number): string {
  return value.toLocaleString('en-US');
}

/**
 * Formats an interval bound with 3 decimals, or with 2 significant digits
 * below 0.01, so that a narrow interval near 0 (a TPR at low FPR) does not
 * read [0.000, 0.000].
 */
export function bound(value: number): string {
  return value !== 0 && Math.abs(value) < 0.01 ? value.toPrecision(2) : value.toFixed(3);
}

/** Formats a 95% interval as `[lower, upper]`, or nothing when its bounds are not finite. */
export function interval(bounds: ConfidenceInterval | null | undefined): Markup {
  if (bounds === null || bounds === undefined || !Number.isFinite(bounds.lower) || !Number.isFinite(bounds.upper)) return html``;
  return html`<br><span class="interval">[${bound(bounds.lower)}, ${bound(bounds.upper)}]</span>`;
}

/** Formats a value with its interval below it, for a table cell. */
export function withInterval(value: number, bounds: ConfidenceInterval | null | undefined): Markup {
  return html`${fixed(value)}${interval(bounds)}`;
}

/**
 * Names the positive class after a share, as in "24.7% >50K". A numeric label
 * such as Texas's `1` reads "positive (label 1)", because "24.7% 1" names no class.
 */
export function positiveClassName(label: string): string {
  return /^[+-]?\d+(\.\d+)?$/.test(label.trim()) ? `positive (label ${label})` : label;
}

/** Capitalises the first letter of a sentence. */
export function sentence(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** Lays out rows as a plain-text table: the first column left-aligned, the others right-aligned, two spaces apart. */
export function textTable(rows: string[][]): string {
  const widths = rows[0].map((_, j) => Math.max(...rows.map((row) => row[j].length)));
  return rows.map((row) => row.map((cell, j) => (j === 0 ? cell.padEnd(widths[j]) : cell.padStart(widths[j]))).join('  ')).join('\n');
}
