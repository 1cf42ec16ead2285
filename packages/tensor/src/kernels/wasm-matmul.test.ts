import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import wabt from 'wabt';
import { bits } from '../../test/helpers.js';
import type { TypedArray } from '../dtype.js';
import { decodeBase64 } from '../wasm/decode.js';
import { wasmHeap, wasmKernels, wasmSimdSupported } from '../wasm/instance.js';
import { SGEMM_WASM_BASE64 } from '../wasm/sgemm.generated.js';
import { sharedMemoryVariant } from '../wasm/shared-memory.js';
import { up } from './constants.js';
import { packPanels } from './pack.js';
import { wasmExpRows as expRows } from './wasm-flash-attention.js';
import { wasmMatmul } from './wasm-matmul.js';

/** The positional form the cases below are written in, through the kernel's matrix views. */
function wasmMatmulKernel(
  out: TypedArray,
  outOffset: number,
  a: TypedArray,
  aOffset: number,
  ars: number,
  acs: number,
  b: TypedArray,
  bOffset: number,
  brs: number,
  bcs: number,
  m: number,
  n: number,
  k: number,
): void {
  wasmMatmul(
    { data: out, offset: outOffset },
    { data: a, offset: aOffset, rowStride: ars, colStride: acs },
    { data: b, offset: bOffset, rowStride: brs, colStride: bcs },
    m,
    n,
    k,
  );
}

/** Row-major m×k values in [-1, 1) from a seed (integer arithmetic only, reproducible). */
function values(count: number, seed: number): Float64Array {
  const out = new Float64Array(count);
  for (let i = 0; i < count; i++) out[i] = ((Math.imul(i + 1, 2654435761 + seed) >>> 8) % 65536) / 32768 - 1;
  return out;
}

/** A matrix's storage and how to read it: element (r, c) is at off + r·rs + c·cs. */
interface Strided {
  data: TypedArray;
  off: number;
  rs: number;
  cs: number;
}

type Layout =
  | 'contiguous'
  | 'transposed'
  | 'reversed'
  | 'padded'
  | 'broadcast'
  | 'contiguous-gapped'
  | 'transposed-gapped';

/**
 * Stores the logical rows×cols `v` in `layout` (broadcast: row 0 repeated with row stride 0;
 * gapped: contiguous or transposed with 3 unused floats after each row or column, at offset 2).
 */
function store(v: Float64Array, rows: number, cols: number, layout: Layout, int32 = false): Strided {
  const size = rows * cols * 2 + 3 * (rows + cols) + 5;
  const data = int32 ? new Int32Array(size) : new Float32Array(size);
  const put = (off: number, rs: number, cs: number) => {
    for (let r = 0; r < rows; r++)
      for (let c = 0; c < cols; c++) data[off + r * rs + c * cs] = v[r * cols + c]!;
    return { data, off, rs, cs };
  };
  if (layout === 'contiguous') return put(0, cols, 1);
  if (layout === 'transposed') return put(0, 1, rows);
  if (layout === 'reversed') return put(rows * cols - 1, -cols, -1);
  if (layout === 'padded') return put(3, 2 * cols, 2);
  if (layout === 'contiguous-gapped') return put(2, cols + 3, 1);
  if (layout === 'transposed-gapped') return put(2, 1, rows + 3);
  // Broadcast: every row reads row 0 of `v`.
  for (let c = 0; c < cols; c++) data[c] = v[c]!;
  return { data, off: 0, rs: 0, cs: 1 };
}

/** The logical values of a stored matrix. */
function logical(s: Strided, rows: number, cols: number): Float64Array {
  const out = new Float64Array(rows * cols);
  for (let r = 0; r < rows; r++)
    for (let c = 0; c < cols; c++) out[r * cols + c] = s.data[s.off + r * s.rs + c * s.cs]!;
  return out;
}

/**
 * Runs the kernel on A (m×k) and B (k×n) in the given layouts and checks every output against a
 * float64 triple loop: |C − C_ref| ≤ 1e-5·‖a_i‖·‖b_j‖ (float32 accumulation over k terms).
 */
function expectProduct(m: number, n: number, k: number, la: Layout, lb: Layout, seed = 1): void {
  const a = store(values(m * k, seed), m, k, la);
  const b = store(values(k * n, seed + 1), k, n, lb);
  const out = new Float32Array(m * n + 2).fill(Number.NaN);
  wasmMatmulKernel(out, 1, a.data, a.off, a.rs, a.cs, b.data, b.off, b.rs, b.cs, m, n, k);
  expectClose(out, logical(a, m, k), logical(b, k, n), m, n, k);
}

