import {
  checkOptions,
  createView,
  fromNdarray,
  InvalidArgumentError,
  type Tensor,
  type TypedArray,
} from '@attnkit/tensor';
import { describe, isRecord } from './check.js';
import {
  bfloat16ToNumber,
  HOST_LITTLE_ENDIAN,
  halfToNumber,
  SAFETENSORS_DTYPES,
  type SafetensorsDType,
} from './safetensors-dtypes.js';

/** The tensors and metadata of a safetensors file. */
export interface ParsedSafetensors {
  /** Tensors by name, in file (offset) order; each owns a fresh copy of its data. */
  readonly tensors: Record<string, Tensor>;
  /** The `__metadata__` strings; `{}` when the file has none. */
  readonly metadata: Record<string, string>;
}

/** Options of the safetensors readers. */
export interface ReadSafetensorsOptions {
  /**
   * Accept float tensors holding NaN or ±Infinity (default `false`: such a file is rejected, as
   * overwritten or diverged weights would otherwise load silently).
   */
  allowNonFinite?: boolean;
}

/** Largest header accepted (the reference implementation's limit). */
export const MAX_HEADER_BYTES = 100_000_000;

interface Entry {
  readonly name: string;
  readonly dtype: SafetensorsDType;
  readonly shape: number[];
  readonly numel: number;
  readonly begin: number;
  readonly end: number;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Parses a safetensors buffer: validates the whole header against the buffer first, then copies
 * every tensor out. Any problem throws an InvalidArgumentError prefixed with `context`.
 */
export function readSafetensors(
  context: string,
  input: unknown,
  options: ReadSafetensorsOptions = {},
): ParsedSafetensors {
  const fail = (what: string): never => {
    throw new InvalidArgumentError(`${context}: ${what}`);
  };
  checkOptions(context, options, { allowNonFinite: 'boolean' });
  // A plain Uint8Array view: a Node Buffer's slice() would share memory instead of copying.
  let bytes: Uint8Array;
  if (input instanceof ArrayBuffer) bytes = new Uint8Array(input);
  else if (ArrayBuffer.isView(input))
    bytes = new Uint8Array(input.buffer, input.byteOffset, input.byteLength);
  else return fail(`bytes must be a Uint8Array or an ArrayBuffer; got ${describe(input)}.`);

  // 1. The 8-byte little-endian header length, checked against the buffer before anything is allocated.
  if (bytes.length < 8) {
    return fail(`file is ${bytes.length} bytes, too short for the 8-byte header length (truncated?).`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLength = view.getBigUint64(0, true);
  if (headerLength > BigInt(MAX_HEADER_BYTES)) {
    return fail(`header length ${headerLength} exceeds the limit of ${MAX_HEADER_BYTES} bytes.`);
  }
  if (headerLength > BigInt(bytes.length - 8)) {
    return fail(
      `header length ${headerLength} exceeds the ${bytes.length - 8} bytes after the length prefix (truncated or not a safetensors file).`,
    );
  }
  const n = Number(headerLength);
  if (n < 2) return fail(`header length ${n} is too short for a JSON object.`);

  // 2. The JSON header.
  let text: string;
  try {
    text = utf8.decode(bytes.subarray(8, 8 + n));
  } catch {
    return fail('header is not valid UTF-8.');
  }
  let header: unknown;
  try {
    header = JSON.parse(text);
  } catch (err) {
    return fail(`header is not valid JSON (${(err as Error).message}).`);
  }
  if (!isRecord(header)) return fail(`header must be a JSON object; got ${describe(header)}.`);
  // JSON.parse keeps the last of duplicate keys; the reference implementation rejects them.
  const duplicate = findDuplicateKey(text);
  if (duplicate !== null) return fail(`header has the key ${duplicate}.`);

  // 3. Every entry, and the layout of the data section.
  const dataStart = 8 + n;
  const dataLength = bytes.length - dataStart;
  const metadata: Record<string, string> = {};
  const entries: Entry[] = [];
  for (const name of Object.keys(header)) {
    const value = header[name];
    if (name === '__metadata__') {
      if (value === null) continue;
      if (!isRecord(value)) return fail(`__metadata__ must be an object of strings; got ${describe(value)}.`);
      for (const key of Object.keys(value)) {
        if (typeof value[key] !== 'string') {
          return fail(`__metadata__ values must be strings; '${key}' is ${describe(value[key])}.`);
        }
        define(metadata, key, value[key] as string);
      }
      continue;
    }
    entries.push(readEntry(fail, name, value, dataLength));
  }
  entries.sort((a, b) => a.begin - b.begin || a.end - b.end);
  let covered = 0;
  let previous: Entry | null = null;
  for (const e of entries) {
    if (e.begin < covered) {
      return fail(
        `tensors '${previous?.name}' and '${e.name}' overlap (data_offsets ${previous?.begin}..${previous?.end} and ${e.begin}..${e.end}).`,
      );
    }
    if (e.begin > covered) {
      return fail(`data bytes ${covered}..${e.begin} belong to no tensor (before '${e.name}').`);
    }
    covered = e.end;
    previous = e;
  }
  if (covered !== dataLength) {
    return fail(
      `tensors cover ${covered} of the ${dataLength} data bytes; the data section must be covered exactly.`,
    );
  }

  // 4. Everything is consistent: copy the tensors out.
  const tensors: Record<string, Tensor> = {};
  for (const e of entries) {
    const data = decode(fail, e, bytes, view, dataStart + e.begin);
    if (options.allowNonFinite !== true && (data instanceof Float32Array || data instanceof Float64Array)) {
      for (let i = 0; i < data.length; i++) {
        if (!Number.isFinite(data[i]!)) {
          return fail(
            `tensor '${e.name}' holds ${data[i]} at flat index ${i}; pass allowNonFinite: true to load non-finite values.`,
          );
        }
      }
    }
    define(tensors, e.name, fromNdarray(createView(data, e.shape)));
  }
  return { tensors, metadata };
}

/** Validates one header entry against the data section's length. */
function readEntry(fail: (what: string) => never, name: string, value: unknown, dataLength: number): Entry {
  const where = `tensor '${name}'`;
  if (!isRecord(value))
    return fail(`${where} must be an object with dtype, shape and data_offsets; got ${describe(value)}.`);
  const dtype = value.dtype;
  if (typeof dtype !== 'string' || !Object.hasOwn(SAFETENSORS_DTYPES, dtype)) {
    return fail(
      `${where} has unsupported dtype ${describe(dtype)}; expected one of ${Object.keys(SAFETENSORS_DTYPES).join(', ')}.`,
    );
  }
  const { size } = SAFETENSORS_DTYPES[dtype as SafetensorsDType];
  const shape = value.shape;
  if (!Array.isArray(shape) || !shape.every((d) => Number.isSafeInteger(d) && (d as number) >= 0)) {
    return fail(`${where} shape must be a list of integers ≥ 0; got ${preview(shape)}.`);
  }
  // Elements, and the product of the non-zero extents (the largest stride), must stay exact.
  let numel = 1;
  let span = 1;
  for (const d of shape as number[]) {
    numel *= d;
    if (d > 0) span *= d;
    if (span > Number.MAX_SAFE_INTEGER)
      return fail(`${where} shape ${preview(shape)} has too many elements.`);
  }
  const offsets = value.data_offsets;
  if (
    !Array.isArray(offsets) ||
    offsets.length !== 2 ||
    !offsets.every((o) => Number.isSafeInteger(o) && (o as number) >= 0) ||
    (offsets[0] as number) > (offsets[1] as number)
  ) {
    return fail(
      `${where} data_offsets must be [begin, end] with integers 0 ≤ begin ≤ end; got ${preview(offsets)}.`,
    );
  }
  const [begin, end] = offsets as [number, number];
  if (end > dataLength) {
    return fail(`${where} data_offsets [${begin}, ${end}] lie outside the ${dataLength} data bytes.`);
  }
  if (end - begin !== numel * size) {
    return fail(
      `${where} (${dtype}, shape (${(shape as number[]).join(', ')})) needs ${numel * size} bytes but data_offsets [${begin}, ${end}] span ${end - begin}.`,
    );
  }
  return { name, dtype: dtype as SafetensorsDType, shape: (shape as number[]).slice(), numel, begin, end };
}

/** Copies one tensor's little-endian bytes into fresh storage of its attnkit dtype. */
function decode(
  fail: (what: string) => never,
  e: Entry,
  bytes: Uint8Array,
  view: DataView,
  start: number,
): TypedArray {
  const n = e.numel;
  const raw = (size: number): ArrayBuffer => bytes.slice(start, start + n * size).buffer;
  const outOfRange = (i: number, v: bigint | number): never =>
    fail(`tensor '${e.name}' (${e.dtype}) holds ${v} at flat index ${i}, outside the int32 range.`);
  switch (e.dtype) {
    case 'F32':
      if (HOST_LITTLE_ENDIAN) return new Float32Array(raw(4));
      return fill(new Float32Array(n), (i) => view.getFloat32(start + 4 * i, true));
    case 'F64':
      if (HOST_LITTLE_ENDIAN) return new Float64Array(raw(8));
      return fill(new Float64Array(n), (i) => view.getFloat64(start + 8 * i, true));
    case 'I32':
      if (HOST_LITTLE_ENDIAN) return new Int32Array(raw(4));
      return fill(new Int32Array(n), (i) => view.getInt32(start + 4 * i, true));
    case 'BOOL':
      return fill(new Uint8Array(n), (i) => (bytes[start + i] !== 0 ? 1 : 0));
    case 'U8':
      return fill(new Int32Array(n), (i) => bytes[start + i]!);
    case 'I8':
      return fill(new Int32Array(n), (i) => view.getInt8(start + i));
    case 'I16':
      return fill(new Int32Array(n), (i) => view.getInt16(start + 2 * i, true));
    case 'U16':
      return fill(new Int32Array(n), (i) => view.getUint16(start + 2 * i, true));
    case 'F16':
      return fill(new Float32Array(n), (i) => halfToNumber(view.getUint16(start + 2 * i, true)));
    case 'BF16':
      return fill(new Float32Array(n), (i) => bfloat16ToNumber(view.getUint16(start + 2 * i, true)));
    case 'U32':
      return fill(new Int32Array(n), (i) => {
        const v = view.getUint32(start + 4 * i, true);
        return v > 0x7fffffff ? outOfRange(i, v) : v;
      });
    case 'I64':
    case 'U64':
      return fill(new Int32Array(n), (i) => {
        const lo = view.getUint32(start + 8 * i, true);
        const hi =
          e.dtype === 'I64'
            ? view.getInt32(start + 8 * i + 4, true)
            : view.getUint32(start + 8 * i + 4, true);
        // In int32 range iff the high word is the sign extension of the low word's top bit.
        if (hi === (lo > 0x7fffffff ? -1 : 0)) return lo | 0;
        const value =
          e.dtype === 'I64' ? view.getBigInt64(start + 8 * i, true) : view.getBigUint64(start + 8 * i, true);
        return outOfRange(i, value);
      });
  }
}

function fill<T extends TypedArray>(out: T, at: (i: number) => number): T {
  for (let i = 0; i < out.length; i++) out[i] = at(i);
  return out;
}

/** Sets an own enumerable property, so a key like `__proto__` is data, not the prototype. */
function define<T>(target: Record<string, T>, key: string, value: T): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

function preview(value: unknown): string {
  let text: string;
  try {
    text = JSON.stringify(value) ?? String(value);
  } catch {
    text = String(value);
  }
  return text.length > 60 ? `${text.slice(0, 60)}…` : text;
}

/**
 * The first key that appears twice in one object of a JSON text already accepted by JSON.parse,
 * quoted, with where it is (`"w" in the top-level object`, `"dtype" in 'w'`), or null. One
 * linear scan; strings are skipped with their escapes.
 */
export function findDuplicateKey(text: string): string | null {
  const stack: { keys: Set<string> | null; expectKey: boolean; name: string }[] = [];
  let lastKey = '';
  const nameFor = (): string => {
    const top = stack[stack.length - 1];
    if (top === undefined) return 'the top-level object';
    return top.keys ? `'${lastKey}'` : top.name;
  };
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    const top = stack[stack.length - 1];
    if (c === '{') stack.push({ keys: new Set(), expectKey: true, name: nameFor() });
    else if (c === '[') stack.push({ keys: null, expectKey: false, name: nameFor() });
    else if (c === '}' || c === ']') stack.pop();
    else if (c === ',' && top?.keys) top.expectKey = true;
    else if (c === ':' && top?.keys) top.expectKey = false;
    else if (c === '"') {
      let j = i + 1;
      while (text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
      if (top?.keys && top.expectKey) {
        const key = JSON.parse(text.slice(i, j + 1)) as string;
        if (top.keys.has(key)) return `${JSON.stringify(key)} twice in ${top.name}`;
        top.keys.add(key);
        lastKey = key;
      }
      i = j;
    }
  }
  return null;
}
