import type * as VegaLite from 'vega-lite';

/** A Vega-Lite specification, as plain JSON. */
export type VegaLiteSpec = Record<string, unknown>;

/**
 * Renders a Vega-Lite specification to a standalone SVG string, without a
 * browser or canvas. Data must be inline (`data.values`) because the loader
 * rejects every URL, so rendering never touches the network or the file system.
 */
export async function renderSvg(spec: VegaLiteSpec): Promise<string> {
  // Loaded on first use: vega's Node build uses top-level await, which a
  // CommonJS loader (such as a test runner's require hook) cannot load statically.
  const [vega, vegaLite] = await Promise.all([import('vega'), import('vega-lite')]);
  const compiled = vegaLite.compile(spec as unknown as VegaLite.TopLevelSpec).spec;
  for (const data of compiled.data ?? []) {
    if ('url' in data) throw new Error(`renderSvg: data URL ${JSON.stringify(data.url)} is not supported; give the data inline as data.values`);
  }
  const loader = vega.loader();
  loader.load = async (uri: string) => {
    throw new Error(`renderSvg: loading ${JSON.stringify(uri)} is not supported; give the data inline as data.values`);
  };
  const view = new vega.View(vega.parse(compiled), { renderer: 'none', loader });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

/**
 * Gives the ids of an inline SVG a prefix, so that the clip paths and
 * gradients of several plots in one page do not collide. `prefix` must be a
 * valid id (letters, digits and dashes).
 */
export function prefixIds(svg: string, prefix: string): string {
  return svg.replace(/ id="([^"]+)"/g, ` id="${prefix}-$1"`).replace(/url\(#([^)]+)\)/g, `url(#${prefix}-$1)`);
}
