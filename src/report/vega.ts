import type * as VegaLite from 'vega-lite';

/** A Vega-Lite specification, as plain JSON. */
export type VegaLiteSpec = Record<string, unknown>;

/**
 * Renders a Vega-Lite specification to a standalone SVG string, without a
 * browser or canvas. Data must be inline (`data.values`): the loader refuses
 * every URL, so rendering never touches the network or the file system.
 */
export async function renderSvg(spec: VegaLiteSpec): Promise<string> {
  // Loaded on first use: vega's Node build uses top-level await, which a
  // CommonJS loader (such as a test runner's require hook) cannot load statically.
  const [vega, vegaLite] = await Promise.all([import('vega'), import('vega-lite')]);
  const compiled = vegaLite.compile(spec as unknown as VegaLite.TopLevelSpec).spec;
  for (const data of compiled.data ?? []) {
    if ('url' in data) throw new Error(`renderSvg: plots take inline data only, not the URL ${JSON.stringify(data.url)}`);
  }
  const loader = vega.loader();
  loader.load = async (uri: string) => {
    throw new Error(`renderSvg: plots take inline data only, not ${JSON.stringify(uri)}`);
  };
  const view = new vega.View(vega.parse(compiled), { renderer: 'none', loader });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}
