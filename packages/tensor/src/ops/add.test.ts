import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ShapeError } from '../errors.js';
import { add } from './add.js';
import { tensor } from './creation.js';
import { sum } from './sum.js';

describe('add', () => {
  it('adds with broadcasting like PyTorch', () => {
    const out = add(tensor([[1], [2]]), tensor([10, 20, 30]));
    expect(out.shape).toEqual([2, 3]);
    expect(out.toArray()).toEqual([
      [11, 21, 31],
      [12, 22, 32],
    ]);
  });

  it('promotes int32 + float32 to float32 and keeps int32 + int', () => {
    expect(add(tensor([1, 2], { dtype: 'int32' }), 0.5).dtype).toBe('float32');
    expect(add(tensor([1, 2], { dtype: 'int32' }), 3).dtype).toBe('int32');
  });

  it('matches an explicit loop over broadcast indices', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 4 }),
        fc.integer({ min: 1, max: 4 }),
        fc.array(fc.integer({ min: -100, max: 100 }), { minLength: 16, maxLength: 16 }),
        (r, c, vals) => {
          const a = tensor(vals.slice(0, r), { shape: [r, 1] });
          const b = tensor(vals.slice(0, c), { shape: [c] });
          const out = add(a, b).toArray() as number[][];
          for (let i = 0; i < r; i++)
            for (let j = 0; j < c; j++) expect(out[i]![j]).toBeCloseTo(vals[i]! + vals[j]!, 5);
        },
      ),
    );
  });

  it('sums gradients back over broadcast axes', () => {
    const a = tensor([[1], [2]], { requiresGrad: true });
    const b = tensor([10, 20, 30], { requiresGrad: true });
    sum(add(a, b)).backward();
    expect(a.grad?.toArray()).toEqual([[3], [3]]);
    expect(b.grad?.toArray()).toEqual([2, 2, 2]);
  });

  it('throws ShapeError naming both shapes when they do not broadcast', () => {
    expect(() => add(tensor([1, 2]), tensor([1, 2, 3]))).toThrow(ShapeError);
    expect(() => add(tensor([1, 2]), tensor([1, 2, 3]))).toThrow(/\(2\) and b \(3\)/);
  });
});
