import { afterEach, describe, expect, it, vi } from 'vitest';
import { InvalidArgumentError } from '../errors.js';
import { tensor } from '../ops/creation.js';
import { matmul } from '../ops/matmul.js';
import { type Backend, getBackend, setBackend } from './backend.js';
import { kernels, registerKernel, resetKernels } from './registry.js';

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

afterEach(() => resetKernels('matmul'));

describe('setBackend', () => {
  it('selects the WebAssembly kernel by default where SIMD validates', () => {
    expect(getBackend()).toBe('wasm');
    // Float32 accumulation drops the 1 added to 1e8 (ulp 8), so the sum is 2, not 3.
    expect(cancellingProduct()).toBeCloseTo(2, 6);
  });

  it("switches float32 products to float64 accumulation with 'js'", () => {
    setBackend('js');
    expect(getBackend()).toBe('js');
    expect(cancellingProduct()).toBeCloseTo(3, 6);
    setBackend('wasm');
    expect(getBackend()).toBe('wasm');
  });

  it("reports 'custom' after registerKernel replaces matmul", () => {
    registerKernel('matmul', kernels.matmul.bind(null));
    expect(getBackend()).toBe('custom');
  });

  it("throws InvalidArgumentError for 'wasm' on an engine without WebAssembly SIMD", async () => {
    vi.resetModules();
    vi.doMock('./wasm-matmul.js', async (original) => ({
      ...(await original<typeof import('./wasm-matmul.js')>()),
      wasmSimdSupported: false,
    }));
    try {
      const fresh = await import('./backend.js');
      const errors = await import('../errors.js');
      expect(() => fresh.setBackend('wasm')).toThrow(errors.InvalidArgumentError);
      expect(() => fresh.setBackend('wasm')).toThrow('needs WebAssembly SIMD');
      expect(fresh.getBackend()).toBe('js');
    } finally {
      vi.doUnmock('./wasm-matmul.js');
      vi.resetModules();
    }
  });

  it('throws InvalidArgumentError for an unknown backend', () => {
    expect(() => setBackend('gpu' as Backend)).toThrow(InvalidArgumentError);
    expect(() => setBackend('gpu' as Backend)).toThrow(
      "setBackend: backend must be 'wasm' or 'js'; got gpu.",
    );
  });
});
