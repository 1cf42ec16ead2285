import { Linear, Parameter } from '@attnkit/layers';
import { Generator, InvalidArgumentError, ShapeError, type Tensor, tensor } from '@attnkit/tensor';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SGD } from './sgd.js';

const param = (values: number[], dtype: 'float32' | 'float64' = 'float64'): Parameter =>
  new Parameter(tensor(values, { dtype }));
const grad = (values: number[]): Tensor => tensor(values, { dtype: 'float64' });
const values = (t: Tensor): number[] => Array.from(t.toTypedArray());

describe('SGD', () => {
  it('takes a plain gradient step p − lr·g', () => {
    const p = param([1, 2]);
    const optimizer = new SGD([p], { lr: 0.1 });
    p.grad = grad([0.5, -1]);
    optimizer.step();
    expect(values(p)[0]).toBeCloseTo(0.95, 12);
    expect(values(p)[1]).toBeCloseTo(2.1, 12);
  });

  it('uses the gradient itself as the first momentum buffer and μ·b + g after', () => {
    const p = param([1]);
    const optimizer = new SGD([p], { lr: 0.1, momentum: 0.9 });
    p.grad = grad([1]);
    optimizer.step(); // b = 1, p = 1 − 0.1
    expect(values(p)[0]).toBeCloseTo(0.9, 12);
    optimizer.step(); // b = 0.9 + 1 = 1.9, p = 0.9 − 0.19
    expect(values(p)[0]).toBeCloseTo(0.71, 12);
  });

  it('dampens the gradient in later momentum updates only', () => {
    const p = param([0]);
    const optimizer = new SGD([p], { lr: 1, momentum: 0.5, dampening: 0.5 });
    p.grad = grad([2]);
    optimizer.step(); // b = 2
    optimizer.step(); // b = 0.5·2 + 0.5·2 = 2
    expect(values(p)[0]).toBeCloseTo(-4, 12);
  });

  it('looks ahead with Nesterov momentum: d = g + μ·b', () => {
    const p = param([1]);
    const optimizer = new SGD([p], { lr: 0.1, momentum: 0.9, nesterov: true });
    p.grad = grad([1]);
    optimizer.step(); // b = 1, d = 1 + 0.9 = 1.9
    expect(values(p)[0]).toBeCloseTo(0.81, 12);
  });

  it('adds weightDecay·p to the gradient', () => {
    const p = param([2, -4]);
    const optimizer = new SGD([p], { lr: 0.5, weightDecay: 0.1 });
    p.grad = grad([0, 0]);
    optimizer.step();
    expect(values(p)[0]).toBeCloseTo(1.9, 12);
    expect(values(p)[1]).toBeCloseTo(-3.8, 12);
  });

  it('updates the parameter storage in place, so the module sees it', () => {
    const layer = new Linear({ inFeatures: 2, outFeatures: 1, rng: new Generator(0) });
    const storage = layer.weight.nd.data;
    const before = values(layer.weight);
    const optimizer = new SGD(layer.parameters(), { lr: 1 });
    layer.weight.grad = tensor([[1, 1]]);
    optimizer.step();
    expect(layer.weight.nd.data).toBe(storage);
    expect(layer.stateDict().weight!.toTypedArray()[0]).toBeCloseTo(before[0]! - 1, 6);
  });

  it('skips parameters whose grad is null', () => {
    const a = param([1]);
    const b = param([1]);
    const optimizer = new SGD([a, b], { lr: 0.1 });
    a.grad = grad([1]);
    optimizer.step();
    expect(values(a)[0]).toBeCloseTo(0.9, 12);
    expect(values(b)).toEqual([1]);
  });

  it('reports its hyperparameters', () => {
    const optimizer = new SGD([param([0])], { lr: 0.2, momentum: 0.8, nesterov: true, weightDecay: 0.01 });
    expect([
      optimizer.lr,
      optimizer.momentum,
      optimizer.dampening,
      optimizer.nesterov,
      optimizer.weightDecay,
    ]).toEqual([0.2, 0.8, 0, true, 0.01]);
  });

  it('matches p − lr·(g + λp) element by element for any values', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.tuple(
            fc.double({ min: -10, max: 10, noNaN: true }),
            fc.double({ min: -10, max: 10, noNaN: true }),
          ),
          {
            minLength: 1,
            maxLength: 6,
          },
        ),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.double({ min: 0, max: 0.5, noNaN: true }),
        (pairs, lr, weightDecay) => {
          const p = param(pairs.map(([x]) => x));
          const optimizer = new SGD([p], { lr, weightDecay });
          p.grad = grad(pairs.map(([, g]) => g));
          optimizer.step();
          values(p).forEach((v, i) => {
            const [x, g] = pairs[i]!;
            expect(v).toBeCloseTo(x - lr * (g + weightDecay * x), 10);
          });
        },
      ),
    );
  });

  it('throws InvalidArgumentError for empty, foreign or duplicate params', () => {
    expect(() => new SGD([], { lr: 0.1 })).toThrow('SGD: params must not be empty.');
    expect(() => new SGD([tensor([1]) as Parameter], { lr: 0.1 })).toThrow(InvalidArgumentError);
    const p = param([1]);
    expect(() => new SGD([p, p], { lr: 0.1 })).toThrow('appears twice');
    expect(() => new SGD(null as unknown as Parameter[], { lr: 0.1 })).toThrow(InvalidArgumentError);
  });

  it('throws InvalidArgumentError for a negative or missing lr, momentum or weightDecay', () => {
    const p = [param([1])];
    expect(() => new SGD(p, { lr: -0.1 })).toThrow('SGD: lr must be a finite number ≥ 0; got -0.1.');
    expect(() => new SGD(p, {} as { lr: number })).toThrow(InvalidArgumentError);
    expect(() => new SGD(p, { lr: 0.1, momentum: -0.5 })).toThrow(InvalidArgumentError);
    expect(() => new SGD(p, { lr: 0.1, weightDecay: Number.NaN })).toThrow(InvalidArgumentError);
    expect(() => new SGD(p, { lr: 0.1, dampening: Number.POSITIVE_INFINITY })).toThrow(InvalidArgumentError);
    expect(() => new SGD(p, { lr: 0.1, nesterov: 1 as unknown as boolean })).toThrow(InvalidArgumentError);
  });

  it('throws InvalidArgumentError when nesterov lacks momentum or has dampening', () => {
    const p = [param([1])];
    expect(() => new SGD(p, { lr: 0.1, nesterov: true })).toThrow(
      'nesterov requires momentum > 0 and dampening 0',
    );
    expect(() => new SGD(p, { lr: 0.1, momentum: 0.9, dampening: 0.1, nesterov: true })).toThrow(
      InvalidArgumentError,
    );
  });

  it('throws ShapeError from step when a gradient has another shape', () => {
    const p = param([1, 2]);
    const optimizer = new SGD([p], { lr: 0.1 });
    p.grad = grad([1, 2, 3]);
    expect(() => optimizer.step()).toThrow(ShapeError);
    expect(() => optimizer.step()).toThrow('SGD.step: params[0].grad must have shape (2); got (3).');
  });
});
