import * as vega from 'vega';
import * as vegaLite from 'vega-lite';

/** A Vega-Lite specification, as plain JSON. */
export type VegaLiteSpec = Record<string, unknown>;

/**
 * Renders a Vega-Lite specification to a standalone SVG string, without a
 * browser or canvas. Data must be inline (`data.values`): the loader refuses
 * every URL, so rendering never touches the network or the file system.
 */
export async function renderSvg(spec: VegaLiteSpec): Promise<string> {
  const compiled = vegaLite.compile(spec as unknown as vegaLite.TopLevelSpec).spec;
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
