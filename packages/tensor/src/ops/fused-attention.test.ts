import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { maxAbsDiff } from '../../test/helpers.js';
import { InvalidArgumentError, ShapeError } from '../errors.js';
import { getBackend, setBackend } from '../kernels/set-backend.js';
import type { Tensor } from '../tensor.js';
import { add } from './add.js';
import { cast } from './cast.js';
import { chunk } from './chunk.js';
import { tensor } from './creation.js';
import { fusedAttention } from './fused-attention.js';
import { matmul } from './matmul.js';
import { mul } from './mul.js';
import { permute } from './permute.js';
import { reshape } from './reshape.js';
import { softmax } from './softmax.js';
import { sum } from './sum.js';
import { transpose } from './transpose.js';

/** Values in [-1, 1) from a seed (integer hashing, reproducible). */
function values(count: number, seed: number): number[] {
  return Array.from(
    { length: count },
    (_, i) => ((Math.imul(i + 1, 2654435761 + seed) >>> 8) % 65536) / 32768 - 1,
  );
}

interface Problem {
  batch: number;
  heads: number;
  lq: number;
  lk: number;
  d: number;
  dv: number;
  isCausal: boolean;
  /** Valid keys per batch entry, or null. */
  lens: number[] | null;
}

/** Key limit of query i in batch b: the explicit form of the masks (bottom-right causal). */
function limitOf(p: Problem, b: number, i: number): number {
  let limit = p.lens === null ? p.lk : p.lens[b]!;
  if (p.isCausal) limit = Math.min(limit, Math.max(0, i + p.lk - p.lq + 1));
  return limit;
}

/** softmax(scale·QKᵀ over visible keys)·V by explicit float64 loops; a row with no key gives 0. */
function reference(p: Problem, q: number[], k: number[], v: number[], scale: number): number[] {
  const out = new Array<number>(p.batch * p.heads * p.lq * p.dv).fill(0);
  for (let h = 0; h < p.batch * p.heads; h++) {
    const b = Math.floor(h / p.heads);
    for (let i = 0; i < p.lq; i++) {
      const limit = limitOf(p, b, i);
      const s: number[] = [];
      for (let j = 0; j < limit; j++) {
        let dot = 0;
        for (let c = 0; c < p.d; c++) dot += q[(h * p.lq + i) * p.d + c]! * k[(h * p.lk + j) * p.d + c]!;
        s.push(scale * dot);
      }
      const m = Math.max(...s);
      const e = s.map((x) => Math.exp(x - m));
      const z = e.reduce((x, y) => x + y, 0);
      for (let j = 0; j < limit; j++) {
        for (let c = 0; c < p.dv; c++)
          out[(h * p.lq + i) * p.dv + c]! += (e[j]! / z) * v[(h * p.lk + j) * p.dv + c]!;
      }
    }
  }
  return out;
}

function inputs(p: Problem, seed: number) {
  const q = values(p.batch * p.heads * p.lq * p.d, seed);
  const k = values(p.batch * p.heads * p.lk * p.d, seed + 1);
  const v = values(p.batch * p.heads * p.lk * p.dv, seed + 2);
  const make = (data: number[], n: number, depth: number) =>
    tensor(new Float32Array(data), { shape: [p.batch, p.heads, n, depth], requiresGrad: true });
  const tq = make(q, p.lq, p.d);
  const tk = make(k, p.lk, p.d);
  const tv = make(v, p.lk, p.dv);
  // The reference reads the float32-rounded inputs.
  const f = (t: Tensor) => Array.from(t.toTypedArray());
  return { tq, tk, tv, q: f(tq), k: f(tk), v: f(tv) };
}

function options(p: Problem) {
  return { isCausal: p.isCausal, ...(p.lens === null ? {} : { validLens: p.lens }) };
}

function expectMatchesReference(p: Problem, seed: number, tolerance = 2e-6): void {
  const { tq, tk, tv, q, k, v } = inputs(p, seed);
  const out = fusedAttention(tq, tk, tv, options(p));
  expect(out.shape).toEqual([p.batch, p.heads, p.lq, p.dv]);
  expect(maxAbsDiff(out.toTypedArray(), reference(p, q, k, v, 1 / Math.sqrt(p.d)))).toBeLessThanOrEqual(
    tolerance,
  );
}

/**
 * Gradients of L = Σ out·R through fusedAttention against autograd of the materialised float64
 * path softmax(scale·QKᵀ + bias)·V, with bias −∞ on masked keys (every row must see a key).
 */
