import {
  type ParsedSafetensors,
  type ReadSafetensorsOptions,
  readSafetensors,
} from './internal/read-safetensors.js';

export type { ParsedSafetensors, ReadSafetensorsOptions } from './internal/read-safetensors.js';

/**
 * Reads a safetensors file from its bytes: the tensors (copied out) and the `__metadata__` strings.
 *
 * Shapes: each tensor has the shape its header entry gives
 *
 * Layout (huggingface/safetensors): an 8-byte little-endian u64 N, N bytes of UTF-8 JSON
 * `{ name: { dtype, shape, data_offsets: [begin, end] }, "__metadata__"?: { string: string } }`
 * (possibly padded with spaces), then the data section that the offsets index: raw little-endian,
 * row-major, tensors back to back.
 *
 * @param bytes - The whole file (a Uint8Array, Node Buffer or ArrayBuffer); never modified or kept.
 * @param options - `allowNonFinite` (default false): accept float tensors holding NaN or ±Infinity.
 * @returns `{ tensors, metadata }`. F32 → float32, F64 → float64, I32 → int32, BOOL → bool;
 *   F16 and BF16 → float32 (exact); U8, I8, I16, U16 → int32; U32, I64, U64 → int32 when in range.
 * @throws {@link InvalidArgumentError} naming what is wrong (including a key that appears twice in
 *   the header, and a NaN or ±Infinity in a float tensor unless `allowNonFinite`), and never returning a partial result,
 *   if: the buffer is shorter than 8 bytes; the header length exceeds the buffer or 100 MB; the
 *   header is not UTF-8 JSON or not an object; `__metadata__` is not an object of strings; an entry
 *   is not an object, has an unsupported dtype, a shape that is not a list of integers ≥ 0 or
 *   whose element count is not a safe integer, data_offsets that are not `[begin, end]` integers
 *   with begin ≤ end inside the data, or a byte span other than elements × item size; entries
 *   overlap, leave a gap or do not cover the data exactly; or a 32/64-bit integer does not fit int32.
 * @remarks Everything in the header is validated against the buffer before any tensor is
 *   allocated, so a lying header cannot trigger a huge allocation: total allocation is bounded by
 *   the buffer's size. Tensor names become own properties (even `__proto__`).
 * @see huggingface/safetensors, "Format" (README) and `safetensors/src/tensor.rs`.
 * @example
 * ```ts
 * const model = new Linear({ inFeatures: 2, outFeatures: 1 });
 * const { tensors, metadata } = parseSafetensors(serializeSafetensors(model.stateDict(), { format: 'pt' }));
 * model.loadStateDict(tensors);
 * ```
 */
export function parseSafetensors(
  bytes: Uint8Array | ArrayBuffer,
  options: ReadSafetensorsOptions = {},
): ParsedSafetensors {
  return readSafetensors('parseSafetensors', bytes, options);
}
