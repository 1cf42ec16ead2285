import { afterEach, describe, expect, it, vi } from 'vitest';
import { InvalidArgumentError } from '../errors.js';
import { tensor } from '../ops/creation.js';
import { linear } from '../ops/linear.js';
import { matmul } from '../ops/matmul.js';
import type { Backend } from './backend.js';
import { jsBackend } from './js-backend.js';
import { type BackendName, getBackend, setBackend } from './set-backend.js';
import { wasmBackend } from './wasm-backend.js';

/** (1×8192)·(8192×1) in float32 whose float64 sum is 3 but whose float32 running sum loses the 1s. */
function cancellingProduct(): number {
  const a = new Float32Array(8192);
  a[0] = 1e8;
  a[1] = 1;
  a[2] = -1e8;
  a[3] = 1;
  a[4] = 1;
  return matmul(
    tensor(a, { shape: [1, 8192] }),
    tensor(new Float32Array(8192).fill(1), { shape: [8192, 1] }),
  ).item();
}

afterEach(() => setBackend(wasmBackend));

describe('setBackend', () => {
  it('selects the WebAssembly backend by default where SIMD validates', () => {
    expect(getBackend()).toBe(wasmBackend);
    expect(getBackend().name).toBe('wasm');
    // Float32 accumulation drops the 1 added to 1e8 (ulp 8), so the sum is 2, not 3.
    expect(cancellingProduct()).toBeCloseTo(2, 6);
  });

  it("switches float32 products to float64 accumulation with 'js'", () => {
    setBackend('js');
    expect(getBackend()).toBe(jsBackend);
    expect(cancellingProduct()).toBeCloseTo(3, 6);
    setBackend('wasm');
    expect(getBackend().name).toBe('wasm');
    expect(cancellingProduct()).toBeCloseTo(2, 6);
  });

  it('takes the backend objects themselves', () => {
    setBackend(jsBackend);
    expect(getBackend().name).toBe('js');
    expect(cancellingProduct()).toBeCloseTo(3, 6);
    setBackend(wasmBackend);
    expect(cancellingProduct()).toBeCloseTo(2, 6);
  });

  it('runs every op on a custom backend object, which getBackend returns', () => {
    const calls: number[][] = [];
    const custom: Backend = {
      ...jsBackend,
      name: 'counting',
      matmul: (out, a, b, m, n, k) => {
        calls.push([m, n, k]);
        jsBackend.matmul(out, a, b, m, n, k);
      },
    };
    setBackend(custom);
    expect(getBackend()).toBe(custom);
    expect(cancellingProduct()).toBeCloseTo(3, 6);
    expect(calls).toEqual([[1, 1, 8192]]);
    // Linear's forward (matmulBias) runs the custom matmul too, then adds the bias.
    calls.length = 0;
    const y = linear(
      tensor([[1, 2, 3]]),
      tensor([
        [1, 0, 0],
        [0, 1, 1],
      ]),
      tensor([10, 20]),
    );
    expect(calls).toEqual([[1, 2, 3]]);
    expect(Array.from(y.toTypedArray())).toEqual([11, 25]);
  });

  it("throws InvalidArgumentError for 'wasm' on an engine without WebAssembly SIMD", async () => {
    vi.resetModules();
    vi.doMock('../wasm/instance.js', async (original) => ({
      ...(await original<typeof import('../wasm/instance.js')>()),
      wasmSimdSupported: () => false,
    }));
    try {
      const fresh = await import('./set-backend.js');
      const errors = await import('../errors.js');
      expect(fresh.getBackend().name).toBe('js');
      expect(() => fresh.setBackend('wasm')).toThrow(errors.InvalidArgumentError);
      expect(() => fresh.setBackend('wasm')).toThrow('needs WebAssembly SIMD');
      expect(fresh.getBackend().name).toBe('js');
    } finally {
      vi.doUnmock('../wasm/instance.js');
      vi.resetModules();
    }
  });

  it('throws InvalidArgumentError for an unknown backend name', () => {
    expect(() => setBackend('gpu' as BackendName)).toThrow(InvalidArgumentError);
    expect(() => setBackend('gpu' as BackendName)).toThrow(
      "setBackend: backend must be 'wasm', 'js' or a Backend object; got gpu.",
    );
  });

  it('throws InvalidArgumentError with the reason a backend gives for being unavailable', () => {
    const gpu: Backend = { ...jsBackend, name: 'gpu', unavailableReason: () => 'needs a WebGPU adapter' };
    expect(() => setBackend(gpu)).toThrow(InvalidArgumentError);
    expect(() => setBackend(gpu)).toThrow("setBackend: backend 'gpu' needs a WebGPU adapter.");
    expect(getBackend()).toBe(wasmBackend);
  });

  it('throws InvalidArgumentError naming the kernels a backend object lacks', () => {
    const { matmul: _, ...partial } = jsBackend;
    expect(() => setBackend({ ...partial, name: 'partial' } as unknown as Backend)).toThrow(
      'setBackend: backend is missing or has a wrong type for matmul.',
    );
    expect(() => setBackend({ ...jsBackend, name: 3 } as unknown as Backend)).toThrow(InvalidArgumentError);
    expect(getBackend()).toBe(wasmBackend);
  });
});
