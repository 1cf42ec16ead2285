import { InvalidArgumentError } from '@attnkit/tensor';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type AttentionInputs, attentionInputs } from './attention-inputs.js';

const view = ({ queries, keys, values }: AttentionInputs) =>
  [queries, keys, values].map((t) => ({ dtype: t.dtype, shape: t.shape, values: t.toArray() }));

describe('attentionInputs', () => {
  it('uses the given sizes: queries (batch, queries, d), keys (batch, keys, d), values (batch, keys, v)', () => {
    const [x] = fc.sample(attentionInputs({ batch: 2, queries: 1, keys: 4, d: 3, v: 5 }), 1);
    expect(x!.queries.shape).toEqual([2, 1, 3]);
    expect(x!.keys.shape).toEqual([2, 4, 3]);
    expect(x!.values.shape).toEqual([2, 4, 5]);
  });

  it('gives float64 leaves that require gradients on request', () => {
    const [x] = fc.sample(attentionInputs({ dtype: 'float64', requiresGrad: true }), 1);
    for (const t of [x!.queries, x!.keys, x!.values]) {
      expect(t.dtype).toBe('float64');
      expect(t.requiresGrad).toBe(true);
    }
  });

  it('gives the same inputs for the same seed', () => {
    const run = () => fc.sample(attentionInputs(), { seed: 42, numRuns: 20 }).map(view);
    expect(run()).toEqual(run());
  });

  it('gives consistent shapes with drawn sizes in [1, maxSide] and elements in [min, max]', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 6 }), fc.gen(), (maxSide, g) => {
        const { queries, keys, values } = g(attentionInputs, { maxSide, min: -0.5, max: 2 });
        const [b, q, d] = queries.shape as [number, number, number];
        expect(keys.shape[0]).toBe(b);
        expect(values.shape[0]).toBe(b);
        expect(keys.shape[2]).toBe(d);
        expect(values.shape[1]).toBe(keys.shape[1]);
        for (const size of [b, q, d, keys.shape[1]!, values.shape[2]!]) {
          expect(size).toBeGreaterThanOrEqual(1);
          expect(size).toBeLessThanOrEqual(maxSide);
        }
        for (const t of [queries, keys, values]) {
          expect(t.dtype).toBe('float32');
          expect(Array.from(t.toTypedArray()).every((x) => x >= -0.5 && x <= 2)).toBe(true);
        }
      }),
    );
  });

  it('shrinks drawn sizes to 1 and elements to 0, keeping given sizes', () => {
    const ce = fc.check(
      fc.property(attentionInputs({ d: 2 }), (_inputs: AttentionInputs) => false),
    ).counterexample;
    expect(view(ce![0])).toEqual([
      { dtype: 'float32', shape: [1, 1, 2], values: [[[0, 0]]] },
      { dtype: 'float32', shape: [1, 1, 2], values: [[[0, 0]]] },
      { dtype: 'float32', shape: [1, 1, 1], values: [[[0]]] },
    ]);
  });

  it('shrinks a failure in one tensor to size-1 inputs that keep the failing element', () => {
    const ce = fc.check(
      fc.property(attentionInputs({ maxSide: 4 }), ({ queries }) =>
        Array.from(queries.toTypedArray()).every((x) => x < 0.5),
      ),
    ).counterexample;
    const [queries, keys, values] = view(ce![0]);
    expect([queries!.shape, keys!.shape, values!.shape]).toEqual([
      [1, 1, 1],
      [1, 1, 1],
      [1, 1, 1],
    ]);
    expect((queries!.values as number[][][])[0]![0]![0]).toBeCloseTo(0.5, 5);
    expect([keys!.values, values!.values]).toEqual([[[[0]]], [[[0]]]]);
  });

  it('throws InvalidArgumentError when a size or maxSide is invalid', () => {
    expect(() => attentionInputs({ maxSide: 0 })).toThrow(
      /attentionInputs: maxSide must be an integer ≥ 1; got 0/,
    );
    expect(() => attentionInputs({ keys: -1 })).toThrow(InvalidArgumentError);
    expect(() => attentionInputs({ d: 1.5 })).toThrow(/d must be an integer ≥ 0; got 1.5/);
  });

  it('throws InvalidArgumentError when the element bounds are invalid', () => {
    expect(() => attentionInputs({ min: 1, max: -1 })).toThrow(/attentionInputs: min must be ≤ max/);
  });
});
