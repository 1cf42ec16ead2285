import { Parameter } from '@attnkit/layers';
import { InvalidArgumentError, type Tensor, tensor } from '@attnkit/tensor';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Adam } from './adam.js';
import { AdamW } from './adam-w.js';

const param = (values: number[]): Parameter => new Parameter(tensor(values, { dtype: 'float64' }));
const values = (t: Tensor): number[] => Array.from(t.toTypedArray());

describe('AdamW', () => {
  it('defaults to weightDecay 1e-2 and otherwise Adam defaults', () => {
    const optimizer = new AdamW([param([0])]);
    expect(optimizer.weightDecay).toBeCloseTo(1e-2, 15);
    expect(optimizer.lr).toBeCloseTo(1e-3, 15);
    expect(optimizer.betas[1]).toBeCloseTo(0.999, 15);
    expect(optimizer.eps).toBeCloseTo(1e-8, 20);
    expect(optimizer.amsgrad).toBe(false);
  });

  it('shrinks p by 1 − lr·λ on a zero gradient, where Adam’s L2 takes a full lr-sized step', () => {
    const pw = param([3]);
    const wOptimizer = new AdamW([pw], { lr: 0.1, weightDecay: 0.5 });
    pw.grad = tensor([0], { dtype: 'float64' });
    wOptimizer.step();
    expect(values(pw)[0]).toBeCloseTo(3 * (1 - 0.1 * 0.5), 12);

    const pa = param([3]);
    const aOptimizer = new Adam([pa], { lr: 0.1, weightDecay: 0.5 });
    pa.grad = tensor([0], { dtype: 'float64' });
    aOptimizer.step();
    expect(values(pa)[0]).toBeCloseTo(2.9, 6);
  });

  it('decays first, then takes the Adam step: p·(1 − lr·λ) − lr·g/(|g| + eps) on step one', () => {
    fc.assert(
      fc.property(
        fc.double({ min: -5, max: 5, noNaN: true }),
        fc.double({ min: -5, max: 5, noNaN: true }),
        fc.double({ min: 0, max: 0.5, noNaN: true }),
        (x, g, weightDecay) => {
          const p = param([x]);
          const optimizer = new AdamW([p], { lr: 0.05, weightDecay, eps: 0.01 });
          p.grad = tensor([g], { dtype: 'float64' });
          optimizer.step();
          expect(values(p)[0]).toBeCloseTo(
            x * (1 - 0.05 * weightDecay) - (0.05 * g) / (Math.abs(g) + 0.01),
            10,
          );
        },
      ),
    );
  });

  it('throws InvalidArgumentError for invalid options', () => {
    const p = [param([0])];
    expect(() => new AdamW(p, { weightDecay: -1 })).toThrow(
      'AdamW: weightDecay must be a finite number ≥ 0; got -1.',
    );
    expect(() => new AdamW(p, { betas: [0.9, 1] })).toThrow(InvalidArgumentError);
    expect(() => new AdamW(p, { lr: Number.NaN })).toThrow(InvalidArgumentError);
    expect(() => new AdamW(p, { eps: -1 })).toThrow(InvalidArgumentError);
    expect(() => new AdamW([], {})).toThrow(InvalidArgumentError);
  });
});
