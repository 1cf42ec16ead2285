import { InvalidArgumentError, Tensor } from '@attnkit/tensor';
import { describe, isRecord } from './internal/check.js';
import { compareCodePoints } from './internal/compare-code-points.js';
import { HOST_LITTLE_ENDIAN, SAFETENSORS_DTYPES, WRITTEN_DTYPE } from './internal/safetensors-dtypes.js';

const utf8 = new TextEncoder();

/**
 * Writes tensors (a state dict) and optional string metadata in the safetensors format, byte for
 * byte as the reference implementation (huggingface/safetensors) writes them.
 *
 * Shapes: each tensor keeps its shape (written row-major)
 *
 * @param stateDict - Name → Tensor, e.g. `model.stateDict()`; float32 → F32, float64 → F64,
 *   int32 → I32, bool → BOOL. Non-contiguous views are written in row-major order.
 * @param metadata - Strings stored under `__metadata__` (e.g. `{ format: 'pt' }`); omitted when empty.
 * @returns The file's bytes: 8-byte little-endian header length, JSON header padded with spaces
 *   to a multiple of 8, then the data.
 * @throws {@link InvalidArgumentError} if `stateDict` is not an object of Tensors, a tensor is
 *   named `__metadata__`, or `metadata` is not an object of strings.
 * @remarks Tensors are ordered by descending alignment (F64, F32/I32, BOOL) then by name, as the
 *   reference writer orders them, so that with the 8-byte-aligned header every tensor's data is
 *   aligned to its element size and a reader can view it without copying.
 * @see huggingface/safetensors `serialize` (`safetensors/src/tensor.rs`).
 * @example
 * ```ts
 * const model = new Linear({ inFeatures: 2, outFeatures: 1 });
 * const bytes = serializeSafetensors(model.stateDict(), { format: 'pt' });
 * ```
 */
export function serializeSafetensors(
  stateDict: Readonly<Record<string, Tensor>>,
  metadata?: Readonly<Record<string, string>>,
): Uint8Array {
  const op = 'serializeSafetensors';
  if (!isRecord(stateDict)) {
    throw new InvalidArgumentError(
      `${op}: stateDict must be an object of Tensors; got ${describe(stateDict)}.`,
    );
  }
  const entries = Object.keys(stateDict).map((name) => {
    const t = stateDict[name];
    if (!(t instanceof Tensor)) {
      throw new InvalidArgumentError(`${op}: stateDict['${name}'] must be a Tensor; got ${describe(t)}.`);
    }
    if (name === '__metadata__') {
      throw new InvalidArgumentError(`${op}: '__metadata__' is reserved and cannot name a tensor.`);
    }
    return { name, tensor: t, dtype: WRITTEN_DTYPE[t.dtype] };
  });
  let meta: Record<string, string> | null = null;
  if (metadata !== undefined) {
    if (!isRecord(metadata)) {
      throw new InvalidArgumentError(
        `${op}: metadata must be an object of strings; got ${describe(metadata)}.`,
      );
    }
    for (const key of Object.keys(metadata)) {
      if (typeof metadata[key] !== 'string') {
        throw new InvalidArgumentError(
          `${op}: metadata values must be strings; '${key}' is ${describe(metadata[key])}.`,
        );
      }
    }
    if (Object.keys(metadata).length > 0) meta = metadata as Record<string, string>;
  }
  entries.sort(
    (a, b) =>
      SAFETENSORS_DTYPES[b.dtype].rank - SAFETENSORS_DTYPES[a.dtype].rank ||
      compareCodePoints(a.name, b.name),
  );

  // Header JSON, in the reference's order: __metadata__ first, then tensors in data order.
  const parts: string[] = [];
  if (meta !== null) parts.push(`"__metadata__":${JSON.stringify(meta)}`);
  let offset = 0;
  for (const e of entries) {
    const end = offset + e.tensor.numel() * SAFETENSORS_DTYPES[e.dtype].size;
    parts.push(
      `${JSON.stringify(e.name)}:{"dtype":"${e.dtype}","shape":[${e.tensor.shape.join(',')}],"data_offsets":[${offset},${end}]}`,
    );
    offset = end;
  }
  const header = utf8.encode(`{${parts.join(',')}}`);
  const headerLength = header.length + ((8 - (header.length % 8)) % 8);

  const out = new Uint8Array(8 + headerLength + offset);
  const view = new DataView(out.buffer);
  view.setBigUint64(0, BigInt(headerLength), true);
  out.set(header, 8);
  out.fill(0x20, 8 + header.length, 8 + headerLength); // pad with spaces
  let pos = 8 + headerLength;
  for (const e of entries) {
    const values = e.tensor.toTypedArray();
    if (HOST_LITTLE_ENDIAN || values.BYTES_PER_ELEMENT === 1) {
      out.set(new Uint8Array(values.buffer, values.byteOffset, values.byteLength), pos);
    } else {
      for (let i = 0; i < values.length; i++) {
        const at = pos + i * values.BYTES_PER_ELEMENT;
        if (values instanceof Float32Array) view.setFloat32(at, values[i]!, true);
        else if (values instanceof Float64Array) view.setFloat64(at, values[i]!, true);
        else view.setInt32(at, values[i]!, true);
      }
    }
    pos += values.byteLength;
  }
  return out;
}
