import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { wasmSimdSupported } from '../wasm/instance.js';
import { adamStepKernel } from './adam.js';
import { wasmAdamStep } from './wasm-adam.js';

/** Float32 values of mixed signs and magnitudes (moments: non-negative when `positive`). */
function values(count: number, seed: number, scale: number, positive = false): Float32Array {
  const out = new Float32Array(count);
  let s = seed >>> 0 || 1;
  for (let i = 0; i < count; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    const x = (s / 2 ** 32 - (positive ? 0 : 0.5)) * scale * 2 ** ((s % 13) - 6);
    out[i] = s % 211 === 0 ? 0 : x;
  }
  return out;
}

const bits = (a: Float32Array) => Array.from(new Uint32Array(a.buffer, a.byteOffset, a.length));

describe.skipIf(!wasmSimdSupported())('adamStep in WebAssembly (s10)', () => {
  it('is bit-identical to the JavaScript kernel: parameters and both moments, odd lengths included', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 4096, max: 6000 }),
        fc.integer({ min: 1, max: 2 ** 30 }),
        fc.integer({ min: 1, max: 5000 }),
        fc.constantFrom(0.9, 0.8),
        fc.constantFrom(0.999, 0.98, 0.99),
        fc.constantFrom(0, 0.01, 0.1),
        (n, seed, t, beta1, beta2, weightDecay) => {
          const lr = 3e-3;
          const args = [
            beta1,
            beta2,
            1 - lr * weightDecay,
            lr / (1 - beta1 ** t),
            Math.sqrt(1 - beta2 ** t),
            1e-8,
          ] as const;
          const p = values(n, seed, 1);
          const g = values(n + 3, seed + 1, 0.1);
          const m = values(n, seed + 2, 0.01);
          const v = values(n, seed + 3, 1e-4, true);
          const js = [p.slice(), m.slice(), v.slice()] as const;
          const gBefore = g.slice();
          adamStepKernel(js[0], g, js[1], js[2], ...args);
          wasmAdamStep(p, g, m, v, ...args);
          expect(bits(p)).toEqual(bits(js[0]));
          expect(bits(m)).toEqual(bits(js[1]));
          expect(bits(v)).toEqual(bits(js[2]));
          expect(bits(g)).toEqual(bits(gBefore));
        },
      ),
      { numRuns: 30 },
    );
  });

  it('leaves float64 parameters and small tensors to the JavaScript kernel, with its results', () => {
    const args = [0.9, 0.999, 0.99, 1e-3, 0.03, 1e-8] as const;
    const p = Float64Array.from(values(5000, 1, 1));
    const g = Float64Array.from(values(5000, 2, 0.1));
    const [m, v] = [new Float64Array(5000), new Float64Array(5000)];
    const ref = [p.slice(), new Float64Array(5000), new Float64Array(5000)] as const;
    adamStepKernel(ref[0], g, ref[1], ref[2], ...args);
    wasmAdamStep(p, g, m, v, ...args);
    expect(Array.from(p)).toEqual(Array.from(ref[0]));
    const small = values(100, 3, 1);
    const smallRef = small.slice();
    adamStepKernel(smallRef, values(100, 4, 0.1), new Float32Array(100), new Float32Array(100), ...args);
    wasmAdamStep(small, values(100, 4, 0.1), new Float32Array(100), new Float32Array(100), ...args);
    expect(bits(small)).toEqual(bits(smallRef));
  });
});