function expectGradientsMatch(p: Problem, seed: number, tolerance: number): void {
  const { tq, tk, tv } = inputs(p, seed);
  const r = tensor(new Float64Array(values(p.batch * p.heads * p.lq * p.dv, seed + 3)), {
    shape: [p.batch, p.heads, p.lq, p.dv],
  });
  sum(mul(cast(fusedAttention(tq, tk, tv, options(p)), 'float64'), r)).backward();
  const bias = new Float64Array(p.batch * p.heads * p.lq * p.lk);
  for (let h = 0; h < p.batch * p.heads; h++) {
    for (let i = 0; i < p.lq; i++) {
      const limit = limitOf(p, Math.floor(h / p.heads), i);
      for (let j = limit; j < p.lk; j++) bias[(h * p.lq + i) * p.lk + j] = Number.NEGATIVE_INFINITY;
    }
  }
  const leaf = (t: Tensor) =>
    tensor(new Float64Array(t.toTypedArray()), { shape: t.shape, requiresGrad: true });
  const [q64, k64, v64] = [leaf(tq), leaf(tk), leaf(tv)];
  const scores = add(
    mul(matmul(q64, transpose(k64)), 1 / Math.sqrt(p.d)),
    tensor(bias, { shape: [p.batch, p.heads, p.lq, p.lk] }),
  );
  sum(mul(matmul(softmax(scores), v64), r)).backward();
  for (const [ours, theirs] of [
    [tq, q64],
    [tk, k64],
    [tv, v64],
  ] as const) {
    expect(maxAbsDiff(ours.grad!.toTypedArray(), theirs.grad!.toTypedArray())).toBeLessThanOrEqual(tolerance);
  }
}

const base: Problem = { batch: 1, heads: 1, lq: 2, lk: 3, d: 2, dv: 2, isCausal: false, lens: null };

