/**
 * Makes `wasmBackend` the default (where WebAssembly SIMD validates) by being loaded: the ops that
 * run on WebAssembly (`matmul`, `linear`, `fusedAttention`) import this module for its effect. It
 * is the package's one module with a side effect (listed in package.json `sideEffects`), so a
 * bundler keeps it exactly when one of those ops is in the bundle; a page that uses none of them
 * ships without the WebAssembly kernels, threads and fused attention. Without a bundler the
 * package entry loads every op, so the default is `wasmBackend` as before.
 */
import { preferByDefault } from './registry.js';
import { wasmBackend } from './wasm-backend.js';

preferByDefault(() => (wasmBackend.unavailableReason?.() ? null : wasmBackend));
