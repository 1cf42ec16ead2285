/**
 * The active backend: the one value through which ops reach kernels. An op calls
 * `backend().<kernel>(…)` at the moment it runs (never caches the object), so `setBackend` takes
 * effect on the next call. Nothing else is mutable here; no kernel imports this module.
 */
import { wasmSimdSupported } from '../wasm/instance.js';
import type { Backend } from './backend.js';
import { jsBackend } from './js-backend.js';
import { wasmBackend } from './wasm-backend.js';

let active: Backend | null = null;

/** The backend used when none was chosen: `wasm` where WebAssembly SIMD validates, else `js`. */
export function defaultBackend(): Backend {
  return wasmSimdSupported() ? wasmBackend : jsBackend;
}

/** The backend ops run on now. */
export function backend(): Backend {
  active ??= defaultBackend();
  return active;
}

/** Makes `next` the active backend (the public entry is `setBackend`, which checks it). */
export function useBackend(next: Backend): void {
  active = next;
}
