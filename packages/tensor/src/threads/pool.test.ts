import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { maxAbsDiff } from '../../test/helpers.js';
import { InvalidArgumentError } from '../errors.js';
import { setBackend } from '../kernels/set-backend.js';
import { add } from '../ops/add.js';
import { fusedAttention } from '../ops/fused-attention.js';
import { layerNorm } from '../ops/layer-norm.js';
import { linear } from '../ops/linear.js';
import { matmul } from '../ops/matmul.js';
import { mul } from '../ops/mul.js';
import { softmaxCrossEntropy } from '../ops/softmax-cross-entropy.js';
import { sum } from '../ops/sum.js';
import { transpose } from '../ops/transpose.js';
import { fromData, type Tensor } from '../tensor.js';
import { wasmHeap, wasmKernels, wasmLocalKernels } from '../wasm/instance.js';
import { activePool, getNumThreads, type Job, setNumThreads, threadsUnavailableReason } from './pool.js';

/** Float32 values in [-1, 1) from a seed (integer hashing, reproducible). */
function values(count: number, seed: number): Float32Array {
  const out = new Float32Array(count);
  for (let i = 0; i < count; i++) out[i] = ((Math.imul(i + 1, 2654435761 + seed) >>> 8) % 65536) / 32768 - 1;
  return out;
}

function randomTensor(shape: number[], seed: number, requiresGrad = false): Tensor {
  const t = fromData(
    values(
      shape.reduce((a, b) => a * b, 1),
      seed,
    ),
    shape,
    'float32',
  );
  t.requiresGrad = requiresGrad;
  return t;
}

/** Index of the first element whose bits differ (NaN payloads included), or -1 when a and b are bit-identical. */
function firstDifference(a: Float32Array, b: Float32Array): number {
  if (a.length !== b.length) return Math.min(a.length, b.length);
  const x = new Uint32Array(a.buffer, a.byteOffset, a.length);
  const y = new Uint32Array(b.buffer, b.byteOffset, b.length);
  for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return i;
  return -1;
}

/** Runs `f` single-threaded, then on 2 threads, and returns both results' storage. */
async function bothWays(f: () => Float32Array[]): Promise<[Float32Array[], Float32Array[]]> {
  await setNumThreads(1);
  const one = f();
  expect(await setNumThreads(2)).toBe(2);
  const two = f();
  return [one, two];
}

/** The float64 JavaScript product (setBackend('js')), the reference for the threaded WebAssembly one. */
function reference(f: () => Tensor): Float64Array {
  setBackend('js');
  try {
    return Float64Array.from(f().toTypedArray());
  } finally {
    setBackend('wasm');
  }
}

afterAll(async () => {
  await setNumThreads(1);
});

describe('setNumThreads', () => {
  it('starts workers in Node and reports the thread count', async () => {
    expect(await setNumThreads(2)).toBe(2);
    expect(getNumThreads()).toBe(2);
    expect(threadsUnavailableReason()).toBe('');
    expect(activePool()?.threads).toBe(2);
    expect(await setNumThreads(1)).toBe(1);
    expect(getNumThreads()).toBe(1);
    expect(activePool()).toBeNull();
  });

  it('resizes in the order of the calls', async () => {
    const counts = await Promise.all([setNumThreads(2), setNumThreads(3), setNumThreads(1)]);
    expect(counts).toEqual([2, 3, 1]);
    expect(getNumThreads()).toBe(1);
  });

  it('rejects (never throws) a thread count that is not an integer in [1, 64]', async () => {
    for (const n of [0, -1, 1.5, 65, 1e6, Number.NaN, '2' as unknown as number]) {
      await expect(setNumThreads(n)).rejects.toThrow(InvalidArgumentError);
    }
    await expect(setNumThreads(0)).rejects.toThrow('setNumThreads: n must be an integer in [1, 64]; got 0.');
  });
});

