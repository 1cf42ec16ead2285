import { InvalidArgumentError, type Tensor, tensor, transpose } from '@attnkit/tensor';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readBytes, readFixture } from '../test/helpers.js';
import { parseSafetensors } from './parse-safetensors.js';
import { serializeSafetensors } from './serialize-safetensors.js';

/** 8-byte LE length, the header text padded with spaces to `padTo`, then `data`. */
function expectedFile(header: string, data: Uint8Array, padTo: number): Uint8Array {
  const text = new TextEncoder().encode(header.padEnd(padTo, ' '));
  const out = new Uint8Array(8 + text.length + data.length);
  new DataView(out.buffer).setUint32(0, text.length, true);
  out.set(text, 8);
  out.set(data, 8 + text.length);
  return out;
}

const f32Bytes = (values: number[]) => new Uint8Array(new Float32Array(values).buffer);

/** Header offsets of a serialized file, in data order. */
function layout(bytes: Uint8Array): { dtype: string; begin: number }[] {
  const n = new DataView(bytes.buffer, bytes.byteOffset).getUint32(0, true);
  const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + n))) as Record<
    string,
    { dtype: string; data_offsets: [number, number] }
  >;
  delete header.__metadata__;
  return Object.values(header).map((e) => ({ dtype: e.dtype, begin: e.data_offsets[0] }));
}

describe('serializeSafetensors', () => {
  it('writes the reference implementation’s test vector for one F32 tensor (no padding needed)', () => {
    const bytes = serializeSafetensors({ 'attn.0': tensor([0, 1, 2, 3, 4, 5], { shape: [1, 2, 3] }) });
    const header = '{"attn.0":{"dtype":"F32","shape":[1,2,3],"data_offsets":[0,24]}}';
    expect(header.length).toBe(64);
    expect(Array.from(bytes)).toEqual(Array.from(expectedFile(header, f32Bytes([0, 1, 2, 3, 4, 5]), 64)));
  });

  it('pads the header with spaces to a multiple of 8, as the reference does', () => {
    const bytes = serializeSafetensors({ attn0: tensor([0, 1, 2, 3, 4, 5], { shape: [1, 1, 2, 3] }) });
    const header = '{"attn0":{"dtype":"F32","shape":[1,1,2,3],"data_offsets":[0,24]}}';
    expect(Array.from(bytes)).toEqual(Array.from(expectedFile(header, f32Bytes([0, 1, 2, 3, 4, 5]), 72)));
    expect(Array.from(serializeSafetensors({}))).toEqual(
      Array.from(expectedFile('{}', new Uint8Array(0), 8)),
    );
    expect(Array.from(serializeSafetensors({}, { framework: 'pt' }))).toEqual(
      Array.from(expectedFile('{"__metadata__":{"framework":"pt"}}', new Uint8Array(0), 40)),
    );
  });

  it('reproduces the bytes of the file written by tools/golden/training.py (checked against safetensors 0.8.0)', () => {
    const file = readBytes('torch-writable.safetensors');
    const { tensors, metadata } = parseSafetensors(file);
    const fixture = readFixture<{ safetensors: { writable: { metadata: Record<string, string> } } }>(
      'training.json',
    );
    expect(metadata).toEqual(fixture.safetensors.writable.metadata);
    // Key order of the state dict does not matter: the writer orders by dtype, then name.
    const shuffled = Object.fromEntries(Object.entries(tensors).reverse());
    expect(Array.from(serializeSafetensors(shuffled, metadata))).toEqual(Array.from(file));
  });

  it('orders tensors by descending alignment, then by name', () => {
    const bytes = serializeSafetensors({
      b: tensor([true]),
      z: tensor([1], { dtype: 'int32' }),
      a: tensor([1], { dtype: 'float32' }),
      m: tensor([1], { dtype: 'float64' }),
    });
    expect(layout(bytes).map((e) => e.dtype)).toEqual(['F64', 'F32', 'I32', 'BOOL']);
  });

  it('writes a non-contiguous view in row-major order', () => {
    const view = transpose(
      tensor([
        [1, 2, 3],
        [4, 5, 6],
      ]),
    );
    const { tensors } = parseSafetensors(serializeSafetensors({ t: view }));
    expect(tensors.t!.shape).toEqual([3, 2]);
    expect(Array.from(tensors.t!.toTypedArray())).toEqual([1, 4, 2, 5, 3, 6]);
  });

  it('round-trips any state dict bit for bit, with every tensor aligned to its element size', () => {
    const tensorArb = fc
      .tuple(
        fc.constantFrom('float32', 'float64', 'int32', 'bool'),
        fc.array(fc.integer({ min: 0, max: 4 }), { maxLength: 3 }),
      )
      .chain(([dtype, shape]) => {
        const n = shape.reduce((a, b) => a * b, 1);
        const value =
          dtype === 'bool' ? fc.integer({ min: 0, max: 1 }) : dtype === 'int32' ? fc.integer() : fc.double();
        return fc.array(value, { minLength: n, maxLength: n }).map((vs) => tensor(vs, { shape, dtype }));
      });
    fc.assert(
      fc.property(
        fc.dictionary(fc.string({ unit: 'grapheme', maxLength: 8 }), tensorArb, { maxKeys: 5 }),
        fc.dictionary(fc.string({ maxLength: 5 }), fc.string({ maxLength: 5 }), { maxKeys: 3 }),
        (stateDict, metadata) => {
          const bytes = serializeSafetensors(stateDict, metadata);
          const parsed = parseSafetensors(bytes, { allowNonFinite: true });
          expect(Object.keys(parsed.tensors).sort()).toEqual(Object.keys(stateDict).sort());
          expect(parsed.metadata).toEqual(metadata);
          for (const [name, t] of Object.entries(stateDict)) {
            const back = parsed.tensors[name] as Tensor;
            expect([back.dtype, back.shape]).toEqual([t.dtype, t.shape]);
            const raw = (x: Tensor) => Array.from(new Uint8Array(x.toTypedArray().slice().buffer));
            expect(raw(back)).toEqual(raw(t));
          }
          const n = new DataView(bytes.buffer).getUint32(0, true);
          expect(n % 8).toBe(0);
          const size = { F64: 8, F32: 4, I32: 4, BOOL: 1 } as Record<string, number>;
          for (const e of layout(bytes)) expect(e.begin % size[e.dtype]!).toBe(0);
        },
      ),
    );
  });

  it('throws InvalidArgumentError when stateDict is not an object of Tensors', () => {
    expect(() => serializeSafetensors(null as unknown as Record<string, Tensor>)).toThrow(
      'serializeSafetensors: stateDict must be an object of Tensors; got null.',
    );
    expect(() => serializeSafetensors({ w: [1, 2] as unknown as Tensor })).toThrow(
      "serializeSafetensors: stateDict['w'] must be a Tensor; got an array.",
    );
  });

  it('throws InvalidArgumentError for a tensor named __metadata__', () => {
    expect(() => serializeSafetensors({ __metadata__: tensor([1]) })).toThrow(InvalidArgumentError);
  });

  it('throws InvalidArgumentError when metadata is not an object of strings', () => {
    expect(() => serializeSafetensors({}, { step: 3 as unknown as string })).toThrow(
      "serializeSafetensors: metadata values must be strings; 'step' is 3.",
    );
    expect(() => serializeSafetensors({}, 'pt' as unknown as Record<string, string>)).toThrow(
      InvalidArgumentError,
    );
  });
});
