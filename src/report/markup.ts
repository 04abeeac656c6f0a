/**
 * HTML building with escaping by default. Every value interpolated into the
 * `html` template is escaped unless it is already `Markup`. A column name or
 * category value from a user's CSV thus renders as text, both in element
 * content and in quoted attribute values.
 */

/** A fragment of HTML that is safe to insert as is. */
export class Markup {
  constructor(readonly text: string) {}

  toString(): string {
    return this.text;
  }
}

/** Escapes the five characters that can end text or a quoted attribute value in HTML and SVG. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (character) => ESCAPES[character]);
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Marks trusted HTML (markup this module built, or an SVG from the plot renderer) as safe. */
export function trusted(text: string): Markup {
  return new Markup(text);
}

type Interpolation = Markup | string | number | null | undefined | readonly Interpolation[];

function render(value: Interpolation): string {
  if (value === null || value === undefined) return '';
  if (value instanceof Markup) return value.text;
  if (Array.isArray(value)) return value.map(render).join('');
  return escapeHtml(String(value));
}

/** Builds Markup from a tagged template, escaping each interpolated value. Arrays are joined, and null and undefined render as nothing. */
export function html(strings: TemplateStringsArray, ...values: Interpolation[]): Markup {
  let out = strings[0];
  for (let i = 0; i < values.length; i++) out += render(values[i]) + strings[i + 1];
  return new Markup(out);
}
