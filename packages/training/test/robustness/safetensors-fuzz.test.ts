import { InvalidArgumentError, type Tensor, tensor } from '@attnkit/tensor';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseSafetensors, serializeSafetensors } from '../../src/index.js';

// Thousands of cases in CI; ATTNKIT_FUZZ_RUNS=200000 for a longer opt-in run.
const RUNS = Number(process.env.ATTNKIT_FUZZ_RUNS ?? 1500);

const utf8 = new TextEncoder();

/** A safetensors file from a header object (JSON text given verbatim) and data bytes. */
function fileOf(headerText: string, data: Uint8Array): Uint8Array {
  const header = utf8.encode(headerText);
  const out = new Uint8Array(8 + header.length + data.length);
  new DataView(out.buffer).setBigUint64(0, BigInt(header.length), true);
  out.set(header, 8);
  out.set(data, 8 + header.length);
  return out;
}

/**
 * Parses and checks the outcome: either the documented error class, or a complete result whose
 * every tensor matches its header entry (never partial data). Any other throw fails the test.
 */
function parseChecked(bytes: Uint8Array): void {
  let parsed: ReturnType<typeof parseSafetensors>;
  try {
    parsed = parseSafetensors(bytes);
  } catch (e) {
    expect(e).toBeInstanceOf(InvalidArgumentError);
    expect((e as Error).message).toMatch(/^parseSafetensors: /);
    return;
  }
  const n = Number(new DataView(bytes.buffer, bytes.byteOffset).getBigUint64(0, true));
  const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + n))) as Record<
    string,
    { shape: number[] }
  >;
  const names = Object.keys(header).filter((k) => k !== '__metadata__');
  expect(Object.keys(parsed.tensors).sort()).toEqual(names.sort());
  for (const name of names) {
    const t = parsed.tensors[name] as Tensor;
    expect(t.shape).toEqual(header[name]!.shape);
    expect(t.toTypedArray().length).toBe(header[name]!.shape.reduce((a, b) => a * b, 1));
  }
}

const valid = serializeSafetensors(
  {
    'layer.weight': tensor([
      [1, 2],
      [3, 4],
    ]),
    'layer.bias': tensor([0.5, -0.5], { dtype: 'float64' }),
    ids: tensor([1, 2, 3], { dtype: 'int32' }),
    flags: tensor([true, false]),
  },
  { format: 'pt' },
);

describe('parseSafetensors fuzz: never crashes, hangs or returns partial data', () => {
  it('handles random bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 256 }), (bytes) => parseChecked(bytes)),
      { numRuns: RUNS },
    );
  });

  it('handles random bytes behind a plausible header length', () => {
    fc.assert(
      fc.property(fc.nat({ max: 300 }), fc.uint8Array({ maxLength: 300 }), (len, rest) => {
        const bytes = new Uint8Array(8 + rest.length);
        new DataView(bytes.buffer).setBigUint64(0, BigInt(len), true);
        bytes.set(rest, 8);
        parseChecked(bytes);
      }),
      { numRuns: RUNS },
    );
  });

  it('handles a valid file with flipped, truncated or inserted bytes', () => {
    const mutation = fc.oneof(
      fc.record({
        kind: fc.constant('flip' as const),
        at: fc.nat({ max: valid.length - 1 }),
        value: fc.integer({ min: 0, max: 255 }),
      }),
      fc.record({ kind: fc.constant('truncate' as const), at: fc.nat({ max: valid.length }) }),
      fc.record({
        kind: fc.constant('insert' as const),
        at: fc.nat({ max: valid.length }),
        bytes: fc.uint8Array({ minLength: 1, maxLength: 8 }),
      }),
    );
    fc.assert(
      fc.property(fc.array(mutation, { minLength: 1, maxLength: 4 }), (mutations) => {
        let bytes = valid.slice();
        for (const m of mutations) {
          const at = Math.min(m.at, bytes.length);
          if (m.kind === 'flip' && at < bytes.length) bytes[at] = m.value;
          else if (m.kind === 'truncate') bytes = bytes.slice(0, at);
          else if (m.kind === 'insert')
            bytes = new Uint8Array([...bytes.subarray(0, at), ...m.bytes, ...bytes.subarray(at)]);
        }
        parseChecked(bytes);
      }),
      { numRuns: RUNS },
    );
  });

  it('handles headers with random entries (dtypes, shapes, offsets, duplicate and odd keys)', () => {
    const key = fc.oneof(
      fc.constantFrom('w', 'b', '__metadata__', '__proto__', 'constructor'),
      fc.string({ maxLength: 4 }),
    );
    const entryValue = fc.oneof(
      fc.record({
        dtype: fc.constantFrom('F32', 'F64', 'I32', 'BOOL', 'F16', 'BF16', 'I64', 'U8', 'X9'),
        shape: fc.array(fc.oneof(fc.nat({ max: 4 }), fc.constant(-1), fc.constant(2 ** 53)), {
          maxLength: 3,
        }),
        data_offsets: fc.tuple(fc.nat({ max: 40 }), fc.nat({ max: 40 })),
      }),
      fc.jsonValue(),
    );
    fc.assert(
      fc.property(
        fc.array(fc.tuple(key, entryValue), { maxLength: 4 }),
        fc.uint8Array({ maxLength: 40 }),
        (pairs, data) => {
          // Built as text so that duplicate keys reach the parser.
          const text = `{${pairs.map(([k, v]) => `${JSON.stringify(k)}:${JSON.stringify(v)}`).join(',')}}`;
          parseChecked(fileOf(text, data));
        },
      ),
      { numRuns: RUNS },
    );
  });
});

describe('parseSafetensors checks', () => {
  it('rejects a duplicate key (the second would win with another dtype over the same bytes)', () => {
    const data = new Uint8Array(8);
    const text =
      '{"w":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"w":{"dtype":"I32","shape":[2],"data_offsets":[0,8]}}';
    expect(() => parseSafetensors(fileOf(text, data))).toThrow(InvalidArgumentError);
    expect(() => parseSafetensors(fileOf(text, data))).toThrow(
      /header has the key "w" twice in the top-level object/,
    );
    const nested = '{"w":{"dtype":"F32","dtype":"I32","shape":[2],"data_offsets":[0,8]}}';
    expect(() => parseSafetensors(fileOf(nested, data))).toThrow(/the key "dtype" twice in 'w'/);
    const escaped =
      '{"w":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"\\u0077":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}';
    expect(() => parseSafetensors(fileOf(escaped, data))).toThrow(/the key "w" twice/);
  });

  it('rejects NaN or ±Infinity weights unless allowNonFinite', () => {
    const bytes = serializeSafetensors({ w: tensor([1, Number.NaN]) });
    expect(() => parseSafetensors(bytes)).toThrow(
      /tensor 'w' holds NaN at flat index 1; pass allowNonFinite: true/,
    );
    expect(Number.isNaN(parseSafetensors(bytes, { allowNonFinite: true }).tensors.w!.toTypedArray()[1])).toBe(
      true,
    );
    expect(() => parseSafetensors(bytes, { allow_non_finite: true } as never)).toThrow(
      /Did you mean 'allowNonFinite'/,
    );
  });
});
