/**
 * The active backend: the one value through which ops reach kernels. An op calls
 * `backend().<kernel>(…)` at the moment it runs (never caches the object), so `setBackend` takes
 * effect on the next call. No kernel implementation imports this module.
 *
 * Until `setBackend` chooses one, the backend is the preferred default that kernels/prefer-wasm.ts
 * registers when it is loaded (imported for its effect by the ops that need WebAssembly, ADR 0002),
 * else the JavaScript kernels. Those are registered by family, lazily: this module holds the
 * light element-wise, reduction and softmax kernels every page uses, and each heavier family
 * (matmul, fused attention, rotary, layer norm, relu, gather, arg-reduce, log-softmax) is added by a module of
 * kernels/js/ that the ops calling it import for its effect. So a bundle carries a kernel only when
 * an op that runs it is in the bundle (registry.test.ts checks every call site imports its family).
 */
import { arithmeticKernel } from './arithmetic.js';
import type { Backend } from './backend.js';
import { binaryKernel } from './binary.js';
import { copyStrided } from './copy.js';
import { reduceKernel } from './reduce.js';
import { softmaxBackwardKernel, softmaxKernel } from './softmax.js';
import { unaryKernel } from './unary.js';
import { whereKernel } from './where.js';

/**
 * The JavaScript default: the core kernels, plus the families kernels/js/ modules registered.
 * The same functions as `jsBackend` (which `getBackend()` reports while this is in use).
 */
const jsDefault = {
  name: 'js',
  copyStrided,
  binary: binaryKernel,
  arithmetic: arithmeticKernel,
  unary: unaryKernel,
  where: whereKernel,
  reduce: reduceKernel,
  softmax: softmaxKernel,
  softmaxBackward: softmaxBackwardKernel,
} as Partial<Backend> as Backend;

/** Adds a family of JavaScript kernels to the default (called by the modules of kernels/js/). */
export function provideJsKernels(kernels: Partial<Backend>): void {
  Object.assign(jsDefault, kernels);
}

/** True while ops run on the lazily assembled JavaScript default (no backend chosen or preferred). */
export function isJsDefault(b: Backend): boolean {
  return b === jsDefault;
}

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
  fallback ??= preferred?.() ?? jsDefault;
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
