import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { wasmSimdSupported } from '../wasm/instance.js';
import { type ArithmeticOp, arithmeticKernel } from './arithmetic.js';
import { wasmArithmetic } from './wasm-arithmetic.js';

/** Float32 values of mixed magnitudes, plus ±0, ±∞, NaN and subnormals now and then. */
function values(count: number, seed: number): Float32Array {
  const out = new Float32Array(count);
  let s = seed >>> 0 || 1;
  for (let i = 0; i < count; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = (s / 2 ** 32 - 0.5) * 2 ** ((s % 61) - 30);
    if (s % 89 === 0) out[i] = [0, -0, Infinity, -Infinity, Number.NaN, 1e-40][s % 6]!;
  }
  return out;
}

/** The bits of each element, with every NaN as one canonical pattern (payloads are the engine's). */
const bits = (a: Float32Array) =>
  Array.from(a, (x, i) => (Number.isNaN(x) ? -1 : new Uint32Array(a.buffer, a.byteOffset + 4 * i, 1)[0]!));

describe.skipIf(!wasmSimdSupported())('arithmetic in WebAssembly (s10)', () => {
  it('is bit-identical to the JavaScript kernel for + − × ÷ of contiguous float32, at any offset and length', () => {
    fc.assert(
      fc.property(
        fc.constantFrom<ArithmeticOp>('add', 'sub', 'mul', 'div'),
        fc.integer({ min: 4096, max: 9000 }),
        fc.integer({ min: 0, max: 7 }),
        fc.integer({ min: 0, max: 7 }),
        fc.integer({ min: 1, max: 2 ** 30 }),
        (op, n, oa, ob, seed) => {
          const a = { data: values(n + oa, seed), offset: oa, stride: [1] };
          const b = { data: values(n + ob, seed + 1), offset: ob, stride: [1] };
          const js = new Float32Array(n);
          const wasm = new Float32Array(n);
          arithmeticKernel(op, js, [n], a, b);
          wasmArithmetic(op, wasm, [n], a, b);
          expect(bits(wasm)).toEqual(bits(js));
        },
      ),
      { numRuns: 40 },
    );
  });

  it('is bit-identical to the JavaScript kernel with a scalar broadcast on either side (x · √d, loss gradients)', () => {
    fc.assert(
      fc.property(
        fc.constantFrom<ArithmeticOp>('add', 'sub', 'mul', 'div'),
        fc.integer({ min: 64, max: 90 }),
        fc.integer({ min: 64, max: 100 }),
        fc.boolean(),
        fc.integer({ min: 1, max: 2 ** 30 }),
        (op, rows, cols, scalarFirst, seed) => {
          const x = { data: values(rows * cols, seed), offset: 0, stride: [cols, 1] };
          const one = values(3, seed + 1);
          const s = { data: one, offset: seed % 3, stride: [0, 0] };
          const [a, b] = scalarFirst ? [s, x] : [x, s];
          const js = new Float32Array(rows * cols);
          const wasm = new Float32Array(rows * cols);
          arithmeticKernel(op, js, [rows, cols], a, b);
          wasmArithmetic(op, wasm, [rows, cols], a, b);
          expect(bits(wasm)).toEqual(bits(js));
        },
      ),
      { numRuns: 40 },
    );
  });

  it('may write into an operand (in-place gradient accumulation) and never mutates the other', () => {
    const n = 5003;
    const dst = values(n, 3);
    const src = values(n, 4);
    const srcBefore = src.slice();
    const expected = new Float32Array(n);
    arithmeticKernel(
      'add',
      expected,
      [n],
      { data: dst, offset: 0, stride: [1] },
      { data: src, offset: 0, stride: [1] },
    );
    wasmArithmetic(
      'add',
      dst,
      [n],
      { data: dst, offset: 0, stride: [1] },
      { data: src, offset: 0, stride: [1] },
    );
    expect(bits(dst)).toEqual(bits(expected));
    expect(bits(src)).toEqual(bits(srcBefore));
  });

  it('leaves broadcasts, strided views, float64 and small sizes to the JavaScript kernel, with its results', () => {
    const shape = [64, 128];
    const x = values(64 * 128, 5);
    const bias = values(128, 6);
    const cases = [
      // (64, 128) + (128): a broadcast row
      [
        { data: x, offset: 0, stride: [128, 1] },
        { data: bias, offset: 0, stride: [0, 1] },
      ],
      // a transposed view
      [
        { data: x, offset: 0, stride: [1, 64] },
        { data: x, offset: 0, stride: [128, 1] },
      ],
    ] as const;
    for (const [a, b] of cases) {
      const js = new Float32Array(64 * 128);
      const wasm = new Float32Array(64 * 128);
      arithmeticKernel('mul', js, shape, a, b);
      wasmArithmetic('mul', wasm, shape, a, b);
      expect(bits(wasm)).toEqual(bits(js));
    }
    const d = Float64Array.from(values(5000, 7));
    const out64 = new Float64Array(5000);
    wasmArithmetic(
      'div',
      out64,
      [5000],
      { data: d, offset: 0, stride: [1] },
      { data: d, offset: 0, stride: [1] },
    );
    expect(
      out64.every((v, i) => Object.is(v, d[i]! / d[i]!) || (Number.isNaN(v) && Number.isNaN(d[i]! / d[i]!))),
    ).toBe(true);
  });
});
