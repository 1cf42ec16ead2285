/**
 * The active backend: the one value through which ops reach kernels. An op calls
 * `backend().<kernel>(…)` at the moment it runs (never caches the object), so `setBackend` takes
 * effect on the next call. No kernel implementation imports this module.
 *
 * Until `setBackend` chooses one, the backend is `jsBackend`, or the preferred default that
 * kernels/prefer-wasm.ts registers when it is loaded: that module is imported (for its effect) by
 * the ops that need WebAssembly, so a bundle that never uses them does not carry the WebAssembly
 * kernels, while any program that does — and every program that imports the package entry
 * without a bundler — runs on `wasmBackend` by default (ADR 0002).
 */
import type { Backend } from './backend.js';
import { jsBackend } from './js-backend.js';

let active: Backend | null = null;
/** The preferred default (null: none registered, or it declined, e.g. no WebAssembly SIMD). */
let preferred: (() => Backend | null) | null = null;
/** `preferred()` once asked, so an op's call stays one property read after the first. */
let fallback: Backend | null = null;

/** Registers the default used while no backend was chosen; `provide` may return null to decline. */
export function preferByDefault(provide: () => Backend | null): void {
  preferred = provide;
  fallback = null;
}

/** The backend used when none was chosen: the registered preference (`wasm` where SIMD validates) or `js`. */
export function defaultBackend(): Backend {
  fallback ??= preferred?.() ?? jsBackend;
  return fallback;
}

/** The backend ops run on now. */
export function backend(): Backend {
  return active ?? defaultBackend();
}

/** Makes `next` the active backend (the public entry is `setBackend`, which checks it). */
export function useBackend(next: Backend): void {
  active = next;
}
