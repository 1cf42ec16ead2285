import {
  broadcastTo,
  Generator,
  InvalidArgumentError,
  mul,
  ShapeError,
  sum,
  type Tensor,
  tensor,
} from '@attnkit/tensor';
import { checkGradients, checkParameterGradients, expectClose } from '@attnkit/testing';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { flat } from '../test/helpers.js';
import { NWKernelRegression } from './nw-kernel-regression.js';

/** D2L's weights softmax_j(−((q_i − k_ij)·w)²/2) by loops; keys per query, flat (queries, keys). */
function referenceWeights(q: readonly number[], k: readonly number[], w: number): number[] {
  const m = k.length / q.length;
  return q.flatMap((qi, i) => {
    const s = k.slice(i * m, (i + 1) * m).map((kj) => -(((qi - kj) * w) ** 2) / 2);
    const top = Math.max(...s);
    const e = s.map((x) => Math.exp(x - top));
    const total = e.reduce((a, b) => a + b, 0);
    return e.map((x) => x / total);
  });
}

const f64 = (data: number[] | number[][] | number[][][], requiresGrad = false): Tensor =>
  tensor(data, { dtype: 'float64', requiresGrad });

describe('NWKernelRegression', () => {
  // --- examples -----------------------------------------------------------------------------
  it('has one parameter w of shape (1) under the state key w, drawn from U[0, 1) by default', () => {
    const net = new NWKernelRegression({ rng: new Generator(3) });
    expect(Object.keys(net.stateDict())).toEqual(['w']);
    expect(net.w.shape).toEqual([1]);
    expect(net.w.item()).toBeGreaterThanOrEqual(0);
    expect(net.w.item()).toBeLessThan(1);
    expect(new NWKernelRegression({ rng: new Generator(3) }).w.item()).toBe(net.w.item());
    expect(new NWKernelRegression({ w: 2.5 }).w.item()).toBe(2.5);
  });

  it("matches D2L's weights with per-query keys (queries, keys) and keeps them", () => {
    const net = new NWKernelRegression({ w: 1.5, dtype: 'float64' });
    expect(net.attentionWeights).toBeNull();
    const q = [0.5, 2];
    const k = [0, 1, 3, 1, 2, 2.5];
    const v = [1, 2, 3, 4, 5, 6];
    const out = net.forward(f64(q), f64([k.slice(0, 3), k.slice(3)]), f64([v.slice(0, 3), v.slice(3)]));
    const w = referenceWeights(q, k, 1.5);
    expectClose(flat(net.attentionWeights as Tensor), w, { atol: 1e-12, rtol: 0 });
    const expected = [0, 1].map((i) => [0, 1, 2].reduce((s, j) => s + w[i * 3 + j]! * v[i * 3 + j]!, 0));
    expect(out.shape).toEqual([2]);
    expectClose(flat(out), expected, { atol: 1e-12, rtol: 0 });
  });

  it('takes keys (keys) shared by every query, like repeating them per query', () => {
    const net = new NWKernelRegression({ w: 0.8 });
    const q = tensor([0.2, 1.7, 3]);
    const k = tensor([0, 1, 2, 4]);
    const v = tensor([1, -1, 2, 0.5]);
    const shared = net.forward(q, k, v);
    const repeated = net.forward(q, broadcastTo(k, [3, 4]), broadcastTo(v, [3, 4]));
    expect(shared.shape).toEqual([3]);
    expectClose(flat(shared), flat(repeated), { atol: 1e-6, rtol: 0 });
    const w = referenceWeights([0.2, 1.7, 3], [0, 1, 2, 4, 0, 1, 2, 4, 0, 1, 2, 4], 0.8);
    expectClose(flat(net.attentionWeights as Tensor), w, { atol: 1e-6, rtol: 0 });
  });

  it('pools vector values (keys, v) and (queries, keys, v) into (queries, v)', () => {
    const net = new NWKernelRegression({ w: 1, dtype: 'float64' });
    const out = net.forward(
      f64([0, 1]),
      f64([0, 1]),
      f64([
        [1, 10],
        [2, 20],
      ]),
    );
    const w = referenceWeights([0, 1], [0, 1, 0, 1], 1);
    expect(out.shape).toEqual([2, 2]);
    expectClose(
      flat(out),
      [w[0]! + 2 * w[1]!, 10 * w[0]! + 20 * w[1]!, w[2]! + 2 * w[3]!, 10 * w[2]! + 20 * w[3]!],
      { atol: 1e-12, rtol: 0 },
    );
    const perQuery = net.forward(
      f64([0, 1]),
      f64([
        [0, 1],
        [0, 1],
      ]),
      f64([
        [
          [1, 10],
          [2, 20],
        ],
        [
          [1, 10],
          [2, 20],
        ],
      ]),
    );
    expectClose(flat(perQuery), flat(out), { atol: 1e-12, rtol: 0 });
  });

  // --- properties ---------------------------------------------------------------------------
  it('predicts a convex combination of each query’s values that matches an explicit loop', () => {
    const cases = fc
      .record({ n: fc.integer({ min: 1, max: 5 }), m: fc.integer({ min: 1, max: 6 }) })
      .chain(({ n, m }) => {
        const xs = (len: number) =>
          fc.array(fc.double({ min: -3, max: 3, noNaN: true }), { minLength: len, maxLength: len });
        return fc.record({
          q: xs(n),
          k: xs(n * m),
          v: xs(n * m),
          w: fc.double({ min: -4, max: 4, noNaN: true }),
        });
      });
    fc.assert(
      fc.property(cases, ({ q, k, v, w }) => {
        const m = k.length / q.length;
        const net = new NWKernelRegression({ w, dtype: 'float64' });
        const shape = [q.length, m];
        const out = flat(
          net.forward(f64(q), tensor(k, { shape, dtype: 'float64' }), tensor(v, { shape, dtype: 'float64' })),
        );
        const weights = referenceWeights(q, k, w);
        q.forEach((_, i) => {
          const row = v.slice(i * m, (i + 1) * m);
          const expected = row.reduce((s, x, j) => s + weights[i * m + j]! * x, 0);
          expect(Math.abs(out[i]! - expected)).toBeLessThan(1e-9);
          expect(out[i]!).toBeGreaterThanOrEqual(Math.min(...row) - 1e-9);
          expect(out[i]!).toBeLessThanOrEqual(Math.max(...row) + 1e-9);
        });
      }),
    );
  });

  // --- gradients ----------------------------------------------------------------------------
  it('has gradients in queries, keys, values and w that match finite differences', () => {
    const net = new NWKernelRegression({ w: 1.3, dtype: 'float64' });
    const q = f64([0.1, 1.4, 2.2], true);
    const k = f64(
      [
        [0.4, 1.2, 2.5],
        [0, 1, 2],
        [3, 2, 1.5],
      ],
      true,
    );
    const v = f64(
      [
        [1, -1, 2],
        [0.5, 2, 1],
        [3, 0, -2],
      ],
      true,
    );
    checkGradients((a, b, c) => net.forward(a, b, c), [q, k, v]);
    const shared = f64([0.4, 1.2, 2.5, 3.1], true);
    checkGradients(
      (a, b, c) => net.forward(a, b, c),
      [
        q,
        shared,
        f64(
          [
            [1, 2],
            [0, 1],
            [2, 2],
            [-1, 0],
          ],
          true,
        ),
      ],
    );
    const r = f64([0.7, -1.2, 0.4]);
    checkParameterGradients(net, () => sum(mul(net.forward(q, k, v), r)), { atol: 1e-6, rtol: 1e-4 });
  });

  // --- errors -------------------------------------------------------------------------------
  it('throws ShapeError when queries, keys or values have the wrong shape', () => {
    const net = new NWKernelRegression({ w: 1 });
    const q = tensor([0, 1]);
    const k = tensor([
      [0, 1, 2],
      [1, 2, 3],
    ]);
    expect(() => net.forward(tensor([[0, 1]]), k, k)).toThrow(/queries must have shape \(queries\)/);
    expect(() => net.forward(q, tensor([[0, 1, 2]]), k)).toThrow(
      /keys must have shape \(2, keys\) or \(keys\)/,
    );
    expect(() =>
      net.forward(
        q,
        k,
        tensor([
          [1, 2],
          [3, 4],
        ]),
      ),
    ).toThrow(/values must have shape \(2, 3\) or \(2, 3, v\)/);
    expect(() => net.forward(q, tensor([0, 1, 2]), tensor([[1, 2, 3]]))).toThrow(ShapeError);
  });

  it('throws InvalidArgumentError for a non-finite w or a non-float dtype', () => {
    expect(() => new NWKernelRegression({ w: Number.NaN })).toThrow(InvalidArgumentError);
    expect(() => new NWKernelRegression({ w: Number.POSITIVE_INFINITY })).toThrow(
      /w must be a finite number/,
    );
    expect(() => new NWKernelRegression({ dtype: 'int32' as 'float32' })).toThrow(
      /dtype must be float32 or float64/,
    );
  });
});
