/**
 * Imported first by every bench entry: runs attnkit's WebAssembly kernels in their relaxed-SIMD
 * (fused multiply-add) build, as the `attnkit` CLI does; on Node 20 that needs the engine flag,
 * which `enableRelaxedSimd()` sets. `ATTNKIT_RELAXED_SIMD=0` keeps the plain SIMD build (A/B runs).
 */
import { enableRelaxedSimd } from '@attnkit/tensor';

if (process.env.ATTNKIT_RELAXED_SIMD !== '0') enableRelaxedSimd();
