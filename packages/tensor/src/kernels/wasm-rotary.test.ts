import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bits, seededFloat32 } from '../../test/helpers.js';
import { stridesLike } from '../internal/dense-like.js';
import { contiguousStrides } from '../ndarray.js';
import { wasmSimdSupported } from '../wasm/instance.js';
import { rotaryBackwardKernel, rotaryKernel } from './rotary.js';
import type { StridedView } from './types.js';
import { wasmRotary, wasmRotaryBackward } from './wasm-rotary.js';

const values = seededFloat32;

describe.skipIf(!wasmSimdSupported())('rotary in WebAssembly (s8)', () => {
  it('is bit-identical to the JavaScript kernel on head-split and contiguous layouts, forward and inverse', () => {
    fc.assert(
      fc.property(
        fc.record({
          batch: fc.integer({ min: 1, max: 3 }),
          heads: fc.integer({ min: 1, max: 4 }),
          extraRows: fc.integer({ min: 0, max: 40 }),
          half: fc.integer({ min: 1, max: 9 }),
          extra: fc.integer({ min: 0, max: 3 }),
          split: fc.boolean(),
          inverse: fc.boolean(),
          offset: fc.integer({ min: 0, max: 3 }),
          seed: fc.integer({ min: 1, max: 2 ** 30 }),
        }),
        ({ batch, heads, extraRows, half, extra, split, inverse, offset, seed }) => {
          const d = 2 * half + extra;
          // At least 4096 elements, so the WebAssembly path runs (smaller inputs stay in JavaScript).
          const n = Math.ceil(4096 / (batch * heads * d)) + extraRows;
          const rowShape = [batch, heads, n];
          const total = batch * heads * n * d;
          // x: a head-split view (batch, heads, n, d) of (batch, n, heads, d) storage, or row-major.
          const stored = split
            ? [batch * n * heads * d, d, heads * d, 1]
            : contiguousStrides([...rowShape, d]);
          const xStride = split ? [stored[0]!, stored[1]!, stored[2]!, 1] : stored;
          const x: StridedView = { data: values(total + offset, seed, 6), offset, stride: xStride };
          // cos, sin: (n, half) tables broadcast over batch and heads.
          const table = (s: number) => ({ data: values(n * half, s), offset: 0, stride: [0, 0, half, 1] });
          const cos = table(seed + 1);
          const sin = table(seed + 2);
          const outStride = stridesLike(xStride, [...rowShape, d]);
          const run = (kernel: typeof rotaryKernel) => {
            const out = new Float32Array(total + 1);
            kernel(
              { data: out, offset: 1, stride: outStride },
              x,
              cos,
              sin,
              rowShape,
              d,
              half,
              false,
              inverse,
            );
            return bits(out);
          };
          expect(run(wasmRotary)).toEqual(run(rotaryKernel));
          // The backward: dx is the inverse rotation of g, dCos and dSin as the JavaScript kernel's.
          const g: StridedView = { data: values(total, seed + 3), offset: 0, stride: outStride };
          const xr: StridedView = {
            data: values(total, seed + 4),
            offset: 0,
            stride: contiguousStrides([...rowShape, d]),
          };
          const acc = [0, 0, half, 1];
          const back = (kernel: typeof rotaryBackwardKernel) => {
            const dx = new Float32Array(total);
            const dCos = new Float64Array(n * half);
            const dSin = new Float64Array(n * half);
            kernel(
              { data: dx, offset: 0, stride: outStride },
              dCos,
              dSin,
              acc,
              g,
              xr,
              cos,
              sin,
              rowShape,
              d,
              half,
              false,
            );
            return [dx, dCos, dSin].map(bits);
          };
          expect(back(wasmRotaryBackward)).toEqual(back(rotaryBackwardKernel));
        },
      ),
      { numRuns: 80 },
    );
  });
});
