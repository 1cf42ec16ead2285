// Vega-Lite spec → SVG string, without a DOM: vega-lite compiles the spec to Vega, vega runs it
// headless (renderer 'none') and serialises the scene graph with `toSVG()`. Expressions run in
// vega-interpreter, so nothing is compiled with `new Function` (strict CSP pages work).
// The three are loaded on the first figure, not at import: Vega's module graph has a top-level
// await, which would stop `require('@attnkit/plot')` on Node ≥ 20.19 and delay every importer.
import type { TopLevelSpec } from 'vega-lite';

type Libraries = [typeof import('vega'), typeof import('vega-interpreter'), typeof import('vega-lite')];
let libraries: Promise<Libraries> | undefined;

/** Vega, vega-interpreter and vega-lite, imported once. */
export function loadVega(): Promise<Libraries> {
  libraries ??= Promise.all([import('vega'), import('vega-interpreter'), import('vega-lite')]);
  return libraries;
}

/** The kind of figure, written into the root `<svg>` as `data-attnkit-plot`. */
export type FigureKind = 'heatmaps' | 'plot';

/** Renders a Vega-Lite spec to a standalone SVG document tagged as an attnkit figure. */
export async function renderSvg(spec: TopLevelSpec, kind: FigureKind): Promise<string> {
  const [vega, { expressionInterpreter }, { compile }] = await loadVega();
  useWidthTable(vega);
  const vegaSpec = compile(spec).spec;
  const view = new vega.View(vega.parse(vegaSpec, undefined, { ast: true }), {
    renderer: 'none',
    expr: expressionInterpreter,
  } as ConstructorParameters<typeof vega.View>[1]);
  try {
    const svg = await view.toSVG();
    // One mark on the root element lets pages (and the docs e2e test) tell our figures apart.
    const root = svg.match(/^<svg[^>]*>/)?.[0];
    if (root === undefined) throw new Error('@attnkit/plot: vega returned no <svg> element.');
    const tagged = root.includes('class="')
      ? root.replace('class="', `data-attnkit-plot="${kind}" class="attnkit-plot `)
      : root.replace('<svg ', `<svg data-attnkit-plot="${kind}" class="attnkit-plot" `);
    // Adjacent heatmap cells would show anti-aliasing seams; crisp edges close them.
    const crisp =
      kind === 'heatmaps' ? tagged.replace('<svg ', '<svg shape-rendering="crispEdges" ') : tagged;
    return uniqueIds(crisp + svg.slice(root.length));
  } finally {
    view.finalize();
  }
}

/** Pixels per inch of `figsize` (matplotlib's figure size, in inches, as D2L passes it). */
export const PIXELS_PER_INCH = 100;

/** Shared look: white background, D2L-sized fonts. */
export const CONFIG = {
  background: 'white',
  font: 'sans-serif',
  axis: { labelFontSize: 11, titleFontSize: 12, titleFontWeight: 'normal', grid: false },
  legend: { labelFontSize: 11, titleFontSize: 11 },
  header: { labelFontSize: 12, titleFontSize: 12 },
  title: { fontSize: 13, fontWeight: 'normal' },
  view: { stroke: '#444' },
} as const;

/**
 * Prefixes the SVG's ids (vega names every colour bar `gradient_0`) with a hash of the document,
 * so two figures inlined in one page never share an id, yet one figure always renders the same.
 */
function uniqueIds(svg: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < svg.length; i++) hash = Math.imul(hash ^ svg.charCodeAt(i), 0x01000193);
  const prefix = `ak${(hash >>> 0).toString(36)}-`;
  return svg.replace(/\bid="([^"]+)"/g, `id="${prefix}$1"`).replace(/url\(#([^)]+)\)/g, `url(#${prefix}$1)`);
}

/** Widths of sans-serif characters in em (Helvetica's metrics, rounded), for layout without a canvas. */
function charWidth(c: string): number {
  if (" .,:;!|'`ilIjtf()[]".includes(c)) return 0.28;
  if ('mwMW@%'.includes(c)) return 0.85;
  if (c >= 'A' && c <= 'Z') return 0.67;
  if (c >= '0' && c <= '9') return 0.56;
  if ('rs'.includes(c)) return 0.4;
  return 0.55;
}

interface TextItem {
  text?: unknown;
  fontSize?: number;
}

/**
 * Vega measures text on a canvas when there is one and otherwise guesses 0.8 em per character,
 * which leaves wide empty margins beside long titles; in Node and in workers (no canvas) we
 * measure with a width table instead (the hook Vega provides for this, as vl-convert uses it).
 */
function useWidthTable(vega: typeof import('vega')): void {
  // vega-scenegraph's textMetrics (re-exported by vega, not in its typings).
  const metrics = (vega as unknown as { textMetrics: unknown }).textMetrics as {
    width: (item: TextItem, text?: unknown) => number;
    estimateWidth: unknown;
  };
  if (metrics.width !== metrics.estimateWidth) return;
  metrics.width = (item, text) => {
    const value = text ?? item.text;
    const lines = Array.isArray(value) ? value.map(String) : [String(value ?? '')];
    const size = item.fontSize ?? 11;
    return Math.max(...lines.map((line) => [...line].reduce((w, c) => w + charWidth(c), 0) * size));
  };
}
