/**
 * Which build of src/wasm/sgemm.wat the kernels run: the relaxed-SIMD one (multiply-adds fused as
 * `f32x4.relaxed_madd`, one FMA instruction on x86 with FMA3 and on ARM64: the SGEMM micro-kernel
 * runs ~1.3× faster here) where the engine validates it — Node ≥ 22, Chromium ≥ 114, or Node 20
 * started with `--experimental-wasm-relaxed-simd` — else the plain 128-bit SIMD one. Chosen once,
 * before the first instance, so the main thread and every worker run the same module and the
 * results stay bit-identical across thread counts. Results may differ from the plain module in
 * the last bits (fused rounding), within the float32 tolerance of the golden tests.
 */
import { decodeBase64 } from './decode.js';
import { SGEMM_RELAXED_WASM_BASE64, SGEMM_WASM_BASE64 } from './sgemm.generated.js';

/** The instruction set of the kernels' module: `'relaxed-simd'` (with FMA) or `'simd'`. */
export type WasmVariant = 'relaxed-simd' | 'simd';

let chosen: { variant: WasmVariant; bytes: Uint8Array<ArrayBuffer> } | null = null;
let relaxedBytes: Uint8Array<ArrayBuffer> | null = null;

/** The relaxed-SIMD build, decoded once (validated before and after `enableRelaxedSimd` sets the flag). */
function relaxed(): Uint8Array<ArrayBuffer> {
  relaxedBytes ??= decodeBase64(SGEMM_RELAXED_WASM_BASE64);
  return relaxedBytes;
}

function validates(bytes: Uint8Array<ArrayBuffer>): boolean {
  try {
    return typeof WebAssembly === 'object' && WebAssembly.validate(bytes);
  } catch {
    return false;
  }
}

function choose(): { variant: WasmVariant; bytes: Uint8Array<ArrayBuffer> } {
  if (chosen === null) {
    chosen = validates(relaxed())
      ? { variant: 'relaxed-simd', bytes: relaxed() }
      : { variant: 'simd', bytes: decodeBase64(SGEMM_WASM_BASE64) };
  }
  return chosen;
}

/** The bytes of the module the kernels use (see the module comment); decoded once. */
export function kernelModuleBytes(): Uint8Array<ArrayBuffer> {
  return choose().bytes;
}

/**
 * The instruction set of the WebAssembly kernels in this engine: `'relaxed-simd'` when the fused
 * multiply-add build validates, else `'simd'` (whether plain SIMD itself works is
 * `wasmSimdSupported()`).
 */
export function wasmVariant(): WasmVariant {
  return choose().variant;
}

interface NodeProcessLike {
  getBuiltinModule?: (id: string) => { setFlagsFromString?: (flags: string) => void } | undefined;
}

/**
 * Turns on relaxed SIMD in engines that have it behind a flag — Node 20 and 21
 * (`--experimental-wasm-relaxed-simd`; Node ≥ 22 and Chromium ≥ 114 have it on) — so the
 * kernels run the fused multiply-add build. Call it before the first op that runs a WebAssembly
 * kernel (the `attnkit` CLI and the bench do, at start-up); afterwards the choice is fixed and
 * this only reports it. No `node:` module is imported: `v8` is reached through
 * `process.getBuiltinModule` (Node ≥ 20.16) when it exists; elsewhere this does nothing.
 * @returns Whether the kernels run the relaxed-SIMD build.
 */
export function enableRelaxedSimd(): boolean {
  if (chosen === null && !validates(relaxed())) {
    const proc = (globalThis as { process?: NodeProcessLike }).process;
    try {
      proc?.getBuiltinModule?.('node:v8')?.setFlagsFromString?.('--experimental-wasm-relaxed-simd');
    } catch {
      // Not Node, or the flag is gone: stay on whatever validates.
    }
  }
  return wasmVariant() === 'relaxed-simd';
}
