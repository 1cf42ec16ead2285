// @attnkit/plot/node — file helpers (Node only); the figures themselves are in the main entry.
export type { SavePngOptions } from './save-png.js';
export { savePng } from './save-png.js';
export { saveSvg } from './save-svg.js';
