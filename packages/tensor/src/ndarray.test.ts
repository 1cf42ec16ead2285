import fc from 'fast-check';
import ndarray from 'ndarray';
import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from './errors.js';
import { createView } from './ndarray.js';
import { arrayDType, constructorFor } from './ndarray-view-base.js';

// The scijs library is the specification: every view made here must behave exactly as the one
// `ndarray` compiles at run time (the library stays a devDependency for this test only).

type AnyView = Record<string, unknown> & { data: unknown };

const LENGTH = 48;
const STORAGE: Record<string, () => unknown> = {
  float32: () => Float32Array.from({ length: LENGTH }, (_, i) => i / 4 - 3),
  float64: () => Float64Array.from({ length: LENGTH }, (_, i) => i / 8 - 2),
  int8: () => Int8Array.from({ length: LENGTH }, (_, i) => i - 20),
  int16: () => Int16Array.from({ length: LENGTH }, (_, i) => i * 300 - 7000),
  int32: () => Int32Array.from({ length: LENGTH }, (_, i) => i * 100_000 - 9),
  uint8: () => Uint8Array.from({ length: LENGTH }, (_, i) => i * 5),
  uint16: () => Uint16Array.from({ length: LENGTH }, (_, i) => i * 1000),
  uint32: () => Uint32Array.from({ length: LENGTH }, (_, i) => i * 1e8),
  uint8_clamped: () => Uint8ClampedArray.from({ length: LENGTH }, (_, i) => i * 5),
  bigint64: () => BigInt64Array.from({ length: LENGTH }, (_, i) => BigInt(i) - 5n),
  biguint64: () => BigUint64Array.from({ length: LENGTH }, (_, i) => BigInt(i) * 3n),
  buffer: () => Buffer.from(Array.from({ length: LENGTH }, (_, i) => i * 3)),
  array: () => Array.from({ length: LENGTH }, (_, i) => i * 2 - 1),
};
const float16 = (globalThis as { Float16Array?: { from(a: ArrayLike<number>): unknown } }).Float16Array;
if (float16) STORAGE.float16 = () => float16.from(Array.from({ length: LENGTH }, (_, i) => i / 2));

/** Everything observable about a view (or what a method returned), for deep comparison. */
function snapshot(view: unknown): unknown {
  if (view === null || typeof view !== 'object') return view;
  const v = view as AnyView;
  const keys: string[] = [];
  for (const key in v) keys.push(key);
  const descriptors: Record<string, string> = {};
  for (let p = Object.getPrototypeOf(v); p !== null && p !== Object.prototype; p = Object.getPrototypeOf(p)) {
    for (const name of Object.getOwnPropertyNames(p)) {
      if (name === 'constructor' || name in descriptors) continue;
      const d = Object.getOwnPropertyDescriptor(p, name)!;
      descriptors[name] = `${d.get ? 'getter' : typeof d.value}${d.enumerable ? ' enumerable' : ''}`;
    }
  }
  // ndarray's prototypes hold no helper members beyond these; ours must add none that show.
  delete descriptors.create;
  return {
    name: (v.constructor as { name: string }).name,
    keys: keys.sort(),
    own: Object.keys(v),
    descriptors,
    dataIsShared: v.data,
    shape: v.shape,
    stride: v.stride,
    offset: v.offset,
    dtype: v.dtype,
    dimension: v.dimension,
    size: v.size,
    order: v.order,
  };
}

/** Arguments as users pass them: indices, negatives, nulls, undefined, fractions. */
const argument = fc.oneof(
  fc.integer({ min: -4, max: 6 }),
  fc.constant(undefined),
  fc.constant(null),
  fc.constant(1.5),
);

const METHODS = ['lo', 'hi', 'step', 'transpose', 'pick', 'get', 'index'] as const;

function viewInputs(d: number) {
  return fc.record({
    shape: fc.array(fc.integer({ min: 0, max: 4 }), { minLength: d, maxLength: d }),
    stride: fc.array(fc.integer({ min: -6, max: 6 }), { minLength: d, maxLength: d }),
    offset: fc.integer({ min: 0, max: LENGTH - 1 }),
    calls: fc.array(
      fc.record({
        method: fc.constantFrom(...METHODS),
        args: fc.array(argument, { maxLength: d + 1 }),
      }),
      { maxLength: 4 },
    ),
    indices: fc.array(fc.nat({ max: 3 }), { minLength: d, maxLength: d }),
  });
}

