import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { tensor } from '../ops/creation.js';
import { linear } from '../ops/linear.js';
import { relu } from '../ops/relu.js';
import { wasmSimdSupported } from '../wasm/instance.js';
import { biasReluKernel, reluMaskColumnSumKernel } from './relu.js';
import { setBackend } from './set-backend.js';
import { wasmBiasRelu, wasmReluMaskColumnSum } from './wasm-relu.js';

/** Float32 values with random signs, plus the edge cases of the mask: ±0, ±∞ and NaN. */
function values(count: number, seed: number, specials: boolean): Float32Array {
  const out = new Float32Array(count);
  let s = seed >>> 0 || 1;
  for (let i = 0; i < count; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = (s / 2 ** 32 - 0.5) * 4;
    if (specials && s % 97 === 0) out[i] = [0, -0, Infinity, -Infinity, Number.NaN][s % 5]!;
  }
  return out;
}

const bits = (a: Float32Array | Float64Array) =>
  Array.from(new Uint32Array(a.buffer, a.byteOffset, a.byteLength / 4));

describe.skipIf(!wasmSimdSupported())('reluMaskColumnSum in WebAssembly (s6-train)', () => {
  it('is bit-identical to the JavaScript kernel: masked gradient and float64 column sums', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 40 }),
        fc.integer({ min: 1, max: 300 }),
        fc.integer({ min: 0, max: 5 }),
        fc.integer({ min: 1, max: 2 ** 30 }),
        (extra, n, offset, seed) => {
          // At least 4096 elements, so the WebAssembly path runs (smaller inputs stay in JavaScript).
          const rows = extra + Math.ceil(4096 / n);
          const total = rows * n;
          const g = values(total + offset, seed, true);
          const y = values(total, seed + 1, true);
          const start = values(n, seed + 2, false);
          const js = { out: new Float32Array(total), db: Float64Array.from(start) };
          const wasm = { out: new Float32Array(total), db: Float64Array.from(start) };
          reluMaskColumnSumKernel(js.out, { data: g, offset, stride: [1] }, y, js.db, rows, n);
          wasmReluMaskColumnSum(wasm.out, { data: g, offset, stride: [1] }, y, wasm.db, rows, n);
          expect(bits(wasm.out)).toEqual(bits(js.out));
          // The sums bit for bit, except that a NaN's sign and payload are the engine's (both NaN).
          expect(Array.from(wasm.db)).toEqual(Array.from(js.db));
        },
      ),
      { numRuns: 40 },
    );
  });

  it('biasRelu is the JavaScript kernel: max(v + bias, 0) in place, ±0, ±∞ and NaN included', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 40 }),
        fc.integer({ min: 1, max: 300 }),
        fc.integer({ min: 1, max: 2 ** 30 }),
        (extra, n, seed) => {
          const rows = extra + Math.ceil(4096 / n);
          const product = values(rows * n, seed, true);
          const bias = values(n, seed + 1, true);
          const js = Float32Array.from(product);
          const wasm = Float32Array.from(product);
          biasReluKernel(js, bias, rows, n);
          wasmBiasRelu(wasm, bias, rows, n);
          // Values with Object.is (so −0 ≠ +0); a NaN's payload is the engine's.
          expect(Array.from(wasm)).toEqual(Array.from(js));
        },
      ),
      { numRuns: 40 },
    );
  });

  it("gives linear(…, { activation: 'relu' }) exactly relu(linear(…)) on the wasm backend", () => {
    const x = tensor(values(192 * 64, 7, false), { shape: [192, 64] });
    const w = tensor(values(256 * 64, 8, false), { shape: [256, 64] });
    const b = tensor(values(256, 9, false), { shape: [256] });
    const fused = linear(x, w, b, { activation: 'relu' }).toTypedArray() as Float32Array;
    const plain = relu(linear(x, w, b)).toTypedArray() as Float32Array;
    expect(fused.some((v) => v > 0) && fused.some((v) => v === 0)).toBe(true);
    expect(bits(fused)).toEqual(bits(plain));
  });

  it("gives linear(…, { activation: 'relu' }) the js backend's bias gradient bit for bit, dx and dW within float32 rounding", () => {
    // The FFN's first layer of the main model, smaller: 192 tokens, 64 → 256 (above the size at
    // which the wasm backend leaves JavaScript).
    const make = () => [
      tensor(values(192 * 64, 3, false), { shape: [2, 96, 64], requiresGrad: true }),
      tensor(values(256 * 64, 4, false), { shape: [256, 64], requiresGrad: true }),
      tensor(values(256, 5, false), { shape: [256], requiresGrad: true }),
    ];
    const g = tensor(values(192 * 256, 6, false), { shape: [2, 96, 256] });
    const grads = (backend: 'js' | 'wasm') => {
      setBackend(backend);
      try {
        const [x, w, b] = make();
        linear(x!, w!, b!, { activation: 'relu' }).backward(g);
        return [x!, w!, b!].map((t) => Float32Array.from(t.grad!.toTypedArray()));
      } finally {
        setBackend('wasm');
      }
    };
    const [jsX, jsW, jsB] = grads('js');
    const [wX, wW, wB] = grads('wasm');
    // dBias comes from the fused kernel alone; dx and dW also go through the products, whose
    // float32 accumulation differs between the backends (compared with a tolerance elsewhere).
    expect(bits(wB!)).toEqual(bits(jsB!));
    for (const [got, want] of [
      [wX!, jsX!],
      [wW!, jsW!],
    ] as const) {
      let scale = 0;
      let diff = 0;
      for (let i = 0; i < want.length; i++) {
        scale = Math.max(scale, Math.abs(want[i]!));
        diff = Math.max(diff, Math.abs(got[i]! - want[i]!));
      }
      expect(scale).toBeGreaterThan(0);
      expect(diff).toBeLessThanOrEqual(1e-5 * scale);
    }
  });
});
