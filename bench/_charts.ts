/**
 * Renders Vega-Lite chart specs to SVG headless (vega's SVG string renderer, no canvas and no
 * native dependencies).
 *
 * @module
 */
import * as vega from "vega";
import { compile, type TopLevelSpec } from "vega-lite";

/** A Vega-Lite spec (the `$schema` is filled in). */
export type ChartSpec = Record<string, unknown>;

/**
 * Renders a Vega-Lite spec to an SVG document.
 *
 * @param spec The Vega-Lite spec (data inline).
 * @returns The SVG text.
 * @example
 * ```ts
 * import { renderSvg } from "./_charts.ts";
 * const svg = await renderSvg({
 *   data: { values: [{ x: 1, y: 2 }] },
 *   mark: "point",
 *   encoding: { x: { field: "x", type: "quantitative" }, y: { field: "y", type: "quantitative" } },
 * });
 * console.log(svg.startsWith("<svg"));
 * ```
 */
export async function renderSvg(spec: ChartSpec): Promise<string> {
  const full = {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    background: "white",
    config: { font: "Helvetica, Arial, sans-serif", axis: { labelFontSize: 11 } },
    ...spec,
  } as unknown as TopLevelSpec;
  const view = new vega.View(vega.parse(compile(full).spec), { renderer: "none" });
  const svg = await view.toSVG();
  view.finalize();
  return svg;
}
