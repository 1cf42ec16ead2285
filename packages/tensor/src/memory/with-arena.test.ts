import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
// Method forms (x.sub, x.transpose, …) are registered by their ops; the package entry loads them all.
import '../index.js';
import { InvalidArgumentError } from '../errors.js';
import { tensor } from '../ops/creation.js';
import { layerNorm } from '../ops/layer-norm.js';
import { linear } from '../ops/linear.js';
import { logSoftmax } from '../ops/log-softmax.js';
import { matmul } from '../ops/matmul.js';
import { relu } from '../ops/relu.js';
import { softmax } from '../ops/softmax.js';
import type { Tensor } from '../tensor.js';
import { BufferPool, capacityOf, ReleasedTensorError } from './scope.js';
import { isReleased, keep, withArena } from './with-arena.js';

/** A deterministic float32 leaf of `shape` (values from a small LCG seeded by `seed`). */
function leaf(shape: number[], seed: number): Tensor {
  let s = seed >>> 0 || 1;
  const n = shape.reduce((a, b) => a * b, 1);
  const data = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    data[i] = s / 2 ** 31 - 1;
  }
  return tensor(Array.from(data), { dtype: 'float32', requiresGrad: true }).reshape(shape).detach();
}

type Step = number;
/** Runs a random graph over `(4, 6)` inputs: every op kind touches fresh outputs and gradients. */
function graph(steps: readonly Step[], params: readonly Tensor[]): Tensor {
  const [x, w, b, g] = params as [Tensor, Tensor, Tensor, Tensor];
  const live: Tensor[] = [x];
  for (const k of steps) {
    const a = live[live.length - 1] as Tensor;
    const c = live[(k * 7) % live.length] as Tensor;
    let out: Tensor;
    switch (k % 8) {
      case 0:
        out = a.add(c);
        break;
      case 1:
        out = a.mul(c).mul(0.5);
        break;
      case 2:
        out = relu(a.sub(0.1));
        break;
      case 3:
        out = linear(a, w, b);
        break;
      case 4:
        out = softmax(a, -1);
        break;
      case 5:
        out = layerNorm(a, [6], g, b);
        break;
      case 6:
        out = matmul(a, c.transpose()).matmul(a).mul(0.1);
        break;
      default:
        out = logSoftmax(a.tanh(), -1).exp();
    }
    live.push(out);
  }
  return (live[live.length - 1] as Tensor).mul(live[Math.floor(live.length / 2)] as Tensor).sum();
}

function makeParams(seed: number): Tensor[] {
  const ps = [leaf([4, 6], seed), leaf([6, 6], seed + 1), leaf([6], seed + 2), leaf([6], seed + 3)];
  for (const p of ps) p.requiresGrad = true;
  return ps;
}

function bits(t: Tensor | null): number[] | null {
  if (t === null) return null;
  return Array.from(new Uint32Array(Float32Array.from(t.toTypedArray() as Float32Array).buffer));
}

