import { Buffer } from 'node:buffer';
import { InvalidArgumentError, type Tensor, tensor } from '@attnkit/tensor';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { expectAllClose, type Fixed, readBytes, readFixture } from '../test/helpers.js';
import { type ParsedSafetensors, parseSafetensors } from './parse-safetensors.js';
import { serializeSafetensors } from './serialize-safetensors.js';

interface AllDtypes {
  metadata: Record<string, string>;
  tensors: Record<string, Fixed>;
  dtypes: Record<string, string>;
}
const allDtypes = readFixture<{ safetensors: { allDtypes: AllDtypes } }>('training.json').safetensors
  .allDtypes;

const utf8 = new TextEncoder();

/** A file from a header (object or raw text), data bytes and optionally a lying header length. */
function file(header: unknown, data: Uint8Array | number = 0, length?: bigint): Uint8Array {
  const text = utf8.encode(typeof header === 'string' ? header : JSON.stringify(header));
  const body = typeof data === 'number' ? new Uint8Array(data) : data;
  const out = new Uint8Array(8 + text.length + body.length);
  new DataView(out.buffer).setBigUint64(0, length ?? BigInt(text.length), true);
  out.set(text, 8);
  out.set(body, 8 + text.length);
  return out;
}

const entry = (dtype: string, shape: number[], begin: number, end: number) => ({
  dtype,
  shape,
  data_offsets: [begin, end],
});

/** One little-endian element type written with a DataView. */
function bytesOf(
  n: number,
  size: number,
  write: (view: DataView, offset: number, i: number) => void,
): Uint8Array {
  const out = new Uint8Array(n * size);
  const view = new DataView(out.buffer);
  for (let i = 0; i < n; i++) write(view, i * size, i);
  return out;
}

/** Parses, or checks that the failure is an InvalidArgumentError (anything else fails the test). */
function parseOrInvalid(bytes: Uint8Array): ParsedSafetensors | null {
  try {
    return parseSafetensors(bytes);
  } catch (err) {
    if (!(err instanceof InvalidArgumentError)) throw err;
    expect(err.message.startsWith('parseSafetensors: ')).toBe(true);
    return null;
  }
}

/** A successful parse is complete: every header entry is a tensor, and together they span the data. */
function expectComplete(bytes: Uint8Array, parsed: ParsedSafetensors): void {
  const n = Number(new DataView(bytes.buffer, bytes.byteOffset).getBigUint64(0, true));
  const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + n))) as Record<string, unknown>;
  const entries = Object.entries(header).filter(([name]) => name !== '__metadata__') as [
    string,
    { data_offsets: [number, number] },
  ][];
  expect(Object.keys(parsed.tensors).sort()).toEqual(entries.map(([name]) => name).sort());
  const span = entries.reduce((s, [, e]) => s + e.data_offsets[1] - e.data_offsets[0], 0);
  expect(span).toBe(bytes.length - 8 - n);
}

const tensorArb = fc
  .tuple(
    fc.constantFrom('float32', 'float64', 'int32', 'bool'),
    fc.array(fc.integer({ min: 0, max: 3 }), { maxLength: 3 }),
  )
  .map(([dtype, shape]) => {
    const n = shape.reduce((a, b) => a * b, 1);
    return tensor(
      Array.from({ length: n }, (_, i) => (dtype === 'bool' ? i % 2 : i - 1.5 * (dtype !== 'int32' ? 1 : 0))),
      {
        shape,
        dtype,
      },
    );
  });
const fileArb = fc
  .dictionary(fc.string({ maxLength: 6 }), tensorArb, { minKeys: 1, maxKeys: 4 })
  .map((sd) => serializeSafetensors(sd, { format: 'pt' }));