describe('fusedAttention', () => {
  it('computes softmax(QKᵀ/√d)·V for a hand-checked example', () => {
    // q·k = [1, 0, 1] for query 0 (scale 1/√2): weights ∝ [e^(1/√2), 1, e^(1/√2)].
    const q = tensor([[[1, 0]]], { dtype: 'float32' });
    const k = tensor(
      [
        [
          [1, 0],
          [0, 1],
          [1, 0],
        ],
      ],
      { dtype: 'float32' },
    );
    const v = tensor(
      [
        [
          [1, 2],
          [3, 4],
          [5, 6],
        ],
      ],
      { dtype: 'float32' },
    );
    const e = Math.exp(1 / Math.sqrt(2));
    const w = [e, 1, e].map((x) => x / (2 * e + 1));
    const out = fusedAttention(q, k, v).toTypedArray();
    expect(out[0]).toBeCloseTo(w[0]! * 1 + w[1]! * 3 + w[2]! * 5, 6);
    expect(out[1]).toBeCloseTo(w[0]! * 2 + w[1]! * 4 + w[2]! * 6, 6);
  });

  it('matches the materialised attention across several query and key tiles', () => {
    expectMatchesReference({ ...base, batch: 2, heads: 2, lq: 150, lk: 300, d: 16, dv: 8 }, 1);
    expectMatchesReference(
      { ...base, batch: 2, heads: 2, lq: 150, lk: 300, d: 16, dv: 8, lens: [300, 97] },
      2,
    );
  });

  it('applies a bottom-right causal mask and skips masked tiles', () => {
    expectMatchesReference({ ...base, batch: 1, heads: 3, lq: 200, lk: 200, d: 8, dv: 8, isCausal: true }, 3);
    expectMatchesReference(
      { ...base, batch: 2, heads: 1, lq: 70, lk: 260, d: 8, dv: 4, isCausal: true, lens: [260, 5] },
      4,
    );
  });

  it('pads depths and lengths that are not multiples of the SIMD tiles', () => {
    // d, dv not multiples of 8; lq not a multiple of 4, lk not of 8; several 64-row/64-key tiles.
    expectMatchesReference(
      { ...base, batch: 2, heads: 1, lq: 67, lk: 131, d: 13, dv: 5, lens: [131, 70] },
      11,
    );
    expectMatchesReference(
      { ...base, batch: 1, heads: 2, lq: 131, lk: 67, d: 64, dv: 9, isCausal: true },
      12,
    );
    // Depths beyond 256 (operands laid out in JavaScript rather than by the module's pack).
    expectMatchesReference({ ...base, batch: 1, heads: 2, lq: 5, lk: 70, d: 260, dv: 257, lens: [66] }, 16);
  });

  it('gives the same results through the JavaScript backend (its tile loop and products)', () => {
    const before = getBackend();
    setBackend('js');
    try {
      expect(getBackend().name).toBe('js');
      expectMatchesReference(
        { ...base, batch: 1, heads: 2, lq: 70, lk: 140, d: 12, dv: 6, isCausal: true },
        13,
      );
      expectGradientsMatch({ ...base, batch: 1, heads: 1, lq: 9, lk: 70, d: 5, dv: 3, lens: [66] }, 14, 1e-5);
    } finally {
      setBackend(before);
    }
  });

  it('gives zero outputs and zero gradients (no NaN) to queries that see no key', () => {
    const p: Problem = { ...base, batch: 2, heads: 2, lq: 3, lk: 4, d: 2, dv: 3, lens: [0, 2] };
    const { tq, tk, tv } = inputs(p, 5);
    const out = fusedAttention(tq, tk, tv, { validLens: [0, 2] });
    expect(Array.from(out.toTypedArray().subarray(0, 2 * 3 * 3))).toEqual(new Array(18).fill(0));
    sum(out).backward();
    for (const t of [tq, tk, tv]) expect(t.grad!.toTypedArray().every((x) => Number.isFinite(x))).toBe(true);
    expect(maxAbsDiff(tq.grad!.toTypedArray().subarray(0, 2 * 3 * 2), new Float32Array(12))).toBe(0);
    // Causal with more queries than keys: the first rows see nothing.
    const ones = (n: number) => tensor(new Float32Array(n * 2).fill(1), { shape: [1, n, 2] });
    const c = fusedAttention(ones(5), ones(2), ones(2), { isCausal: true });
    expect(Array.from(c.toTypedArray())).toEqual([0, 0, 0, 0, 0, 0, 1, 1, 1, 1]);
  });

  it('takes per-query validLens (batch, queries) and a custom scale', () => {
    const p: Problem = { ...base, batch: 2, heads: 1, lq: 2, lk: 3, d: 2, dv: 2 };
    const { tq, tk, tv, q, k, v } = inputs(p, 6);
    const out = fusedAttention(tq, tk, tv, {
      validLens: tensor(
        [
          [1, 3],
          [2, 2],
        ],
        { dtype: 'int32' },
      ),
      scale: 0.5,
    });
    // Per query the limits are (1, 3) and (2, 2): compare row by row with the reference.
    const rows = [
      [0, 0, 1],
      [0, 1, 3],
      [1, 0, 2],
      [1, 1, 2],
    ];
    for (const [b, i, len] of rows) {
      const ref = reference({ ...p, lens: [len!, len!] }, q, k, v, 0.5);
      const at = (b! * 2 + i!) * 2;
      expect(maxAbsDiff(out.toTypedArray().subarray(at, at + 2), ref.slice(at, at + 2))).toBeLessThanOrEqual(
        1e-6,
      );
    }
  });

  it('matches the materialised attention for any small shape, mask and valid lengths', () => {
    fc.assert(
      fc.property(
        fc.record({
          batch: fc.integer({ min: 1, max: 3 }),
          heads: fc.integer({ min: 1, max: 3 }),
          lq: fc.integer({ min: 1, max: 6 }),
          lk: fc.integer({ min: 1, max: 6 }),
          d: fc.integer({ min: 1, max: 6 }),
          dv: fc.integer({ min: 1, max: 6 }),
          isCausal: fc.boolean(),
          lens: fc.option(fc.array(fc.nat(6), { minLength: 3, maxLength: 3 })),
          seed: fc.nat(1000),
        }),
        ({ seed, lens, ...rest }) => {
          const p: Problem = {
            ...rest,
            lens: lens === null ? null : lens.slice(0, rest.batch).map((x) => Math.min(x, rest.lk)),
          };
          expectMatchesReference(p, seed);
        },
      ),
    );
  });

  it('has the gradients of the materialised attention', () => {
    expectGradientsMatch({ ...base, batch: 2, heads: 2, lq: 5, lk: 6, d: 3, dv: 4, lens: [6, 2] }, 7, 1e-5);
    expectGradientsMatch({ ...base, batch: 1, heads: 2, lq: 6, lk: 6, d: 4, dv: 3, isCausal: true }, 8, 1e-5);
  });

  it('has the gradients of the materialised attention across tiles', () => {
    expectGradientsMatch(
      { ...base, batch: 1, heads: 2, lq: 140, lk: 260, d: 8, dv: 8, isCausal: true, lens: [200] },
      9,
      1e-4,
    );
  });

  it('has the gradients of the materialised attention for unpadded depths across tiles', () => {
    expectGradientsMatch(
      { ...base, batch: 2, heads: 1, lq: 67, lk: 131, d: 13, dv: 5, isCausal: true, lens: [131, 90] },
      15,
      1e-4,
    );
    expectGradientsMatch(
      { ...base, batch: 1, heads: 1, lq: 6, lk: 9, d: 260, dv: 257, isCausal: true },
      17,
      1e-5,
    );
  });

  it('gives head-split views (batch, heads, n, d) of (batch, n, heads·d) exactly the results of their copies, values and gradients', () => {
    // MultiHeadAttention's layout, merged back as it does or read per head, on either backend.
    const before = getBackend();
    try {
      for (const name of ['wasm', 'js'] as const) {
        setBackend(name);
        fc.assert(
          fc.property(
            fc.record({
              batch: fc.integer({ min: 1, max: 2 }),
              heads: fc.integer({ min: 2, max: 3 }),
              lq: fc.integer({ min: 2, max: 9 }),
              d: fc.integer({ min: 1, max: 6 }),
              dv: fc.integer({ min: 1, max: 6 }),
              isCausal: fc.boolean(),
              split: fc.array(fc.boolean(), { minLength: 4, maxLength: 4 }),
              seed: fc.integer({ min: 0, max: 1000 }),
            }),
            ({ batch, heads, lq, d, dv, isCausal, split, seed }) => {
              const leaves = [d, d, dv].map((depth, i) =>
                tensor(values(batch * lq * heads * depth, seed + i), {
                  shape: [batch, lq, heads * depth],
                  requiresGrad: true,
                }),
              );
              const upstream = values(batch * heads * lq * dv, seed + 7);
              const run = (copy: boolean) => {
                for (const leaf of leaves) leaf.grad = null;
                const [q, k, v] = leaves.map((leaf, i) => {
                  const depth = leaf.shape[2]! / heads;
                  const view = permute(reshape(leaf, [batch, lq, heads, depth]), [0, 2, 1, 3]);
                  return copy || !split[i] ? view.contiguous() : view;
                }) as [Tensor, Tensor, Tensor];
                const out = fusedAttention(q, k, v, { isCausal });
                // Merged as MultiHeadAttention does, or read per head, with a weighted sum as the loss.
                const merged = split[3] ? reshape(permute(out, [0, 2, 1, 3]), [batch, lq, heads * dv]) : out;
                const w = tensor(upstream, { shape: merged.shape });
                sum(mul(merged, w)).backward();
                return [out, ...leaves.map((leaf) => leaf.grad!)].map((t) => Array.from(t.toTypedArray()));
              };
              expect(run(false)).toEqual(run(true));
            },
          ),
          { numRuns: 25 },
        );
      }
    } finally {
      setBackend(before);
    }
  });

  it('reads q, k and v split from one fused projection (views of one buffer) exactly as their copies', () => {
    // A fused QKV projection (batch, n, 3·heads·d): the WebAssembly kernels stage the shared buffer
    // once for all three operands and all (batch·heads) problems.
    fc.assert(
      fc.property(
        fc.record({
          batch: fc.integer({ min: 1, max: 3 }),
          heads: fc.integer({ min: 1, max: 4 }),
          n: fc.integer({ min: 1, max: 20 }),
          d: fc.integer({ min: 1, max: 9 }),
          isCausal: fc.boolean(),
          seed: fc.integer({ min: 0, max: 1000 }),
        }),
        ({ batch, heads, n, d, isCausal, seed }) => {
          const qkv = tensor(values(batch * n * 3 * heads * d, seed), {
            shape: [batch, n, 3 * heads * d],
            requiresGrad: true,
          });
          const upstream = values(batch * heads * n * d, seed + 7);
          const run = (copy: boolean) => {
            qkv.grad = null;
            const [q, k, v] = chunk(qkv, 3, 2).map((part) => {
              const view = permute(reshape(part, [batch, n, heads, d]), [0, 2, 1, 3]);
              return copy ? view.contiguous() : view;
            }) as [Tensor, Tensor, Tensor];
            const out = fusedAttention(q, k, v, { isCausal });
            sum(mul(out, tensor(upstream, { shape: out.shape }))).backward();
            return [out, qkv.grad!].map((t) => Array.from(t.toTypedArray()));
          };
          expect(run(false)).toEqual(run(true));
        },
      ),
      { numRuns: 25 },
    );
  });

  it('stores the output and the gradients of head-split views in their (batch, n, heads, ·) order, so merging heads needs no copy', () => {
    const [batch, n, heads, d] = [2, 5, 3, 4];
    const leaves = [0, 1, 2].map((i) =>
      tensor(values(batch * n * heads * d, 40 + i), { shape: [batch, n, heads * d], requiresGrad: true }),
    );
    const [q, k, v] = leaves.map((leaf) => permute(reshape(leaf, [batch, n, heads, d]), [0, 2, 1, 3])) as [
      Tensor,
      Tensor,
      Tensor,
    ];
    const out = fusedAttention(q, k, v, { isCausal: true });
    expect(out.shape).toEqual([batch, heads, n, d]);
    expect(out.isContiguous()).toBe(false);
    expect(permute(out, [0, 2, 1, 3]).isContiguous()).toBe(true);
    // A contiguous (batch, heads, n, d) input keeps the row-major output.
    expect(fusedAttention(q.contiguous(), k, v).isContiguous()).toBe(true);
    // The op's backward gives dq, dk, dv in the same order (the split's backward then reshapes for free).
    const g = permute(reshape(tensor(values(batch * n * heads * d, 50)), [batch, n, heads, d]), [0, 2, 1, 3]);
    const grads = out._node!.backward(g) as Tensor[];
    for (const grad of grads) expect(permute(grad, [0, 2, 1, 3]).isContiguous()).toBe(true);
    sum(out).backward();
    for (const leaf of leaves) expect(leaf.grad?.shape).toEqual([batch, n, heads * d]);
  });

  it('throws ShapeError for an input with fewer than 2 axes', () => {
    const x = tensor([1, 2], { dtype: 'float32' });
    const m = tensor([[1, 2]], { dtype: 'float32' });
    expect(() => fusedAttention(x, m, m)).toThrow(ShapeError);
    expect(() => fusedAttention(x, m, m)).toThrow(
      'fusedAttention: queries must have shape (..., n, d) with at least 2 axes; got (2).',
    );
  });

  it('throws ShapeError when the leading axes differ', () => {
    const q = tensor(new Float32Array(8), { shape: [2, 2, 2] });
    const k = tensor(new Float32Array(4), { shape: [1, 2, 2] });
    expect(() => fusedAttention(q, k, q)).toThrow(
      'fusedAttention: keys must have shape (2, n, d) like queries; got (1, 2, 2).',
    );
  });

  it('throws ShapeError naming both shapes when depths or key counts differ', () => {
    const q = tensor(new Float32Array(6), { shape: [1, 2, 3] });
    const k = tensor(new Float32Array(4), { shape: [1, 2, 2] });
    const v = tensor(new Float32Array(6), { shape: [1, 3, 2] });
    expect(() => fusedAttention(q, k, k)).toThrow(
      'fusedAttention: queries (1, 2, 3) and keys (1, 2, 2) have different depths (3 vs 2).',
    );
    expect(() => fusedAttention(k, k, v)).toThrow(
      'fusedAttention: keys (1, 2, 2) and values (1, 3, 2) have different key counts (2 vs 3).',
    );
  });

  it('throws ShapeError for validLens of the wrong shape or without a batch axis', () => {
    const q = tensor(new Float32Array(8), { shape: [2, 2, 2] });
    expect(() => fusedAttention(q, q, q, { validLens: [1, 2, 2] })).toThrow(
      'fusedAttention: validLens must have shape (batch) = (2) or (batch, queries) = (2, 2); got (3).',
    );
    const m = tensor(new Float32Array(4), { shape: [2, 2] });
    expect(() => fusedAttention(m, m, m, { validLens: [1] })).toThrow(ShapeError);
  });

  it('throws InvalidArgumentError for a non-float32 input', () => {
    const q = tensor([[1, 2]], { dtype: 'float64' });
    expect(() => fusedAttention(q, q, q)).toThrow(InvalidArgumentError);
    expect(() => fusedAttention(q, q, q)).toThrow(
      'fusedAttention: queries must have dtype float32; got float64.',
    );
  });

  it('throws InvalidArgumentError for a non-finite scale', () => {
    const q = tensor([[1, 2]], { dtype: 'float32' });
    expect(() => fusedAttention(q, q, q, { scale: Number.NaN })).toThrow(InvalidArgumentError);
  });

  it('throws InvalidArgumentError for a valid length outside [0, keys] or fractional', () => {
    const q = tensor(new Float32Array(8), { shape: [2, 2, 2] });
    expect(() => fusedAttention(q, q, q, { validLens: [1, 3] })).toThrow(
      'fusedAttention: validLens must hold integers in [0, keys = 2]; got 3 at flat index 1.',
    );
    expect(() => fusedAttention(q, q, q, { validLens: [1.5, 1] })).toThrow(InvalidArgumentError);
  });
});