describe('withArena', () => {
  it('gives bit-identical values and gradients to unpooled runs on random graphs, repeatedly', () => {
    const pool = new BufferPool();
    fc.assert(
      fc.property(fc.array(fc.nat(63), { minLength: 1, maxLength: 12 }), fc.nat(1000), (steps, seed) => {
        const ref = makeParams(seed);
        const loss = graph(steps, ref);
        loss.backward();
        const want = { loss: bits(loss), grads: ref.map((p) => bits(p.grad)) };
        const pooled = makeParams(seed);
        // Three rounds: the later ones run entirely on reused (dirty, then zeroed) buffers.
        for (let round = 0; round < 3; round++) {
          for (const p of pooled) p.grad = null;
          const got = withArena(
            () => {
              const l = graph(steps, pooled);
              l.backward();
              return bits(l);
            },
            { pool },
          );
          expect(got).toEqual(want.loss);
          expect(pooled.map((p) => bits(p.grad))).toEqual(want.grads);
        }
      }),
      { numRuns: 40 },
    );
    expect(pool.stats().hits).toBeGreaterThan(0);
  });

  it('never hands out storage that a live tensor views', () => {
    const pool = new BufferPool();
    const params = makeParams(3);
    const held: Tensor[] = [];
    for (let i = 0; i < 6; i++) {
      const out = withArena(
        () => {
          const y = graph([0, 3, 5, 2, 6], params);
          const kept = keep(relu(params[0] as Tensor).mul(i));
          return { y, list: [kept] };
        },
        { pool },
      );
      held.push(out.y, out.list[0] as Tensor);
    }
    const seen = new Set<ArrayBufferLike>();
    for (const t of held) {
      expect(isReleased(t)).toBe(false);
      expect(seen.has(t.nd.data.buffer)).toBe(false);
      seen.add(t.nd.data.buffer);
    }
    // Values intact after later scopes reused the pool.
    held.forEach((t, k) => {
      if (k % 2 === 1) {
        const want = relu(params[0] as Tensor).mul((k - 1) / 2);
        expect(t.toArray()).toEqual(want.toArray());
      }
    });
  });

  it('detects a tensor that escaped without being returned or kept', () => {
    const p = makeParams(1);
    let escaped: Tensor | null = null;
    const returned = withArena(() => {
      escaped = relu(p[0] as Tensor);
      const view = escaped.reshape([24]);
      return view.sum();
    });
    expect(returned.item()).toBeCloseTo(
      relu(p[0] as Tensor)
        .sum()
        .item() as number,
      5,
    );
    const e = escaped as unknown as Tensor;
    expect(isReleased(e)).toBe(true);
    expect(() => e.shape).toThrow(ReleasedTensorError);
    expect(() => e.add(1)).toThrow(/withArena\(\) scope ended/);
  });

  it('keeps the storage a returned view shares, and leaves created inside', () => {
    let param: Tensor | null = null;
    const v = withArena(() => {
      const base = relu(leaf([2, 3], 5));
      param = leaf([3], 9);
      param.requiresGrad = true;
      return base.transpose();
    });
    expect(isReleased(v)).toBe(false);
    expect(v.shape).toEqual([3, 2]);
    expect(isReleased(param as unknown as Tensor)).toBe(false);
  });

  it('keeps leaves’ gradients and keeps parameters made outside untouched', () => {
    const [x, w, b] = makeParams(7) as [Tensor, Tensor, Tensor];
    const before = bits(w);
    withArena(() => linear(x, w, b).sum().backward());
    expect(isReleased(w.grad as Tensor)).toBe(false);
    expect(bits(w)).toEqual(before);
    expect((w.grad as Tensor).shape).toEqual([6, 6]);
  });

  it('nested scopes hand survivors to the enclosing scope, which releases them', () => {
    const pool = new BufferPool();
    const p = makeParams(2)[0] as Tensor;
    let inner: Tensor | null = null;
    withArena(
      () => {
        inner = withArena(() => relu(p).mul(2));
        expect(isReleased(inner)).toBe(false);
        return 0;
      },
      { pool },
    );
    expect(isReleased(inner as unknown as Tensor)).toBe(true);
  });

  it('releases nothing when fn throws, and rejects async functions and bad options', () => {
    const p = makeParams(4)[0] as Tensor;
    let made: Tensor | null = null;
    expect(() =>
      withArena(() => {
        made = relu(p);
        throw new Error('boom');
      }),
    ).toThrow('boom');
    expect(isReleased(made as unknown as Tensor)).toBe(false);
    expect(() => withArena((async () => 1) as () => unknown)).toThrow(/synchronous/);
    expect(() => withArena(() => 1, { pool: {} as BufferPool })).toThrow(InvalidArgumentError);
    expect(() => withArena(() => 1, { pol: 1 } as never)).toThrow(/pol/);
    expect(() => withArena(1 as never)).toThrow(/fn must be a function/);
    expect(() => keep(1 as never)).toThrow(/keep: tensor must be a Tensor/);
  });

  it('reaches a steady state: after warm-up only the escaping gradients are new and the pool stops growing', () => {
    const pool = new BufferPool();
    const params = makeParams(11);
    const counts: { newBuffers: number; free: number }[] = [];
    let misses = 0;
    for (let step = 0; step < 12; step++) {
      for (const p of params) p.grad = null;
      withArena(() => graph([3, 5, 2, 6, 4, 1, 7, 0], params).backward(), { pool });
      const s = pool.stats();
      counts.push({ newBuffers: s.misses - misses, free: s.freeBuffers });
      misses = s.misses;
    }
    const grads = params.filter((p) => p.grad !== null).length;
    expect(grads).toBe(4);
    expect((counts[0] as { newBuffers: number }).newBuffers).toBeGreaterThan(grads);
    const warm = counts[1] as { newBuffers: number; free: number };
    // Each step's new storage is exactly the leaves' .grad (they outlive the scope by contract).
    expect(warm.newBuffers).toBe(grads);
    for (const c of counts.slice(2)) expect(c).toEqual(warm);
    expect(warm.free).toBeGreaterThan(0);
  });

  it('serves a request from the smallest free buffer of capacity n … 2n, as a zeroed view of n elements', () => {
    // Length-bucketed batches ask for a slightly different size every step (G2P).
    const pool = new BufferPool();
    const big = pool.take('float32', 1000);
    big.fill(7);
    pool.give(big);
    const mid = pool.take('float32', 100);
    pool.give(mid);
    expect(pool.stats()).toMatchObject({ hits: 0, misses: 2, freeBuffers: 2 });
    const a = pool.take('float32', 600);
    expect(a.length).toBe(600);
    expect(a.buffer).toBe(big.buffer);
    expect(a.every((x) => x === 0)).toBe(true);
    expect(pool.stats()).toMatchObject({ hits: 1, misses: 2, freeBuffers: 1 });
    // 1000 > 2·400: a request below half the capacity allocates rather than waste the buffer.
    pool.give(a);
    const b = pool.take('float32', 400);
    expect(b.buffer).not.toBe(big.buffer);
    expect(pool.stats()).toMatchObject({ hits: 1, misses: 3 });
    // The best fit, not the first: 90 takes the 100-float buffer, not the 1000-float one.
    const c = pool.take('float32', 90);
    expect(c.buffer).toBe(mid.buffer);
    // Other dtypes never share a list.
    pool.give(pool.take('int32', 50));
    expect(pool.take('float64', 50).buffer.byteLength).toBe(400);
  });

  it('rounds new buffers up to a capacity class at most 12.5% larger, stable under rounding', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 2 ** 28 }), (n) => {
        const c = capacityOf(n);
        expect(c).toBeGreaterThanOrEqual(n);
        expect(c).toBeLessThanOrEqual(n < 64 ? n : Math.ceil(n * 1.125));
        expect(capacityOf(c)).toBe(c);
      }),
    );
  });

  it('caps the free lists at maxBytes', () => {
    const pool = new BufferPool(0);
    const p = makeParams(5)[0] as Tensor;
    withArena(() => relu(p).sum().item(), { pool });
    const s = pool.stats();
    expect(s.freeBuffers).toBe(0);
    expect(s.dropped).toBeGreaterThan(0);
    expect(() => new BufferPool(-1)).toThrow(/maxBytes/);
  });
});
