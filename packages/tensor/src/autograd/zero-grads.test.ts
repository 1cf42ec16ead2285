import { describe, expect, it } from 'vitest';
import { BufferPool } from '../memory/scope.js';
import { withArena } from '../memory/with-arena.js';
import { add } from '../ops/add.js';
import { tensor } from '../ops/creation.js';
import { matmul } from '../ops/matmul.js';
import { mul } from '../ops/mul.js';
import { sum } from '../ops/sum.js';
import { transpose } from '../ops/transpose.js';
import type { Tensor } from '../tensor.js';
import { zeroGrads } from './zero-grads.js';

const leaf = (values: number[], shape: number[]) => tensor(values, { shape, requiresGrad: true });
const grad = (t: Tensor) => Array.from(t.grad!.toTypedArray());

describe('zeroGrads and gradient accumulation into reused storage', () => {
  it('zeroes in place; the next backward writes the same gradient into the same storage', () => {
    const w = leaf([1, -2, 3, 0.5, 4, -1], [2, 3]);
    const x = tensor([0.5, 1.5, -2, 1, 0.25, 3], { shape: [3, 2] });
    const loss = () => sum(mul(matmul(w, x), matmul(w, x)));
    loss().backward();
    const first = w.grad!;
    const values = grad(w);
    zeroGrads([w]);
    expect(w.grad).toBe(first);
    expect(grad(w)).toEqual([0, 0, 0, 0, 0, 0]);
    loss().backward();
    expect(w.grad).toBe(first);
    expect(grad(w)).toEqual(values); // bit-identical to the freshly allocated gradient
    loss().backward(); // no zeroGrads: accumulates, as PyTorch does
    expect(grad(w)).toEqual(values.map((v) => v + v));
    zeroGrads([w], { setToNone: true });
    expect(w.grad).toBeNull();
  });

  it('gives each leaf its own storage even when an op returns one gradient for two inputs', () => {
    const a = leaf([1, 2], [2]);
    const b = leaf([3, 4], [2]);
    sum(add(a, b)).backward(); // add's backward hands the same tensor to a and b
    expect(a.grad!.toTypedArray().buffer).not.toBe(b.grad!.toTypedArray().buffer);
    zeroGrads([a, b]);
    sum(mul(add(a, b), tensor([2, 3]))).backward();
    expect(grad(a)).toEqual([2, 3]);
    expect(grad(b)).toEqual([2, 3]);
  });

  it('replaces a strided .grad set by hand instead of writing through it', () => {
    const w = leaf([1, 2, 3, 4], [2, 2]);
    const base = tensor([10, 20, 30, 40], { shape: [2, 2] });
    w.grad = transpose(base, 0, 1);
    sum(mul(w, w)).backward();
    expect(grad(w)).toEqual([12, 34, 26, 48]);
    expect(Array.from(base.toTypedArray())).toEqual([10, 20, 30, 40]);
    zeroGrads([w]);
    expect(w.grad).not.toBeNull();
  });

  it('allocates no gradient after the first step inside withArena', () => {
    const pool = new BufferPool();
    const w = leaf([1, 2, 3, 4, 5, 6], [3, 2]);
    const x = tensor([1, 0.5, -1, 2, 0, 1], { shape: [2, 3] });
    const step = () =>
      withArena(
        () => {
          zeroGrads([w]);
          const loss = sum(mul(matmul(x, w), matmul(x, w)));
          loss.backward();
          return loss.item();
        },
        { pool },
      );
    step();
    const g = w.grad!;
    const missesAfterFirst = pool.stats().misses;
    const values = grad(w);
    for (let i = 0; i < 5; i++) step();
    expect(w.grad).toBe(g);
    expect(grad(w)).toEqual(values);
    expect(pool.stats().misses).toBe(missesAfterFirst);
  });

  it('checks its arguments', () => {
    expect(() => zeroGrads([leaf([1], [1])], { setToNone: 'yes' as never })).toThrow(/setToNone/);
    expect(() => zeroGrads([leaf([1], [1])], { setTonone: true } as never)).toThrow(/setTonone/);
    expect(() => zeroGrads([1 as never])).toThrow('zeroGrads: tensors[0] must be a Tensor');
  });
});
