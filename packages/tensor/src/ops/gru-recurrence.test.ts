import { checkGradients, expectClose } from '@attnkit/testing';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { finite } from '../../test/helpers.js';
import { InvalidArgumentError, ShapeError } from '../errors.js';
import type { Tensor } from '../tensor.js';
import { tensor, zeros } from './creation.js';
import { gruRecurrence } from './gru-recurrence.js';
import { permute } from './permute.js';

const sigmoid = (a: number): number => 1 / (1 + Math.exp(-a));

/** The GRU recurrence written out literally in float64, one scalar at a time. */
function reference(
  xg: number[],
  h0: number[],
  w: number[],
  b: number[] | null,
  steps: number,
  batch: number,
  h: number,
): number[] {
  const out: number[] = [];
  let state = h0.slice();
  for (let t = 0; t < steps; t++) {
    const next: number[] = [];
    for (let i = 0; i < batch; i++) {
      const hw = (gate: number, j: number): number => {
        let s = b?.[gate * h + j] ?? 0;
        for (let k = 0; k < h; k++) s += w[(gate * h + j) * h + k]! * state[i * h + k]!;
        return s;
      };
      const x = (gate: number, j: number): number => xg[(t * batch + i) * 3 * h + gate * h + j]!;
      for (let j = 0; j < h; j++) {
        const r = sigmoid(x(0, j) + hw(0, j));
        const z = sigmoid(x(1, j) + hw(1, j));
        const n = Math.tanh(x(2, j) + r * hw(2, j));
        next.push((1 - z) * n + z * state[i * h + j]!);
      }
    }
    out.push(...next);
    state = next;
  }
  return out;
}

const values = (n: number): fc.Arbitrary<number[]> =>
  fc.array(finite(-1.5, 1.5), { minLength: n, maxLength: n });

const cases = fc
  .record({
    steps: fc.integer({ min: 1, max: 4 }),
    batch: fc.integer({ min: 1, max: 3 }),
    h: fc.integer({ min: 1, max: 3 }),
  })
  .chain(({ steps, batch, h }) =>
    fc.record({
      steps: fc.constant(steps),
      batch: fc.constant(batch),
      h: fc.constant(h),
      xg: values(steps * batch * 3 * h),
      h0: values(batch * h),
      w: values(3 * h * h),
      b: fc.option(values(3 * h), { nil: null }),
    }),
  );

