import { InvalidArgumentError } from '../errors.js';
import { matmulKernel } from './matmul.js';
import { kernels, registerKernel } from './registry.js';
import { wasmMatmulKernel, wasmSimdSupported } from './wasm-matmul.js';

/** Where float32 matrix products run: WebAssembly SIMD (`'wasm'`) or portable JavaScript (`'js'`). */
export type Backend = 'wasm' | 'js';

/**
 * Chooses the implementation of the `matmul` kernel. The default is `'wasm'` wherever the engine
 * validates WebAssembly SIMD, else `'js'`; either way float64 and int32 products use JavaScript.
 *
 * @param backend - `'wasm'` for the 128-bit SIMD SGEMM (float32 accumulation), `'js'` for the
 * float64-accumulating JavaScript kernel.
 * @throws {@link InvalidArgumentError} if `backend` is `'wasm'` and this engine lacks WebAssembly SIMD.
 * @throws {@link InvalidArgumentError} if `backend` is neither `'wasm'` nor `'js'`.
 * @remarks The WebAssembly kernel accumulates in float32, so a product's error grows like
 * k·ε·Σ|aᵢ·bᵢ| instead of one final rounding; choose `'js'` for bit-reproducible float64 sums.
 * @example
 * ```ts
 * setBackend('js'); // float64 accumulation for a precision-sensitive check
 * ```
 */
export function setBackend(backend: Backend): void {
  if (backend === 'js') {
    registerKernel('matmul', matmulKernel);
    return;
  }
  if (backend !== 'wasm') {
    throw new InvalidArgumentError(`setBackend: backend must be 'wasm' or 'js'; got ${String(backend)}.`);
  }
  if (!wasmSimdSupported) {
    throw new InvalidArgumentError(
      "setBackend: backend 'wasm' needs WebAssembly SIMD, which this engine lacks.",
    );
  }
  registerKernel('matmul', wasmMatmulKernel);
}

/** The backend of the active `matmul` kernel: `'wasm'`, `'js'`, or `'custom'` after {@link registerKernel}. */
export function getBackend(): Backend | 'custom' {
  if (kernels.matmul === wasmMatmulKernel) return wasmSimdSupported ? 'wasm' : 'js';
  return kernels.matmul === matmulKernel ? 'js' : 'custom';
}
