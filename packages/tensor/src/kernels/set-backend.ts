import { InvalidArgumentError } from '../errors.js';
import type { Backend } from './backend.js';
import { jsBackend } from './js-backend.js';
import { backend, isJsDefault, useBackend } from './registry.js';
import { wasmBackend } from './wasm-backend.js';

/** The built-in backends by name: `'wasm'` ({@link wasmBackend}) and `'js'` ({@link jsBackend}). */
export type BackendName = 'wasm' | 'js';

/**
 * Chooses the backend every op runs on from its next call: a {@link Backend} object (the
 * built-in {@link wasmBackend} or {@link jsBackend}, or your own, e.g. `{ ...jsBackend, matmul }`),
 * or the name of a built-in one. The default is `wasmBackend` wherever the engine validates
 * WebAssembly SIMD, else `jsBackend`.
 *
 * @param next - A backend object, `'wasm'` for the 128-bit SIMD SGEMM and fused attention (float32
 * accumulation), or `'js'` for the float64-accumulating JavaScript kernels.
 * @throws {@link InvalidArgumentError} if the backend reports itself unavailable (`unavailableReason()`),
 *   e.g. `'wasm'` on an engine without WebAssembly SIMD.
 * @throws {@link InvalidArgumentError} if `next` is neither `'wasm'`, `'js'` nor an object with a
 *   string `name` and every kernel of {@link Backend} as a function (the message names the missing ones).
 * @remarks The WebAssembly kernels accumulate in float32, so a product's error grows like
 * k·ε·Σ|aᵢ·bᵢ| instead of one final rounding; choose `'js'` for bit-reproducible float64 sums.
 * @example
 * ```ts
 * setBackend('js'); // float64 accumulation for a precision-sensitive check
 * ```
 */
export function setBackend(next: Backend | BackendName): void {
  if (next === 'js') next = jsBackend;
  else if (next === 'wasm') next = wasmBackend;
  else if (typeof next !== 'object' || next === null) {
    throw new InvalidArgumentError(
      `setBackend: backend must be 'wasm', 'js' or a Backend object; got ${String(next)}.`,
    );
  } else {
    const given: Partial<Record<keyof Backend, unknown>> = next;
    const missing = (Object.keys(jsBackend) as (keyof Backend)[]).filter((key) =>
      key === 'name' ? typeof given.name !== 'string' : typeof given[key] !== 'function',
    );
    if (missing.length > 0) {
      throw new InvalidArgumentError(
        `setBackend: backend is missing or has a wrong type for ${missing.join(', ')}.`,
      );
    }
  }
  if (next.unavailableReason !== undefined && typeof next.unavailableReason !== 'function') {
    throw new InvalidArgumentError(
      'setBackend: backend is missing or has a wrong type for unavailableReason.',
    );
  }
  const reason = next.unavailableReason?.() ?? null;
  if (reason !== null) throw new InvalidArgumentError(`setBackend: backend '${next.name}' ${reason}.`);
  useBackend(next);
}

/**
 * The backend ops run on now: {@link wasmBackend}, {@link jsBackend} or the object last passed to
 * {@link setBackend}; its `name` says which (`'wasm'`, `'js'`, or a custom backend's own).
 */
export function getBackend(): Backend {
  const current = backend();
  // The lazily assembled default holds only the families loaded so far: report the whole backend.
  return isJsDefault(current) ? jsBackend : current;
}