function expectClose(
  out: TypedArray,
  av: Float64Array,
  bv: Float64Array,
  m: number,
  n: number,
  k: number,
): void {
  let worst = 0;
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      let na = 0;
      let nb = 0;
      for (let p = 0; p < k; p++) {
        s += av[i * k + p]! * bv[p * n + j]!;
        na += av[i * k + p]! ** 2;
        nb += bv[p * n + j]! ** 2;
      }
      const err = Math.abs(out[1 + i * n + j]! - s) / Math.max(Math.sqrt(na * nb), 1e-30);
      worst = Math.max(worst, Number.isNaN(err) ? Number.POSITIVE_INFINITY : err);
    }
  }
  expect(worst).toBeLessThanOrEqual(1e-5);
}

describe('wasmMatmul', () => {
  it('runs on this engine (Node validates WebAssembly SIMD)', () => {
    expect(wasmSimdSupported()).toBe(true);
  });

  it('embeds exactly the bytes that wabt compiles from sgemm.wat', async () => {
    const text = readFileSync(new URL('../wasm/sgemm.wat', import.meta.url), 'utf8');
    const w = await wabt();
    const module = w.parseWat('sgemm.wat', text, { simd: true });
    const { buffer } = module.toBinary({ log: false, write_debug_names: false });
    module.destroy();
    expect(Buffer.from(SGEMM_WASM_BASE64, 'base64').equals(Buffer.from(buffer))).toBe(true);
  });

  it('derives the shared-memory build the worker pool runs (see wasm/shared-memory.test.ts)', () => {
    const compiled = new WebAssembly.Module(sharedMemoryVariant(decodeBase64(SGEMM_WASM_BASE64)));
    expect(WebAssembly.Module.imports(compiled)).toEqual([{ module: 'env', name: 'memory', kind: 'memory' }]);
    const memory = new WebAssembly.Memory({ initial: 1, maximum: 65536, shared: true });
    const exports = new WebAssembly.Instance(compiled, { env: { memory } }).exports;
    expect(exports.memory).toBe(memory);
  });

  it('multiplies across k-blocks, row panels and partial tiles within float32 tolerance', () => {
    // Crosses KC = 256, MC = 128, NC = 512 and leaves partial 4×8 tiles.
    expectProduct(130, 75, 300, 'contiguous', 'contiguous');
    expectProduct(9, 517, 40, 'contiguous', 'transposed');
    expectProduct(5, 6, 1200, 'padded', 'reversed');
  });

  it('reads transposed, strided, reversed and broadcast operands in place', () => {
    const layouts: Layout[] = ['contiguous', 'transposed', 'reversed', 'padded', 'broadcast'];
    for (const la of layouts) for (const lb of layouts) expectProduct(19, 21, 23, la, lb, 5);
  });

  it('packs k-contiguous rows, full and partial panels, into exactly the layout of packPanels', () => {
    // pack's transposing path (cs = 1) takes a last panel with fewer than w rows too (the short
    // query and key blocks of attention), its missing rows as zeros; the scalar path and the
    // JavaScript packer give the reference layout.
    const wasm = wasmKernels()!;
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 40 }),
        fc.integer({ min: 1, max: 300 }),
        fc.constantFrom(4, 8),
        fc.integer({ min: 0, max: 5 }),
        fc.integer({ min: 0, max: 2 }),
        (rows, k, w, extra, morePanels) => {
          const rs = k + extra;
          const padded = up(rows, w) + morePanels * w;
          const src = 4;
          const dst = src + rs * rows + 16;
          const heap = wasmHeap(wasm, dst + padded * k);
          for (let i = 0; i < rs * rows + 16; i++) heap[src + i] = i + 0.5;
          heap.fill(Number.NaN, dst, dst + padded * k);
          wasm.pack(dst * 4, src * 4, rs, 1, rows, padded, k, w);
          const want = new Float32Array(padded * k).fill(Number.NaN);
          packPanels(want, 0, heap.slice(src, src + rs * rows), 0, rs, 1, rows, padded, k, w);
          expect(bits(heap.slice(dst, dst + padded * k))).toEqual(bits(want));
        },
      ),
      { numRuns: 80 },
    );
  });

  it('packs rows adjacent in memory (packAdjacent) into exactly the layout of pack', () => {
    const wasm = wasmKernels()!;
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 70 }),
        fc.integer({ min: 1, max: 600 }),
        fc.constantFrom(4, 8),
        fc.integer({ min: 0, max: 5 }),
        (rows, k, w, extra) => {
          // Element (r, p) at src + r + p·cs: a transposed view with cs ≥ rows.
          const cs = rows + extra;
          const padded = up(rows, w);
          const src = 8;
          const first = src + cs * k + 16;
          const second = first + padded * k;
          const heap = wasmHeap(wasm, second + padded * k);
          for (let i = 0; i < cs * k + 16; i++) heap[src + i] = i + 0.25;
          heap.fill(Number.NaN, first, second + padded * k);
          wasm.pack(first * 4, src * 4, 1, cs, rows, padded, k, w);
          wasm.packAdjacent(second * 4, src * 4, cs, rows, padded, k, w);
          const a = heap.slice(first, second);
          const b = heap.slice(second, second + padded * k);
          expect(Buffer.from(b.buffer).equals(Buffer.from(a.buffer))).toBe(true);
        },
      ),
      { numRuns: 40 },
    );
  });

  it('reads A in place (sgemmRowA, sgemmColA) with the bits of the packed path', () => {
    // An A with a unit column stride (row-major) or a unit row stride (rows adjacent: a transposed
    // view) is read by the tile where it lies; other strides take the packing path, as B does.
    // Both multiply the same values in the same order.
    const product = (a: Strided, b: Strided, m: number, n: number, k: number) => {
      const out = new Float32Array(m * n + 1).fill(Number.NaN);
      wasmMatmulKernel(out, 1, a.data, a.off, a.rs, a.cs, b.data, b.off, b.rs, b.cs, m, n, k);
      return out;
    };
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 140 }),
        fc.integer({ min: 1, max: 90 }),
        fc.integer({ min: 1, max: 300 }),
        fc.constantFrom<Layout>('contiguous', 'contiguous-gapped', 'transposed', 'transposed-gapped'),
        fc.constantFrom<Layout>('contiguous', 'transposed'),
        (m, n, k, la, lb) => {
          fc.pre(m * n * k >= 4096);
          const av = values(m * k, m + n);
          const bv = values(k * n, k);
          const a = store(av, m, k, la);
          const b = store(bv, k, n, lb);
          const packed = product(store(av, m, k, 'padded'), store(bv, k, n, 'padded'), m, n, k);
          expect(bits(product(a, b, m, n, k))).toEqual(bits(packed));
        },
      ),
      { numRuns: 60 },
    );
    // Tall enough for several row chunks (a row-major A; rows adjacent take one chunk or pack).
    const [m, n, k] = [8400, 12, 500];
    const av = values(m * k, 2);
    const bv = values(k * n, 3);
    const packed = product(store(av, m, k, 'padded'), store(bv, k, n, 'padded'), m, n, k);
    const b = store(bv, k, n, 'contiguous');
    expect(bits(product(store(av, m, k, 'contiguous-gapped'), b, m, n, k))).toEqual(bits(packed));
    expect(bits(product(store(av, m, k, 'transposed-gapped'), b, m, n, k))).toEqual(bits(packed));
  });

  it('multiplies transposed operands across 16-row pack groups and k-blocks (dYᵀ·X of a weight gradient)', () => {
    expectProduct(37, 21, 300, 'transposed', 'contiguous');
    expectProduct(90, 64, 520, 'transposed', 'contiguous');
    expectProduct(16, 17, 33, 'transposed', 'transposed');
  });

  it('packs non-float32 storage (int32 operands into a float32 output)', () => {
    const a = store(
      values(20 * 30, 3).map((x) => Math.round(8 * x)),
      20,
      30,
      'transposed',
      true,
    );
    const b = store(
      values(30 * 17, 4).map((x) => Math.round(8 * x)),
      30,
      17,
      'contiguous',
      true,
    );
    const out = new Float32Array(20 * 17 + 1);
    wasmMatmulKernel(out, 1, a.data, a.off, a.rs, a.cs, b.data, b.off, b.rs, b.cs, 20, 17, 30);
    expectClose(out, logical(a, 20, 30), logical(b, 30, 17), 20, 17, 30);
  });

  it('processes tall products in row chunks', () => {
    // (8400 × 500) rows exceed one 16 MB chunk of packed A plus C.
    expectProduct(8400, 8, 500, 'contiguous', 'contiguous', 9);
  });

  it('leaves float64 products to the float64-accumulating JavaScript kernel', () => {
    const a = new Float64Array([1e8, 1, -1e8, 2, 3, 4, 5, 6, 7, 8, 9, 10].concat(new Array(4084).fill(0)));
    const b = new Float64Array(4096).fill(1);
    const out = new Float64Array(1);
    // (1×4096)·(4096×1): float32 accumulation would lose the 1 next to 1e8.
    wasmMatmulKernel(out, 0, a, 0, 4096, 1, b, 0, 1, 1, 1, 1, 4096);
    expect(out[0]).toBeCloseTo(55, 10);
  });

  it('matches a float64 triple loop for any sizes around the tile edges', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 40 }),
        fc.integer({ min: 1, max: 40 }),
        fc.integer({ min: 1, max: 300 }),
        fc.constantFrom<Layout>('contiguous', 'transposed', 'reversed'),
        (m, n, k, layout) => expectProduct(m, n, k, layout, 'contiguous', m + n),
      ),
      { numRuns: 40 },
    );
  });
});