describe('gruRecurrence', () => {
  it('computes r, z, n and h′ = (1 − z)·n + z·h step by step (PyTorch nn.GRU gate order)', () => {
    // One unit, one row: xGates (r, z, n) = (0.5, −0.5, 1), W_hh = (1, 2, 3)ᵀ, h0 = 0.5, no bias.
    const out = gruRecurrence(
      tensor([[[0.5, -0.5, 1]]], { dtype: 'float64' }),
      tensor([[0.5]], { dtype: 'float64' }),
      tensor([[1], [2], [3]], { dtype: 'float64' }),
    );
    const r = sigmoid(0.5 + 0.5);
    const z = sigmoid(-0.5 + 1);
    const n = Math.tanh(1 + r * 1.5);
    expectClose(out, [[[(1 - z) * n + z * 0.5]]], { atol: 1e-12 });
  });

  it('matches the literal recurrence for random float64 inputs', () => {
    fc.assert(
      fc.property(cases, ({ steps, batch, h, xg, h0, w, b }) => {
        const out = gruRecurrence(
          tensor(xg, { dtype: 'float64' }).reshape([steps, batch, 3 * h]),
          tensor(h0, { dtype: 'float64' }).reshape([batch, h]),
          tensor(w, { dtype: 'float64' }).reshape([3 * h, h]),
          b === null ? null : tensor(b, { dtype: 'float64' }),
        );
        expectClose(
          out,
          tensor(reference(xg, h0, w, b, steps, batch, h), { dtype: 'float64' }).reshape([steps, batch, h]),
          {
            atol: 1e-12,
            rtol: 1e-12,
          },
        );
      }),
    );
  });

  it('reads strided (non-contiguous) inputs as their values', () => {
    const xg = tensor([[[0.1, 0.2, 0.3, 0.4, 0.5, 0.6]], [[0.7, 0.8, 0.9, 1.0, 1.1, 1.2]]]); // (2, 1, 6)
    const h0 = tensor([[0.3, -0.2]]);
    const w = tensor([
      [1, 0],
      [0, 1],
      [1, 1],
      [-1, 0],
      [0.5, 0.5],
      [0, -1],
    ]);
    const strided = permute(permute(xg, [1, 0, 2]).contiguous(), [1, 0, 2]);
    expectClose(gruRecurrence(strided, h0, w), gruRecurrence(xg, h0, w), { atol: 0 });
  });

  it('gives float32 results within float32 rounding of the float64 ones', () => {
    fc.assert(
      fc.property(cases, ({ steps, batch, h, xg, h0, w, b }) => {
        const run = (dtype: 'float32' | 'float64'): Tensor =>
          gruRecurrence(
            tensor(xg, { dtype }).reshape([steps, batch, 3 * h]),
            tensor(h0, { dtype }).reshape([batch, h]),
            tensor(w, { dtype }).reshape([3 * h, h]),
            b === null ? null : tensor(b, { dtype }),
          );
        expectClose(run('float32'), run('float64'), {
          atol: 1e-5,
          rtol: 1e-5,
        });
      }),
      { numRuns: 30 },
    );
  });

  it('backpropagates through time into xGates, h0, weightHH and biasHH (finite differences)', () => {
    fc.assert(
      fc.property(cases, ({ steps, batch, h, xg, h0, w, b }) => {
        const opts = { dtype: 'float64' as const, requiresGrad: true };
        const inputs = [
          tensor(xg, { ...opts, shape: [steps, batch, 3 * h] }),
          tensor(h0, { ...opts, shape: [batch, h] }),
          tensor(w, { ...opts, shape: [3 * h, h] }),
          tensor(b ?? new Array(3 * h).fill(0.1), opts),
        ];
        checkGradients((x, s, weight, bias) => gruRecurrence(x!, s!, weight!, bias!), inputs);
      }),
      { numRuns: 40 },
    );
  });

  it('backpropagates when only some inputs require gradients and without a bias', () => {
    const weight = tensor([[0.5], [-0.3], [0.8]], { dtype: 'float64', requiresGrad: true });
    const x = tensor([[[0.1, 0.2, 0.3]], [[0.4, -0.5, 0.6]], [[-0.7, 0.8, 0.9]]], { dtype: 'float64' });
    checkGradients((wt) => gruRecurrence(x, zeros([1, 1], { dtype: 'float64' }), wt!), [weight]);
  });

  it('throws ShapeError when xGates does not have 3·hiddens gate columns', () => {
    expect(() => gruRecurrence(zeros([2, 1, 5]), zeros([1, 2]), zeros([6, 2]))).toThrow(ShapeError);
    expect(() => gruRecurrence(zeros([2, 1, 5]), zeros([1, 2]), zeros([6, 2]))).toThrow(
      /xGates must have shape \(steps, batch, 6\).*got \(2, 1, 5\)/,
    );
  });

  it('throws ShapeError when weightHH is not (3·hiddens, hiddens)', () => {
    expect(() => gruRecurrence(zeros([2, 1, 6]), zeros([1, 2]), zeros([5, 2]))).toThrow(
      /weightHH must have shape/,
    );
  });

  it('throws ShapeError when h0 or biasHH has the wrong shape', () => {
    expect(() => gruRecurrence(zeros([2, 1, 6]), zeros([2, 2]), zeros([6, 2]))).toThrow(
      /h0 must have shape \(1, 2\)/,
    );
    expect(() => gruRecurrence(zeros([2, 1, 6]), zeros([1, 2]), zeros([6, 2]), zeros([5]))).toThrow(
      /biasHH must have shape \(6\)/,
    );
  });

  it('throws InvalidArgumentError when dtypes are mixed or not floating', () => {
    expect(() => gruRecurrence(zeros([1, 1, 3]), zeros([1, 1], { dtype: 'float64' }), zeros([3, 1]))).toThrow(
      InvalidArgumentError,
    );
    expect(() =>
      gruRecurrence(
        zeros([1, 1, 3], { dtype: 'int32' }),
        zeros([1, 1], { dtype: 'int32' }),
        zeros([3, 1], { dtype: 'int32' }),
      ),
    ).toThrow(InvalidArgumentError);
  });
});
