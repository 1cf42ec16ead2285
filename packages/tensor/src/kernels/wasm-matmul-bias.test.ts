import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { setNumThreads, threadsUnavailableReason } from '../threads/pool.js';
import { wasmSimdSupported } from '../wasm/instance.js';
import type { MatrixView } from './backend.js';
import { biasRowsKernel } from './bias.js';
import { jsBackend } from './js-backend.js';
import { wasmMatmul, wasmMatmulBias } from './wasm-matmul.js';

/** Float32 values with random signs (an LCG), with ±0, ±∞ and NaN mixed in when `specials`. */
function values(count: number, seed: number, specials = false): Float32Array {
  const out = new Float32Array(count);
  let s = seed >>> 0 || 1;
  for (let i = 0; i < count; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = (s / 2 ** 32 - 0.5) * 4;
    if (specials && s % 89 === 0) out[i] = [0, -0, Infinity, -Infinity, Number.NaN][s % 5]!;
  }
  return out;
}

type BiasKind = 'none' | 'float32' | 'float64';

/**
 * x (m × k, row-major) times Wᵀ for W (n × k) read through swapped strides, as linear does; the
 * same product with the epilogue fused and unfused.
 */
function both(m: number, n: number, k: number, kind: BiasKind, relu: boolean, seed: number) {
  const a: MatrixView = { data: values(m * k, seed), offset: 0, rowStride: k, colStride: 1 };
  const b: MatrixView = { data: values(n * k, seed + 1), offset: 0, rowStride: 1, colStride: k };
  const raw = values(n, seed + 2, true);
  const bias = kind === 'none' ? null : kind === 'float32' ? raw : Float64Array.from(raw);
  const fused = new Float32Array(m * n).fill(Number.NaN);
  wasmMatmulBias({ data: fused, offset: 0 }, a, b, m, n, k, bias, relu);
  const unfused = new Float32Array(m * n);
  wasmMatmul({ data: unfused, offset: 0 }, a, b, m, n, k);
  biasRowsKernel(unfused, bias, relu, m, n);
  const js = new Float32Array(m * n);
  jsBackend.matmulBias({ data: js, offset: 0 }, a, b, m, n, k, bias, relu);
  return { fused, unfused, js };
}

const biasKinds = fc.constantFrom<BiasKind>('none', 'float32', 'float64');

describe.skipIf(!wasmSimdSupported())('matmulBias: the bias add and ReLU on C in WebAssembly', () => {
  afterAll(async () => {
    await setNumThreads(1);
  });

  it('equals matmul followed by the JavaScript bias add / ReLU, value for value (±0 and ±∞ included)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 70 }),
        fc.integer({ min: 1, max: 90 }),
        fc.integer({ min: 1, max: 70 }),
        biasKinds,
        fc.boolean(),
        fc.integer({ min: 1, max: 2 ** 30 }),
        (m, n, k, kind, relu, seed) => {
          const { fused, unfused } = both(m, n, k, kind, relu, seed);
          // Object.is per element (−0 ≠ +0); a NaN's payload is the engine's.
          expect(Array.from(fused)).toEqual(Array.from(unfused));
        },
      ),
      { numRuns: 60 },
    );
  });

  it("matches the js backend's matmulBias within float32 accumulation", () => {
    const { fused, js } = both(96, 72, 64, 'float32', false, 5);
    let diff = 0;
    for (let i = 0; i < js.length; i++)
      if (Number.isFinite(js[i])) diff = Math.max(diff, Math.abs(fused[i]! - js[i]!));
    expect(diff).toBeGreaterThan(0); // the two backends accumulate differently…
    expect(diff).toBeLessThan(1e-4); // …by rounding only
  });

  it.skipIf(threadsUnavailableReason() !== '')(
    'gives the same bits on 2 threads (the epilogue in each band) as on 1',
    async () => {
      // 1024 × 256 × 64 multiply-adds: above the size at which a product is split over threads.
      const cases = [
        [1024, 256, 64, 'float32', true],
        [1000, 250, 64, 'float32', false],
        [1024, 64, 256, 'none', true],
      ] as const;
      await setNumThreads(1);
      const one = cases.map(([m, n, k, kind, relu]) => both(m, n, k, kind, relu, 11).fused);
      expect(await setNumThreads(2)).toBe(2);
      const two = cases.map(([m, n, k, kind, relu]) => both(m, n, k, kind, relu, 11));
      two.forEach((t, i) => {
        expect(Array.from(t.fused)).toEqual(Array.from(one[i]!));
        expect(Array.from(t.fused)).toEqual(Array.from(t.unfused));
      });
    },
  );
});