describe('expRows', () => {
  it.runIf(wasmSimdSupported())(
    'takes the last n mod 4 exponentials as one vector with the same bits, inside or at the end of the memory',
    () => {
      // expShiftSum's tail: one $expv over the 4 floats at x, lanes below n kept (or lane by lane
      // when those 4 floats would cross the end of the memory). Reference: the same values padded
      // to a multiple of 4 (all lanes on the vector path), summed in the kernel's order.
      const wasm = wasmKernels()!;
      fc.assert(
        fc.property(
          fc.integer({ min: 1, max: 23 }),
          fc.float({ min: -200, max: 200, noNaN: true }),
          fc.integer({ min: 0, max: 2 ** 31 - 1 }),
          fc.boolean(),
          (n, shift, seed, atEnd) => {
            const values = Array.from({ length: n }, (_, i) => Math.fround(Math.sin(seed + i * 1.7) * 60));
            const padded = up(n, 4);
            let heap = wasmHeap(wasm, 4096);
            // reference: the row padded with copies of its first value, all on the vector path
            const ref = 0;
            heap.set(values, ref);
            heap.fill(values[0]!, ref + n, ref + padded);
            wasm.expShiftSum(ref * 4, padded, Math.fround(shift));
            heap = wasmHeap(wasm, 4096);
            const y = Array.from(heap.subarray(ref, ref + n));
            const lanes = [0, 0, 0, 0];
            const q = n & ~3;
            for (let i = 0; i < q; i++) lanes[i % 4] = Math.fround(lanes[i % 4]! + y[i]!);
            let want = Math.fround(Math.fround(lanes[0]! + lanes[1]!) + Math.fround(lanes[2]! + lanes[3]!));
            for (let i = q; i < n; i++) want = Math.fround(want + y[i]!);
            // the row under test: followed by NaN sentinels, or ending at the memory's last float
            const at = atEnd ? heap.length - n : 256;
            heap.set(values, at);
            if (!atEnd) heap.fill(Number.NaN, at + n, at + n + 4);
            const total = wasm.expShiftSum(at * 4, n, Math.fround(shift));
            heap = wasmHeap(wasm, 4096);
            expect(bits(Float32Array.from(heap.subarray(at, at + n)))).toEqual(bits(Float32Array.from(y)));
            expect(bits(Float32Array.of(total))).toEqual(bits(Float32Array.of(want)));
            if (!atEnd) expect(Array.from(heap.subarray(at + n, at + n + 4)).every(Number.isNaN)).toBe(true);
          },
        ),
        { numRuns: 200 },
      );
    },
  );

  it('gives softmax exponentials within 2 float32 ulp of Math.exp, with row sums', () => {
    // Rows of 7 (a vector of 4 plus a scalar tail of 3), 0 (empty) and 5 entries; x − shift in [−90, 0].
    const s = new Float32Array(3 * 8);
    for (let i = 0; i < s.length; i++) s[i] = -((i * 37) % 91) + 0.123 * (i % 5);
    const input = Float32Array.from(s);
    const counts = new Int32Array([7, 0, 5]);
    const shifts = new Float64Array([0.5, 0, -1.25]);
    const sums = new Float64Array(3).fill(Number.NaN);
    expRows(s, 3, 8, counts, shifts, sums);
    for (let i = 0; i < 3; i++) {
      let total = 0;
      for (let j = 0; j < 8; j++) {
        const at = i * 8 + j;
        if (j >= counts[i]!) {
          expect(s[at]).toBe(input[at]);
          continue;
        }
        const want = Math.exp(Math.fround(input[at]! - shifts[i]!));
        total += want;
        expect(Math.abs(s[at]! - want)).toBeLessThanOrEqual(2 * 2 ** -23 * want + 1e-38);
      }
      expect(sums[i]).toBeCloseTo(total, 6);
    }
  });
});
