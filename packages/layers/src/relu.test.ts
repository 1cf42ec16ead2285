import { sum, tensor } from '@attnkit/tensor';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ReLU } from './relu.js';

describe('ReLU', () => {
  it('zeroes negative entries and keeps the rest', () => {
    expect(
      new ReLU()
        .forward(
          tensor([
            [-1, 0],
            [2, -3.5],
          ]),
        )
        .toArray(),
    ).toEqual([
      [0, 0],
      [2, 0],
    ]);
  });

  it('has no parameters and no state', () => {
    const layer = new ReLU();
    expect(layer.parameters()).toEqual([]);
    expect(layer.stateDict()).toEqual({});
  });

  it('matches max(x, 0) elementwise', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: -50, max: 50 }), { minLength: 1, maxLength: 6 }), (values) => {
        const out = new ReLU().forward(tensor(values)).toArray() as number[];
        values.forEach((v, i) => {
          expect(out[i]).toBe(Math.max(v, 0));
        });
      }),
    );
  });

  it('passes the gradient where x > 0 and blocks it where x < 0', () => {
    const x = tensor([-2, 3, -0.5, 1], { requiresGrad: true });
    sum(new ReLU().forward(x)).backward();
    expect(x.grad?.toArray()).toEqual([0, 1, 0, 1]);
  });
});
