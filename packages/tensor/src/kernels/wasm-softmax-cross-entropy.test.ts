import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { wasmSimdSupported } from '../wasm/instance.js';
import { softmaxCrossEntropyBackwardKernel, softmaxCrossEntropyKernel } from './softmax.js';
import { wasmSoftmaxCrossEntropy, wasmSoftmaxCrossEntropyBackward } from './wasm-softmax-cross-entropy.js';

function logits(count: number, seed: number): Float32Array {
  const out = new Float32Array(count);
  let s = seed >>> 0 || 1;
  for (let i = 0; i < count; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = (s / 2 ** 32 - 0.5) * 20;
  }
  return out;
}

/** Arbitraries of one case: class count, extra rows, logits offset, label smoothing, seed. */
const caseArbitraries = [
  fc.integer({ min: 1, max: 200 }),
  fc.integer({ min: 0, max: 30 }),
  fc.integer({ min: 0, max: 5 }),
  fc.constantFrom(0, 0.1, 1),
  fc.integer({ min: 1, max: 2 ** 30 }),
] as const;

/**
 * A case with at least 4096 logits (so the WebAssembly path runs; smaller inputs stay in
 * JavaScript), every seventh row ignored (target −1).
 */
function caseOf(classes: number, extra: number, offset: number, seed: number) {
  const rows = extra + Math.ceil(4096 / classes);
  const data = logits(rows * classes + offset, seed);
  const view = { data, offset, shape: [rows, classes], stride: [classes, 1] };
  const targets = Int32Array.from({ length: rows }, (_, r) => (r % 7 === 3 ? -1 : (r * 31 + seed) % classes));
  return { rows, data, view, targets };
}

describe.skipIf(!wasmSimdSupported())('softmaxCrossEntropy in WebAssembly', () => {
  it('matches the JavaScript kernel: lse and losses to float32 rounding, ignored rows 0, NaN rows NaN', () => {
    fc.assert(
      fc.property(...caseArbitraries, (classes, extra, offset, epsilon, seed) => {
        const { rows, data, view, targets } = caseOf(classes, extra, offset, seed);
        data[offset + (seed % rows) * classes + (seed % classes)] = Number.NaN;
        const want = [new Float64Array(rows), new Float64Array(rows)] as const;
        const got = [new Float64Array(rows), new Float64Array(rows)] as const;
        softmaxCrossEntropyKernel(want[0], want[1], view, targets, rows, classes, epsilon);
        wasmSoftmaxCrossEntropy(got[0], got[1], view, targets, rows, classes, epsilon);
        for (const k of [0, 1] as const) {
          for (let r = 0; r < rows; r++) {
            const w = want[k][r]!;
            const g = got[k][r]!;
            if (Number.isNaN(w)) expect(g).toBeNaN();
            else expect(Math.abs(g - w)).toBeLessThanOrEqual(2e-6 * (Math.abs(w) + 1));
          }
        }
      }),
      { numRuns: 30 },
    );
  });
});

describe.skipIf(!wasmSimdSupported())('softmaxCrossEntropyBackward in WebAssembly', () => {
  it('matches the JavaScript kernel to float32 rounding: ignored rows, label smoothing, any class count and offset', () => {
    fc.assert(
      fc.property(...caseArbitraries, (classes, extra, offset, epsilon, seed) => {
        const { rows, view, targets } = caseOf(classes, extra, offset, seed);
        const losses = new Float64Array(rows);
        const lse = new Float64Array(rows);
        softmaxCrossEntropyKernel(losses, lse, view, targets, rows, classes, epsilon);
        const scale = Float64Array.from({ length: rows }, (_, r) => 1 / (1 + (r % 3)));
        const want = new Float32Array(rows * classes);
        const got = new Float32Array(rows * classes).fill(Number.NaN);
        softmaxCrossEntropyBackwardKernel(want, view, lse, targets, scale, rows, classes, epsilon);
        wasmSoftmaxCrossEntropyBackward(got, view, lse, targets, scale, rows, classes, epsilon);
        for (let i = 0; i < want.length; i++) {
          const r = Math.floor(i / classes);
          if (targets[r]! < 0) expect(Object.is(got[i], 0) || got[i] === 0).toBe(true);
          // float32 probabilities: a few ulps of p ≤ 1 in absolute terms (p − 1 at the target
          // cancels, as in PyTorch's float32 softmax), scaled by the row's loss gradient.
          expect(Math.abs(got[i]! - want[i]!)).toBeLessThanOrEqual(
            1e-6 * scale[r]! + 2e-6 * Math.abs(want[i]!),
          );
        }
      }),
      { numRuns: 30 },
    );
  });

  it('leaves small inputs to the JavaScript kernel, bit for bit', () => {
    const rows = 3;
    const classes = 5;
    const data = logits(rows * classes, 9);
    const view = { data, offset: 0, shape: [rows, classes], stride: [classes, 1] };
    const targets = Int32Array.from([0, 4, 2]);
    const lse = new Float64Array(rows);
    softmaxCrossEntropyKernel(new Float64Array(rows), lse, view, targets, rows, classes, 0.1);
    const want = new Float32Array(rows * classes);
    const got = new Float32Array(rows * classes);
    softmaxCrossEntropyBackwardKernel(want, view, lse, targets, [1, 1, 1], rows, classes, 0.1);
    wasmSoftmaxCrossEntropyBackward(got, view, lse, targets, [1, 1, 1], rows, classes, 0.1);
    expect(Array.from(got)).toEqual(Array.from(want));
  });
});
