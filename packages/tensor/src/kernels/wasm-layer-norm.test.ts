import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bits, seededFloat32 } from '../../test/helpers.js';
import { tensor } from '../ops/creation.js';
import { layerNorm } from '../ops/layer-norm.js';
import { wasmSimdSupported } from '../wasm/instance.js';
import { layerNormBackwardKernel, layerNormKernel } from './layer-norm.js';
import { setBackend } from './set-backend.js';
import { wasmLayerNorm, wasmLayerNormBackward } from './wasm-layer-norm.js';

const values = seededFloat32;

describe.skipIf(!wasmSimdSupported())('layerNorm forward in WebAssembly (s8)', () => {
  it('is bit-identical to the JavaScript kernel: output, mean and rstd, any row length, with and without weight and bias', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 40 }),
        fc.integer({ min: 1, max: 150 }),
        fc.integer({ min: 0, max: 3 }),
        fc.boolean(),
        fc.boolean(),
        fc.constantFrom(1e-5, 0, 0.5),
        fc.integer({ min: 1, max: 2 ** 30 }),
        (extra, n, offset, withWeight, withBias, eps, seed) => {
          // At least 4096 elements, so the WebAssembly path runs (smaller inputs stay in JavaScript).
          const rows = extra + Math.ceil(4096 / n);
          const total = rows * n;
          const x = values(total + offset, seed, 6);
          // A constant row: x − μ is exactly 0 there (signed zeros must match too).
          x.fill(0.75, offset, offset + n);
          const xv = { data: x, offset, stride: [1] };
          const wv = withWeight ? { data: values(n + offset, seed + 1), offset, stride: [1] } : null;
          const bv = withBias ? { data: values(n + offset, seed + 2), offset, stride: [1] } : null;
          const run = (kernel: typeof layerNormKernel) => {
            const out = new Float32Array(total);
            const mean = new Float64Array(rows);
            const rstd = new Float64Array(rows);
            kernel(out, mean, rstd, xv, rows, n, wv, bv, eps);
            return [out, mean, rstd].map(bits);
          };
          expect(run(wasmLayerNorm)).toEqual(run(layerNormKernel));
        },
      ),
      { numRuns: 60 },
    );
  });

  it('gives layerNorm the outputs of the js backend, bit for bit (96 tokens × 64)', () => {
    const forward = (backend: 'js' | 'wasm') => {
      setBackend(backend);
      try {
        const x = tensor(values(96 * 64, 10, 6), { shape: [2, 48, 64] });
        const w = tensor(values(64, 11), { shape: [64] });
        const b = tensor(values(64, 12), { shape: [64] });
        return bits(Float32Array.from(layerNorm(x, [64], w, b).toTypedArray()));
      } finally {
        setBackend('wasm');
      }
    };
    expect(forward('wasm')).toEqual(forward('js'));
  });
});

describe.skipIf(!wasmSimdSupported())('layerNormBackward in WebAssembly (s6-train)', () => {
  it('is bit-identical to the JavaScript kernel: dx, dw and db, any row length, with and without weight and dx', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 40 }),
        fc.integer({ min: 1, max: 150 }),
        fc.integer({ min: 0, max: 3 }),
        fc.boolean(),
        fc.boolean(),
        fc.boolean(),
        fc.integer({ min: 1, max: 2 ** 30 }),
        (extra, n, offset, withWeight, withDx, withDw, seed) => {
          // At least 4096 elements, so the WebAssembly path runs (smaller inputs stay in JavaScript).
          const rows = extra + Math.ceil(4096 / n);
          const total = rows * n;
          const x = values(total + offset, seed);
          const g = values(total + offset, seed + 1);
          const w = withWeight ? values(n + offset, seed + 2) : null;
          const mean = new Float64Array(rows);
          const rstd = new Float64Array(rows);
          const xv = { data: x, offset, stride: [1] };
          const wv = w === null ? null : { data: w, offset, stride: [1] };
          layerNormKernel(new Float32Array(total), mean, rstd, xv, rows, n, wv, null, 1e-5);
          const run = (kernel: typeof layerNormBackwardKernel) => {
            const dx = withDx ? new Float32Array(total) : null;
            const dw = withDw ? Float64Array.from(values(n, seed + 3)) : null;
            const db = new Float64Array(n);
            kernel(dx, dw, db, { data: g, offset, stride: [1] }, xv, mean, rstd, wv, rows, n);
            return [dx, dw, db];
          };
          const js = run(layerNormBackwardKernel);
          const wasm = run(wasmLayerNormBackward);
          js.forEach((a, i) => {
            const b = wasm[i]!;
            if (a === null) expect(b).toBeNull();
            else expect(bits(b!)).toEqual(bits(a));
          });
        },
      ),
      { numRuns: 60 },
    );
  });

  it('gives layerNorm the gradients of the js backend, bit for bit (a pre-norm block, 96 tokens × 64)', () => {
    const g = tensor(values(96 * 64, 9), { shape: [2, 48, 64] });
    const grads = (backend: 'js' | 'wasm') => {
      setBackend(backend);
      try {
        const x = tensor(values(96 * 64, 10, 6), { shape: [2, 48, 64], requiresGrad: true });
        const w = tensor(values(64, 11), { shape: [64], requiresGrad: true });
        const b = tensor(values(64, 12), { shape: [64], requiresGrad: true });
        layerNorm(x, [64], w, b).backward(g);
        return [x, w, b].map((t) => bits(Float32Array.from(t.grad!.toTypedArray())));
      } finally {
        setBackend('wasm');
      }
    };
    expect(grads('wasm')).toEqual(grads('js'));
  });
});
