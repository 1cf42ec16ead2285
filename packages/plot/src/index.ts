// @attnkit/plot — the package's table of contents: named re-exports only.
export type { PlotOptions } from './plot.js';
export { plot } from './plot.js';
export type { ShowHeatmapsOptions } from './show-heatmaps.js';
export { showHeatmaps } from './show-heatmaps.js';
