import type { DType } from '@attnkit/tensor';

/** Element types of the safetensors format this package reads. */
export type SafetensorsDType =
  | 'BOOL'
  | 'U8'
  | 'I8'
  | 'I16'
  | 'U16'
  | 'F16'
  | 'BF16'
  | 'I32'
  | 'U32'
  | 'F32'
  | 'F64'
  | 'I64'
  | 'U64';

interface DTypeInfo {
  /** Bytes per element. */
  readonly size: number;
  /** Position in the reference `Dtype` enum (increasing alignment); writers sort by it, descending. */
  readonly rank: number;
  /** The attnkit dtype a tensor of this type is read as. */
  readonly target: DType;
}

/** The readable safetensors dtypes (ranks follow huggingface/safetensors `Dtype`, whose order is its alignment order). */
export const SAFETENSORS_DTYPES: Readonly<Record<SafetensorsDType, DTypeInfo>> = {
  BOOL: { size: 1, rank: 0, target: 'bool' },
  U8: { size: 1, rank: 1, target: 'int32' },
  I8: { size: 1, rank: 2, target: 'int32' },
  I16: { size: 2, rank: 5, target: 'int32' },
  U16: { size: 2, rank: 6, target: 'int32' },
  F16: { size: 2, rank: 7, target: 'float32' },
  BF16: { size: 2, rank: 8, target: 'float32' },
  I32: { size: 4, rank: 9, target: 'int32' },
  U32: { size: 4, rank: 10, target: 'int32' },
  F32: { size: 4, rank: 11, target: 'float32' },
  F64: { size: 8, rank: 12, target: 'float64' },
  I64: { size: 8, rank: 13, target: 'int32' },
  U64: { size: 8, rank: 14, target: 'int32' },
};

/** The safetensors dtype each attnkit dtype is written as. */
export const WRITTEN_DTYPE: Readonly<Record<DType, SafetensorsDType>> = {
  bool: 'BOOL',
  int32: 'I32',
  float32: 'F32',
  float64: 'F64',
};

/** True when typed arrays are little-endian (every mainstream platform), so bytes copy as they are. */
export const HOST_LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** IEEE 754 binary16 bits → number (exact: every half is a float32). */
export function halfToNumber(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exponent = (bits >> 10) & 0x1f;
  const fraction = bits & 0x3ff;
  if (exponent === 0) return sign * fraction * 2 ** -24; // zero and subnormals
  if (exponent === 0x1f) return fraction === 0 ? sign * Number.POSITIVE_INFINITY : Number.NaN;
  return sign * (1 + fraction / 1024) * 2 ** (exponent - 15);
}

const bf16Bits = new Uint32Array(1);
const bf16Float = new Float32Array(bf16Bits.buffer);

/** bfloat16 bits → number: they are the upper half of a float32. */
export function bfloat16ToNumber(bits: number): number {
  bf16Bits[0] = bits << 16;
  return bf16Float[0]!;
}