describe('createView', () => {
  for (let d = 0; d <= 8; d++) {
    it(`makes ${d}-d views that behave exactly as scijs ndarray's, for every dtype`, () => {
      fc.assert(
        fc.property(viewInputs(d), ({ shape, stride, offset, calls, indices }) => {
          for (const [dtype, make] of Object.entries(STORAGE)) {
            const data = make();
            const ours = constructorFor(arrayDType(data), d)(data as never, shape, stride, offset) as AnyView;
            const lib = ndarray(data as never, shape, stride, offset) as unknown as AnyView;
            expect(arrayDType(data)).toBe(dtype);
            expect(snapshot(ours)).toEqual(snapshot(lib));
            // Chains of view methods, then get/index of the final view.
            let a: unknown = ours;
            let b: unknown = lib;
            for (const { method, args } of calls) {
              if (a === null || typeof a !== 'object') break;
              const fa = (a as Record<string, (...x: unknown[]) => unknown>)[method]!;
              const fb = (b as Record<string, (...x: unknown[]) => unknown>)[method]!;
              a = fa.apply(a, args);
              b = fb.apply(b, args);
              expect(snapshot(a)).toEqual(snapshot(b));
            }
            if (d === 0) expect((ours as { valueOf(): unknown }).valueOf()).toEqual(lib.valueOf());
            // set writes the same element and returns the same value.
            const value = dtype.startsWith('big') ? 7n : 7;
            const dataA = make();
            const dataB = make();
            const va = constructorFor(dtype, d)(dataA as never, shape, stride, offset) as AnyView;
            const vb = ndarray(dataB as never, shape, stride, offset) as unknown as AnyView;
            expect((va.set as (...x: unknown[]) => unknown)(...indices, value)).toEqual(
              (vb.set as (...x: unknown[]) => unknown)(...indices, value),
            );
            expect(dataA).toEqual(dataB);
          }
        }),
      );
    });
  }

  it('fills in row-major strides and a zero offset', () => {
    const data = new Float32Array(24);
    const view = createView(data, [2, 3, 4]);
    expect(snapshot(view)).toEqual(snapshot(ndarray(data, [2, 3, 4])));
    expect(view.index(1, 2, 3)).toBe(23);
  });

  it('throws InvalidArgumentError for storage that is not array-like', () => {
    const generic = { get: () => 0, set: () => 0, length: 4 };
    expect(() => createView(generic as unknown as Float32Array, [4])).toThrow(InvalidArgumentError);
  });

  it('compiles no code: no Function constructor is reached', () => {
    const original = globalThis.Function;
    const trap = new Proxy(original, {
      construct() {
        throw new Error('new Function called');
      },
      apply() {
        throw new Error('Function called');
      },
    });
    globalThis.Function = trap;
    try {
      for (let d = 0; d <= 9; d++) {
        const view = createView(new Int32Array(1 << d), new Array(d).fill(2));
        view.pick(0);
        view.step(-1).lo(1).hi(1).transpose();
      }
      createView(new Float64Array(4), [4]).pick(1).pick();
    } finally {
      globalThis.Function = original;
    }
  });

  it('has every member @types/ndarray declares except T', () => {
    const view = createView(new Float32Array(6), [2, 3]) as unknown as Record<string, unknown>;
    const members: (keyof ndarray.NdArray)[] = [
      'data',
      'shape',
      'stride',
      'offset',
      'dtype',
      'size',
      'order',
      'dimension',
    ];
    for (const m of members) expect(view[m]).toBeDefined();
    for (const m of ['get', 'set', 'index', 'lo', 'hi', 'step', 'transpose', 'pick'] as const)
      expect(typeof view[m]).toBe('function');
    // @types/ndarray declares T, which ndarray 1.x never defines: nor do attnkit's views.
    expect('T' in view).toBe(false);
    expect('T' in (ndarray(new Float32Array(6), [2, 3]) as object)).toBe(false);
  });
});