describe('parseSafetensors', () => {
  it('reads every dtype of the file written by tools/golden/training.py', () => {
    const { tensors, metadata } = parseSafetensors(readBytes('torch-all-dtypes.safetensors'));
    expect(metadata).toEqual(allDtypes.metadata);
    expect(Object.keys(tensors).sort()).toEqual(Object.keys(allDtypes.tensors).sort());
    for (const [name, expected] of Object.entries(allDtypes.tensors)) {
      const t = tensors[name] as Tensor;
      expect([name, t.dtype, t.shape]).toEqual([name, expected.dtype, expected.shape]);
      // Exact: F16/BF16 widen to float32 exactly, and the JSON holds float32 values in shortest form.
      const values = expected.data.map((v) =>
        expected.dtype === 'float32' ? Math.fround(Number(v)) : Number(v),
      );
      expectAllClose(t, values, 0, 0);
    }
    expect(allDtypes.dtypes.half).toBe('F16');
    expect(Object.is(tensors.half!.toTypedArray()[4], -0)).toBe(true);
  });

  it('accepts an ArrayBuffer, a Node Buffer from the pool and a Uint8Array inside a larger buffer', () => {
    const bytes = serializeSafetensors({ w: tensor([1.5, -2], { dtype: 'float64' }) });
    expectAllClose(parseSafetensors(bytes.slice().buffer).tensors.w!, [1.5, -2], 0, 0);
    // Buffer.from copies into Node's shared pool; Buffer#slice would share memory, not copy.
    expectAllClose(parseSafetensors(Buffer.from(bytes)).tensors.w!, [1.5, -2], 0, 0);
    const shifted = new Uint8Array(bytes.length + 3);
    shifted.set(bytes, 3);
    expectAllClose(parseSafetensors(shifted.subarray(3)).tensors.w!, [1.5, -2], 0, 0);
  });

  it('returns tensors in data order, whatever the header order, and copies the data', () => {
    const data = new Uint8Array(new Int32Array([7, 8, 9]).buffer);
    const bytes = file({ second: entry('I32', [2], 4, 12), first: entry('I32', [], 0, 4) }, data);
    const { tensors } = parseSafetensors(bytes);
    expect(Object.keys(tensors)).toEqual(['first', 'second']);
    expect(tensors.first!.shape).toEqual([]);
    bytes.fill(0);
    expect(Array.from(tensors.second!.toTypedArray())).toEqual([8, 9]);
  });

  it('decodes F16 and BF16 infinities and NaN, and U16/U32/U64 within int32', () => {
    const half = bytesOf(3, 2, (v, o, i) => v.setUint16(o, [0x7c00, 0xfc00, 0x7e00][i]!, true));
    const bf = bytesOf(2, 2, (v, o, i) => v.setUint16(o, [0xff80, 0x7fc0][i]!, true));
    const u16 = bytesOf(1, 2, (v, o) => v.setUint16(o, 65535, true));
    const u32 = bytesOf(1, 4, (v, o) => v.setUint32(o, 2147483647, true));
    const u64 = bytesOf(1, 8, (v, o) => v.setBigUint64(o, 5n, true));
    const data = new Uint8Array([...half, ...bf, ...u16, ...u32, ...u64]);
    const { tensors } = parseSafetensors(
      file(
        {
          h: entry('F16', [3], 0, 6),
          b: entry('BF16', [2], 6, 10),
          u16: entry('U16', [1], 10, 12),
          u32: entry('U32', [1], 12, 16),
          u64: entry('U64', [1], 16, 24),
        },
        data,
      ),
      { allowNonFinite: true },
    );
    const h = tensors.h!.toTypedArray();
    expect([h[0], h[1], Number.isNaN(h[2])]).toEqual([
      Number.POSITIVE_INFINITY,
      Number.NEGATIVE_INFINITY,
      true,
    ]);
    const b = tensors.b!.toTypedArray();
    expect([b[0], Number.isNaN(b[1])]).toEqual([Number.NEGATIVE_INFINITY, true]);
    expect([tensors.u16, tensors.u32, tensors.u64].map((t) => t!.toTypedArray()[0])).toEqual([
      65535, 2147483647, 5,
    ]);
  });

  it('keeps a tensor named __proto__ as data and accepts null metadata', () => {
    const bytes = file(
      '{"__metadata__":null,"__proto__":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}',
      4,
    );
    const { tensors, metadata } = parseSafetensors(bytes);
    expect(Object.keys(tensors)).toEqual(['__proto__']);
    expect(Object.getPrototypeOf(tensors)).toBe(Object.prototype);
    expect(metadata).toEqual({});
  });

  it('throws InvalidArgumentError for a U32 or 64-bit integer outside int32, naming the tensor and value', () => {
    expect(() => parseSafetensors(readBytes('torch-int64-overflow.safetensors'))).toThrow(
      "parseSafetensors: tensor 'big' (I64) holds 1099511627776 at flat index 1, outside the int32 range.",
    );
    const u32 = bytesOf(1, 4, (v, o) => v.setUint32(o, 2147483648, true));
    expect(() => parseSafetensors(file({ u: entry('U32', [1], 0, 4) }, u32))).toThrow(InvalidArgumentError);
    const u64 = bytesOf(1, 8, (v, o) => v.setBigUint64(o, 2n ** 63n, true));
    expect(() => parseSafetensors(file({ u: entry('U64', [1], 0, 8) }, u64))).toThrow(InvalidArgumentError);
  });

  it('throws InvalidArgumentError for input that is not bytes', () => {
    expect(() => parseSafetensors('file' as unknown as Uint8Array)).toThrow(
      "parseSafetensors: bytes must be a Uint8Array or an ArrayBuffer; got 'file'.",
    );
  });

  it('throws InvalidArgumentError for a buffer shorter than 8 bytes', () => {
    expect(() => parseSafetensors(new Uint8Array(5))).toThrow(
      'parseSafetensors: file is 5 bytes, too short for the 8-byte header length (truncated?).',
    );
  });

  it('throws InvalidArgumentError when the header length exceeds the buffer or 100 MB', () => {
    expect(() => parseSafetensors(file('{}', 0, 100n))).toThrow(
      'parseSafetensors: header length 100 exceeds the 2 bytes after the length prefix (truncated or not a safetensors file).',
    );
    expect(() => parseSafetensors(file('{}', 0, 2n ** 64n - 1n))).toThrow(
      'parseSafetensors: header length 18446744073709551615 exceeds the limit of 100000000 bytes.',
    );
    expect(() => parseSafetensors(file('{}', 0, 1n))).toThrow(InvalidArgumentError);
  });

  it('throws InvalidArgumentError for a header that is not UTF-8 JSON or not an object', () => {
    expect(() => parseSafetensors(file('\u00ff', 0).map((b, i) => (i >= 8 ? 0xff : b)))).toThrow(
      'parseSafetensors: header is not valid UTF-8.',
    );
    expect(() => parseSafetensors(file('{"a": ', 0))).toThrow('parseSafetensors: header is not valid JSON');
    expect(() => parseSafetensors(file('[1, 2]'))).toThrow(
      'parseSafetensors: header must be a JSON object; got an array.',
    );
    expect(() => parseSafetensors(file('null'))).toThrow(InvalidArgumentError);
    expect(() => parseSafetensors(file('"text"'))).toThrow(InvalidArgumentError);
  });

  it('throws InvalidArgumentError when __metadata__ is not an object of strings', () => {
    expect(() => parseSafetensors(file({ __metadata__: ['pt'] }))).toThrow(
      'parseSafetensors: __metadata__ must be an object of strings; got an array.',
    );
    expect(() => parseSafetensors(file({ __metadata__: { step: 3 } }))).toThrow(
      "parseSafetensors: __metadata__ values must be strings; 'step' is 3.",
    );
  });

  it('throws InvalidArgumentError for an entry that is not an object or has an unsupported dtype', () => {
    expect(() => parseSafetensors(file({ w: 'F32' }))).toThrow(
      "parseSafetensors: tensor 'w' must be an object with dtype, shape and data_offsets; got 'F32'.",
    );
    expect(() => parseSafetensors(file({ w: entry('F8_E4M3', [1], 0, 1) }, 1))).toThrow(
      "parseSafetensors: tensor 'w' has unsupported dtype 'F8_E4M3'; expected one of BOOL, U8",
    );
    expect(() => parseSafetensors(file({ w: entry('constructor', [1], 0, 1) }, 1))).toThrow(
      InvalidArgumentError,
    );
    expect(() => parseSafetensors(file({ w: { shape: [1], data_offsets: [0, 4] } }, 4))).toThrow(
      InvalidArgumentError,
    );
  });

  it('throws InvalidArgumentError for shapes with negative, fractional or non-numeric extents', () => {
    for (const shape of [[-1], [1.5], ['2'], 'abc', null, [2 ** 60]]) {
      expect(() => parseSafetensors(file({ w: { dtype: 'F32', shape, data_offsets: [0, 4] } }, 4))).toThrow(
        "parseSafetensors: tensor 'w' shape must be a list of integers ≥ 0",
      );
    }
  });

  it('throws InvalidArgumentError for a shape whose element count is not a safe integer, before allocating', () => {
    expect(() => parseSafetensors(file({ w: entry('F32', [2 ** 30, 2 ** 30, 2 ** 30], 0, 4) }, 4))).toThrow(
      "parseSafetensors: tensor 'w' shape [1073741824,1073741824,1073741824] has too many elements.",
    );
    expect(() => parseSafetensors(file({ w: entry('F32', [2 ** 20, 2 ** 20], 0, 4) }, 4))).toThrow(
      'needs 4398046511104 bytes but data_offsets [0, 4] span 4',
    );
  });

  it('throws InvalidArgumentError for data_offsets that are malformed or outside the data', () => {
    for (const offsets of [[0], [0, 4, 8], [-4, 0], [4, 0], [0, 1.5], 'x']) {
      expect(() =>
        parseSafetensors(file({ w: { dtype: 'U8', shape: [4], data_offsets: offsets } }, 4)),
      ).toThrow(
        "parseSafetensors: tensor 'w' data_offsets must be [begin, end] with integers 0 ≤ begin ≤ end",
      );
    }
    expect(() => parseSafetensors(file({ w: entry('U8', [4], 4, 8) }, 4))).toThrow(
      "parseSafetensors: tensor 'w' data_offsets [4, 8] lie outside the 4 data bytes.",
    );
  });

  it('throws InvalidArgumentError when the byte span is not elements × item size', () => {
    expect(() => parseSafetensors(file({ w: entry('F32', [3], 0, 8) }, 8))).toThrow(
      "parseSafetensors: tensor 'w' (F32, shape (3)) needs 12 bytes but data_offsets [0, 8] span 8.",
    );
  });

  it('throws InvalidArgumentError for overlapping tensors, gaps, or data not covered exactly', () => {
    expect(() => parseSafetensors(file({ a: entry('U8', [4], 0, 4), b: entry('U8', [2], 2, 4) }, 4))).toThrow(
      "parseSafetensors: tensors 'a' and 'b' overlap (data_offsets 0..4 and 2..4).",
    );
    expect(() => parseSafetensors(file({ a: entry('U8', [2], 0, 2), b: entry('U8', [2], 3, 5) }, 5))).toThrow(
      "parseSafetensors: data bytes 2..3 belong to no tensor (before 'b').",
    );
    expect(() => parseSafetensors(file({ a: entry('U8', [2], 0, 2) }, 6))).toThrow(
      'parseSafetensors: tensors cover 2 of the 6 data bytes; the data section must be covered exactly.',
    );
  });

  it('fails with InvalidArgumentError on every truncation of a valid file', () => {
    fc.assert(
      fc.property(fileArb, fc.nat(), (bytes, cut) => {
        expect(() => parseSafetensors(bytes.subarray(0, cut % bytes.length))).toThrow(InvalidArgumentError);
      }),
    );
  });

  it('parses or fails with InvalidArgumentError after any byte corruption, never partly', () => {
    fc.assert(
      fc.property(
        fileArb,
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 8 }),
        (bytes, edits) => {
          const corrupted = bytes.slice();
          for (const [at, value] of edits) corrupted[at % corrupted.length] = value;
          const parsed = parseOrInvalid(corrupted);
          if (parsed !== null) expectComplete(corrupted, parsed);
        },
      ),
    );
  });

  it('parses or fails with InvalidArgumentError for random bytes and any header length', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 80 }),
        fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }),
        (body, length) => {
          const bytes = new Uint8Array(8 + body.length);
          new DataView(bytes.buffer).setBigUint64(0, length, true);
          bytes.set(body, 8);
          parseOrInvalid(bytes);
          parseOrInvalid(body);
        },
      ),
    );
  });

  it('parses or fails with InvalidArgumentError for lying headers: any JSON, dtypes, shapes and offsets', () => {
    const lie = fc.record({
      dtype: fc.oneof(
        fc.constantFrom('F32', 'F64', 'I32', 'I64', 'BOOL', 'U8', 'F16', 'BF16', 'U64', 'X'),
        fc.jsonValue(),
      ),
      shape: fc.oneof(
        fc.array(fc.oneof(fc.integer({ min: -3, max: 6 }), fc.constantFrom(2 ** 31, 2 ** 53, 1e300, 0.5)), {
          maxLength: 4,
        }),
        fc.jsonValue(),
      ),
      data_offsets: fc.oneof(
        fc.tuple(fc.integer({ min: -4, max: 64 }), fc.integer({ min: -4, max: 64 })),
        fc.jsonValue(),
      ),
    });
    fc.assert(
      fc.property(
        fc.oneof(
          fc.dictionary(fc.string({ maxLength: 4 }), fc.oneof(lie, fc.jsonValue()), { maxKeys: 4 }),
          fc.jsonValue(),
        ),
        fc.nat({ max: 64 }),
        fc.option(fc.bigInt({ min: 0n, max: 200n })),
        (header, dataLength, length) => {
          const bytes = file(JSON.stringify(header) ?? 'null', dataLength, length ?? undefined);
          const parsed = parseOrInvalid(bytes);
          if (parsed !== null) expectComplete(bytes, parsed);
        },
      ),
    );
  });
});
