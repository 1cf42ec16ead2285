// @attnkit/training/node — file-system helpers (Node only); everything else is in the main entry.
export { loadSafetensors } from './load-safetensors.js';
export { saveSafetensors } from './save-safetensors.js';
