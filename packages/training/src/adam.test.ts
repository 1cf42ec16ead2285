import { Parameter } from '@attnkit/layers';
import { InvalidArgumentError, type Tensor, tensor } from '@attnkit/tensor';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Adam } from './adam.js';

const param = (values: number[]): Parameter => new Parameter(tensor(values, { dtype: 'float64' }));
const values = (t: Tensor): number[] => Array.from(t.toTypedArray());

describe('Adam', () => {
  it('moves each element by lr·g/(|g| + eps) on the first step', () => {
    // m̂ = g and v̂ = g² after one step, so the update is lr·g/(|g| + eps) whatever the betas.
    const p = param([1, 1, 1]);
    const optimizer = new Adam([p], { lr: 0.1, eps: 0.5 });
    p.grad = tensor([2, -0.5, 0], { dtype: 'float64' });
    optimizer.step();
    const out = values(p);
    expect(out[0]).toBeCloseTo(1 - (0.1 * 2) / 2.5, 12);
    expect(out[1]).toBeCloseTo(1 + (0.1 * 0.5) / 1, 12);
    expect(out[2]).toBeCloseTo(1, 12);
  });

  it('has PyTorch defaults: lr 1e-3, betas [0.9, 0.999], eps 1e-8, no weight decay, no AMSGrad', () => {
    const optimizer = new Adam([param([0])]);
    expect(optimizer.lr).toBeCloseTo(1e-3, 15);
    expect(optimizer.betas[0]).toBeCloseTo(0.9, 15);
    expect(optimizer.betas[1]).toBeCloseTo(0.999, 15);
    expect(optimizer.eps).toBeCloseTo(1e-8, 20);
    expect(optimizer.weightDecay).toBe(0);
    expect(optimizer.amsgrad).toBe(false);
  });

  it('adds weightDecay·p to the gradient (L2), so a zero gradient still moves p', () => {
    const p = param([3]);
    const optimizer = new Adam([p], { lr: 0.1, weightDecay: 0.5 });
    p.grad = tensor([0], { dtype: 'float64' });
    optimizer.step(); // g = 1.5: first step moves by lr·sign
    expect(values(p)[0]).toBeCloseTo(3 - 0.1 * (1.5 / (1.5 + 1e-8)), 12);
  });

  it('follows plain Adam under AMSGrad while v grows and departs from it once v shrinks', () => {
    const run = (amsgrad: boolean, gs: number[]): number => {
      const p = param([0]);
      const optimizer = new Adam([p], { lr: 0.1, betas: [0.9, 0.5], amsgrad });
      for (const g of gs) {
        p.grad = tensor([g], { dtype: 'float64' });
        optimizer.step();
      }
      return values(p)[0]!;
    };
    const growing = [1, 2, 4, 8];
    expect(run(true, growing)).toBeCloseTo(run(false, growing), 14);
    const shrinking = [8, 4, 2, 1];
    expect(Math.abs(run(true, shrinking) - run(false, shrinking))).toBeGreaterThan(1e-3);
  });

  it('moves by at most lr·(1 − β1)/√(1 − β2) per step (the step bound of Kingma & Ba §2.1)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: -100, max: 100, noNaN: true }), { minLength: 1, maxLength: 6 }),
        (gs) => {
          const p = param([0]);
          const optimizer = new Adam([p], { lr: 0.01 });
          let before = 0;
          for (const g of gs) {
            p.grad = tensor([g], { dtype: 'float64' });
            optimizer.step();
            const now = values(p)[0]!;
            // The worst case when (1 − β1) > √(1 − β2); typical steps are about lr.
            expect(Math.abs(now - before)).toBeLessThanOrEqual((0.01 * 0.1) / Math.sqrt(0.001) + 1e-12);
            before = now;
          }
        },
      ),
    );
  });

  it('throws InvalidArgumentError for betas outside [0, 1) or not a pair', () => {
    const p = [param([0])];
    expect(() => new Adam(p, { betas: [1, 0.999] })).toThrow(
      'Adam: betas[0] must be a number in [0, 1); got 1.',
    );
    expect(() => new Adam(p, { betas: [0.9, -0.1] })).toThrow(InvalidArgumentError);
    expect(() => new Adam(p, { betas: [0.9] as unknown as [number, number] })).toThrow(
      'Adam: options.betas must be a pair [beta1, beta2]',
    );
  });

  it('throws InvalidArgumentError for a negative lr, eps or weightDecay, or a non-boolean amsgrad', () => {
    const p = [param([0])];
    expect(() => new Adam(p, { lr: -1 })).toThrow(InvalidArgumentError);
    expect(() => new Adam(p, { eps: -1e-8 })).toThrow('Adam: eps must be a finite number ≥ 0; got -1e-8.');
    expect(() => new Adam(p, { weightDecay: -0.1 })).toThrow(InvalidArgumentError);
    expect(() => new Adam(p, { amsgrad: 'yes' as unknown as boolean })).toThrow(InvalidArgumentError);
    expect(() => new Adam([], {})).toThrow(InvalidArgumentError);
  });
});
