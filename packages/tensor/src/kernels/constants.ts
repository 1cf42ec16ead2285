/**
 * Tile and block sizes of the product and attention kernels, in one place. The WebAssembly values
 * are fixed by the code in src/wasm/sgemm.wat (its register tiles and loops are written for
 * them), the JavaScript ones by the unrolled micro-kernel in matmul.ts; change them only together
 * with that code.
 */

/** Rows of the WebAssembly SGEMM register tile (4 f32x4 accumulator rows); A is packed in MR-row panels. */
export const WASM_MR = 4;
/** Columns of the WebAssembly SGEMM register tile (two f32x4); Bᵀ is packed in NR-row panels. */
export const WASM_NR = 8;
/** k-block of the packed panels (both backends): one block of A and B stays in L1/L2. */
export const KC = 256;
/** Query and key tile of the WebAssembly FlashAttention loops (BR = BC = 64). */
export const WASM_ATTENTION_TILE = 64;

/** Register tile of the JavaScript GEMM: MR = NR = 4, so one packer serves both operands. */
export const JS_MR = 4;
/** Columns of the JavaScript register tile (equal to {@link JS_MR}). */
export const JS_NR = 4;
/** Rows of A per packed block of the JavaScript GEMM (Goto & van de Geijn 2008), in L2. */
export const JS_MC = 128;
/** Columns of B per packed panel of the JavaScript GEMM. */
export const JS_NC = 512;
/** Query rows per tile of the JavaScript FlashAttention loop. */
export const JS_ATTENTION_BR = 64;
/** Keys per tile of the JavaScript FlashAttention loop (wider, so a tile product amortises its call). */
export const JS_ATTENTION_BC = 128;

/** `x` rounded up to a multiple of `to`. */
export const up = (x: number, to: number): number => Math.ceil(x / to) * to;
