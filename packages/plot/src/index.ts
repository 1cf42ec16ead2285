// @attnkit/plot — the package's table of contents: named re-exports only.
export type { Numeric } from './internal/values.js';
export type { PlotOptions, Series } from './plot.js';
export { plot } from './plot.js';
export type { ShowHeatmapsOptions } from './show-heatmaps.js';
export { showHeatmaps } from './show-heatmaps.js';