describe('threaded kernels', () => {
  beforeAll(async () => {
    await setNumThreads(1);
  });

  it('matmul splits rows over the threads and matches the single-thread and float64 products', async () => {
    // m·n·k ≥ 2^20 multiply-adds, so the product is split; sizes leave partial 4×8 tiles and cross KC.
    const a = randomTensor([203, 300], 1);
    const b = randomTensor([300, 77], 2);
    const [[one], [two]] = await bothWays(() => [matmul(a, b).toTypedArray() as Float32Array]);
    expect(maxAbsDiff(one!, two!)).toBeLessThanOrEqual(1e-6);
    const ref = reference(() => matmul(a, b));
    expect(maxAbsDiff(two!, ref)).toBeLessThanOrEqual(1e-4);
  });

  it('matmul reads transposed operands in place on the threads', async () => {
    const a = transpose(randomTensor([260, 140], 3), 0, 1); // (140, 260), column-major storage
    const b = transpose(randomTensor([90, 260], 4), 0, 1); // (260, 90)
    const [[one], [two]] = await bothWays(() => [matmul(a, b).toTypedArray() as Float32Array]);
    expect(maxAbsDiff(one!, two!)).toBeLessThanOrEqual(1e-6);
    expect(
      maxAbsDiff(
        two!,
        reference(() => matmul(a, b)),
      ),
    ).toBeLessThanOrEqual(1e-4);
  });

  it('packs rows adjacent in memory (packAdjacent) on the threads: bit-identical to one thread', async () => {
    // s6-train: the weight gradient dW = dYᵀ·X of a Linear (1024 tokens, 256 → 64): Aᵀ (rows
    // adjacent, rs = 1) and a row-major B (its Bᵀ rows adjacent) take packAdjacent on both paths.
    const dy = randomTensor([1024, 256], 7);
    const x = randomTensor([1024, 64], 8);
    const dw = () => matmul(transpose(dy, 0, 1), x);
    const [[one], [two]] = await bothWays(() => [dw().toTypedArray() as Float32Array]);
    expect(maxAbsDiff(one!, two!)).toBeLessThanOrEqual(0);
    expect(maxAbsDiff(two!, reference(dw))).toBeLessThanOrEqual(1e-3);
  });

  it('batched matmul (per-head products) matches the float64 product on 1 and 2 threads', async () => {
    // (batch, heads, L, d)·(batch, heads, d, L): 16 products, each too small to split by rows.
    const q = randomTensor([2, 8, 64, 32], 5);
    const k = randomTensor([2, 8, 64, 32], 6);
    const scores = () => matmul(q, transpose(k, 2, 3));
    const [[one], [two]] = await bothWays(() => [scores().toTypedArray() as Float32Array]);
    const ref = reference(scores);
    expect(maxAbsDiff(one!, ref)).toBeLessThanOrEqual(1e-4);
    expect(maxAbsDiff(two!, ref)).toBeLessThanOrEqual(1e-4);
  });

  it('batched matmul broadcasts a shared right operand that cannot fold into rows', async () => {
    const a = transpose(randomTensor([3, 40, 50], 7), 1, 2); // (3, 50, 40), not row-foldable
    const b = randomTensor([40, 60], 8);
    const [[one], [two]] = await bothWays(() => [matmul(a, b).toTypedArray() as Float32Array]);
    const ref = reference(() => matmul(a, b));
    expect(maxAbsDiff(one!, ref)).toBeLessThanOrEqual(1e-4);
    expect(maxAbsDiff(two!, ref)).toBeLessThanOrEqual(1e-4);
  });

  it('matmul gradients are the same on 1 and 2 threads', async () => {
    const a = randomTensor([4, 3, 40, 36], 9, true);
    const b = randomTensor([4, 3, 36, 44], 10, true);
    const w = randomTensor([4, 3, 40, 44], 11);
    const grads = () => {
      a.grad = null;
      b.grad = null;
      sum(mul(matmul(a, b), w)).backward();
      return [a.grad!.toTypedArray() as Float32Array, b.grad!.toTypedArray() as Float32Array];
    };
    const [one, two] = await bothWays(grads);
    expect(maxAbsDiff(one[0]!, two[0]!)).toBeLessThanOrEqual(1e-5);
    expect(maxAbsDiff(one[1]!, two[1]!)).toBeLessThanOrEqual(1e-5);
  });

  it('fusedAttention forward and backward split batch × heads and match the single-thread result', async () => {
    // 2·5 = 10 problems: more than one round of 2·threads problems, with a partial last round.
    const q = randomTensor([2, 5, 70, 24], 12, true);
    const k = randomTensor([2, 5, 90, 24], 13, true);
    const v = randomTensor([2, 5, 90, 20], 14, true);
    const w = randomTensor([2, 5, 70, 20], 15);
    const run = () => {
      for (const t of [q, k, v]) t.grad = null;
      const out = fusedAttention(q, k, v, { isCausal: true, validLens: [90, 61] });
      sum(mul(out, w)).backward();
      return [out, q.grad!, k.grad!, v.grad!].map((t) => t.toTypedArray() as Float32Array);
    };
    const [one, two] = await bothWays(run);
    for (let i = 0; i < 4; i++) expect(maxAbsDiff(one[i]!, two[i]!)).toBeLessThanOrEqual(1e-6);
  });

  // ---- s7-threads: bit-identity of the threaded kernels of the training step ----
  it('fusedAttention is bit-identical on 1 and 2 threads for any number of problems', async () => {
    // The training step's shape (batch 16 × 4 heads = 64 problems of 64 × 16, causal), and counts
    // around the pool's round of 2 problems per thread (4 on 2 threads): fewer than a round, one
    // round, one more (a partial second round), and several rounds.
    for (const [batch, heads, lq, lk, d] of [
      [16, 4, 64, 64, 16],
      [1, 1, 64, 64, 16],
      [1, 3, 33, 70, 8],
      [2, 2, 64, 64, 16],
      [1, 5, 20, 20, 24],
      [3, 3, 17, 45, 16],
    ] as const) {
      const q = randomTensor([batch, heads, lq, d], 21, true);
      const k = randomTensor([batch, heads, lk, d], 22, true);
      const v = randomTensor([batch, heads, lk, d], 23, true);
      const w = randomTensor([batch, heads, lq, d], 24);
      const run = () => {
        for (const t of [q, k, v]) t.grad = null;
        const out = fusedAttention(q, k, v, { isCausal: lq === lk });
        sum(mul(out, w)).backward();
        return [out, q.grad!, k.grad!, v.grad!].map((t) => t.toTypedArray() as Float32Array);
      };
      const [one, two] = await bothWays(run);
      for (let i = 0; i < 4; i++) {
        expect(firstDifference(one[i]!, two[i]!), `${batch}×${heads}×${lq}×${lk}×${d}, output ${i}`).toBe(-1);
      }
    }
  });

  it("matmul is bit-identical on 1 and 2 threads on the training step's products", async () => {
    // 1024 tokens; forward x·Wᵀ, backward dY·W and dYᵀ·X of the 64 → 256 Linear, and an odd size.
    const x = randomTensor([1024, 64], 31);
    const w = randomTensor([256, 64], 32);
    const dy = randomTensor([1024, 256], 33);
    const odd = randomTensor([1001, 90], 34);
    const products = () =>
      [
        matmul(x, transpose(w, 0, 1)),
        matmul(dy, w),
        matmul(transpose(dy, 0, 1), x),
        matmul(odd, randomTensor([90, 70], 35)),
      ].map((t) => t.toTypedArray() as Float32Array);
    const [one, two] = await bothWays(products);
    for (let i = 0; i < one.length; i++) expect(firstDifference(one[i]!, two[i]!), `product ${i}`).toBe(-1);
  });

  it("row-wise kernels run on this thread's own instance while the pool runs, bit-identical to one thread", async () => {
    expect(await setNumThreads(2)).toBe(2);
    // The pool's memory is shared; the row-wise kernels use the unshared instance (faster copies).
    expect(wasmLocalKernels()).not.toBeNull();
    expect(wasmLocalKernels()!.memory).not.toBe(wasmKernels()!.memory);
    expect(wasmLocalKernels()!.memory.buffer instanceof SharedArrayBuffer).toBe(false);
    // A slice of a training step, alternating between the two instances: threaded products, the
    // bias + ReLU epilogue, LayerNorm forward and backward, element-wise ops, the loss.
    const step = () => {
      const x = randomTensor([1024, 64], 41, true);
      const w1 = randomTensor([256, 64], 42, true);
      const b1 = randomTensor([256], 43, true);
      const w2 = randomTensor([64, 256], 44, true);
      const g = randomTensor([64], 45, true);
      const h = linear(x, w1, b1, { activation: 'relu' });
      const y = layerNorm(add(linear(h, w2), x), [64], g, null);
      const logits = matmul(y, w2);
      const targets = fromData(
        Int32Array.from({ length: 1024 }, (_, i) => (i * 37) % 256),
        [1024],
        'int32',
      );
      const loss = softmaxCrossEntropy(logits, targets);
      loss.backward();
      return [loss, y, x.grad!, w1.grad!, b1.grad!, w2.grad!, g.grad!].map((t) =>
        Float32Array.from(t.toTypedArray()),
      );
    };
    const [one, two] = await bothWays(step);
    for (let i = 0; i < one.length; i++) expect(firstDifference(one[i]!, two[i]!), `output ${i}`).toBe(-1);
  });

  it('gives the same products as one thread for random sizes (property)', async () => {
    await setNumThreads(2);
    fc.assert(
      fc.property(
        fc.integer({ min: 64, max: 200 }),
        fc.integer({ min: 64, max: 160 }),
        fc.integer({ min: 100, max: 300 }),
        fc.integer({ min: 1, max: 1000 }),
        (m, n, k, seed) => {
          const a = randomTensor([m, k], seed);
          const b = randomTensor([k, n], seed + 1);
          const two = matmul(a, b).toTypedArray();
          const ref = reference(() => matmul(a, b));
          return maxAbsDiff(two, ref) <= 1e-4;
        },
      ),
      { numRuns: 10 },
    );
  });

  it('runs every task of many back-to-back jobs, whether the worker is polling or asleep', async () => {
    expect(await setNumThreads(2)).toBe(2);
    const pool = activePool()!;
    const wasm = wasmKernels()!;
    const floats = 64 * 8;
    for (let j = 0; j < 60; j++) {
      // Every 10th job after a pause, so the worker has gone to sleep.
      if (j % 10 === 9) await new Promise((resolve) => setTimeout(resolve, 5));
      const tasks = 1 + (j % 7);
      const mem = wasmHeap(wasm, 2 * floats);
      for (let i = 0; i < floats; i++) mem[i] = j * 1000 + i;
      mem.fill(-1, floats, 2 * floats);
      const job = pool.job();
      // Task t copies 8 floats (one 8-wide panel of 1 row × 8) from src region t to dst region t.
      for (let t = 0; t < tasks; t++)
        job.task().call('pack', (floats + t * 8) * 4, t * 8 * 4, 1, 1, 8, 8, 1, 8);
      job.run();
      const out = wasmHeap(wasm, 2 * floats);
      for (let t = 0; t < 8; t++) {
        for (let i = 0; i < 8; i++) {
          expect(out[floats + t * 8 + i]).toBe(t < tasks ? j * 1000 + t * 8 + i : -1);
        }
      }
    }
  });

  it("runs the caller's work once while the tasks are open, and rethrows its error after they finish", async () => {
    expect(await setNumThreads(2)).toBe(2);
    const pool = activePool()!;
    const wasm = wasmKernels()!;
    const floats = 16 * 8;
    const fill = (): void => {
      const mem = wasmHeap(wasm, 2 * floats);
      for (let i = 0; i < floats; i++) mem[i] = i + 1;
      mem.fill(0, floats, 2 * floats);
    };
    const copies = (): Job => {
      const job = pool.job();
      for (let t = 0; t < 16; t++) job.task().call('pack', (floats + t * 8) * 4, t * 8 * 4, 1, 1, 8, 8, 1, 8);
      return job;
    };
    const copied = (): number[] => Array.from(wasmHeap(wasm, 2 * floats).subarray(floats, 2 * floats));
    const expected = Array.from({ length: floats }, (_, i) => i + 1);
    fill();
    let calls = 0;
    copies().run(() => {
      calls++;
    });
    expect(calls).toBe(1);
    expect(copied()).toEqual(expected);
    fill();
    expect(() =>
      copies().run(() => {
        throw new RangeError('work failed');
      }),
    ).toThrow('work failed');
    expect(copied()).toEqual(expected);
  });

  it('reports a task that traps instead of hanging, and keeps working', async () => {
    expect(await setNumThreads(2)).toBe(2);
    const pool = activePool()!;
    const wasm = wasmKernels()!;
    wasmHeap(wasm, 1024);
    const job = pool.job();
    // Addresses far beyond the memory: every such call traps (out-of-bounds access).
    for (let t = 0; t < 6; t++) job.task().call('sgemm', 0x7ff00000, 0, 0, 4, 8, 16);
    expect(() => job.run()).toThrow();
    const a = randomTensor([128, 128], 16);
    const ref = reference(() => matmul(a, a));
    expect(maxAbsDiff(matmul(a, a).toTypedArray(), ref)).toBeLessThanOrEqual(1e-4);
  });
});
