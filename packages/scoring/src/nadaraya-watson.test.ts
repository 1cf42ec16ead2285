import {
  abs,
  exp,
  InvalidArgumentError,
  indexSelect,
  lt,
  mul,
  neg,
  relu,
  reshape,
  ShapeError,
  type Tensor,
  tensor,
} from '@attnkit/tensor';
import { checkGradients, expectClose } from '@attnkit/testing';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { flat } from '../test/helpers.js';
import { type NadarayaWatsonKernel, nadarayaWatson } from './nadaraya-watson.js';

/** Kernel functions of plain numbers, for the explicit-loop reference (D2L's definitions). */
const REFERENCE: Record<string, (d: number) => number> = {
  gaussian: (d) => Math.exp((-d * d) / 2),
  boxcar: (d) => (Math.abs(d) < 1 ? 1 : 0),
  constant: () => 1,
  epanechikov: (d) => Math.max(1 - Math.abs(d), 0),
};

/** Weights K(q_i − k_j) / Σ_j K(q_i − k_j) by loops; all-zero rows stay zero. */
function referenceWeights(
  q: readonly number[],
  k: readonly number[],
  kernel: (d: number) => number,
): number[] {
  return q.flatMap((qi) => {
    const row = k.map((kj) => kernel(qi - kj));
    const total = row.reduce((a, b) => a + b, 0);
    return row.map((w) => (total === 0 ? 0 : w / total));
  });
}

/** Σ_j w_ij · y_j for flat weights (queries, keys) and values (keys, v). */
function pool(weights: readonly number[], values: readonly number[], numKeys: number, v: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < weights.length / numKeys; i++) {
    for (let c = 0; c < v; c++) {
      let s = 0;
      for (let j = 0; j < numKeys; j++) s += weights[i * numKeys + j]! * values[j * v + c]!;
      out.push(s);
    }
  }
  return out;
}

const points = (min: number, max: number) =>
  fc.array(fc.double({ min: -3, max: 3, noNaN: true }), { minLength: min, maxLength: max });

describe('nadarayaWatson', () => {
  // --- examples -----------------------------------------------------------------------------
  it('weights keys by a Gaussian of the distance (hand-computed)', () => {
    const { output, attentionWeights } = nadarayaWatson(tensor([0, 1]), tensor([0, 1, 3]), tensor([1, 2, 4]));
    const e = (d: number) => Math.exp((-d * d) / 2);
    const row0 = [e(0), e(1), e(3)];
    const row1 = [e(1), e(0), e(2)];
    const weights = [row0, row1].flatMap((r) => r.map((x) => x / (r[0]! + r[1]! + r[2]!)));
    expect(attentionWeights.shape).toEqual([2, 3]);
    expectClose(flat(attentionWeights), weights, { atol: 1e-6, rtol: 0 });
    expectClose(flat(output), pool(weights, [1, 2, 4], 3, 1), { atol: 1e-6, rtol: 0 });
  });

  it('averages the keys within distance 1 with the boxcar kernel', () => {
    const { output, attentionWeights } = nadarayaWatson(
      tensor([0, 2]),
      tensor([-0.5, 0.5, 1.5, 5]),
      tensor([2, 4, 6, 8]),
      {
        kernel: 'boxcar',
      },
    );
    expect(flat(attentionWeights)).toEqual([0.5, 0.5, 0, 0, 0, 0, 1, 0]);
    expect(flat(output)).toEqual([3, 6]);
  });

  it('uses max(1 − |d|, 0) for the Epanechikov kernel and 1 for the constant kernel (average pooling)', () => {
    const epa = nadarayaWatson(tensor([0]), tensor([0, 0.5, 2]), tensor([3, 6, 9]), {
      kernel: 'epanechikov',
    });
    expectClose(flat(epa.attentionWeights), [2 / 3, 1 / 3, 0], { atol: 1e-6, rtol: 0 });
    expectClose(flat(epa.output), [4], { atol: 1e-6, rtol: 0 });
    const avg = nadarayaWatson(tensor([0, 7]), tensor([0, 0.5, 2]), tensor([3, 6, 9]), {
      kernel: 'constant',
    });
    expectClose(flat(avg.output), [6, 6], { atol: 1e-6, rtol: 0 });
  });

  it('gives zero weights and a zero output to a query with no key in the kernel support, not NaN', () => {
    for (const kernel of ['boxcar', 'epanechikov'] as const) {
      const { output, attentionWeights } = nadarayaWatson(tensor([10, 0]), tensor([0, 0.5]), tensor([1, 3]), {
        kernel,
      });
      expect(flat(attentionWeights).slice(0, 2)).toEqual([0, 0]);
      expect(flat(output)[0]).toBe(0);
      expect(flat(output).every(Number.isFinite)).toBe(true);
    }
  });

  it('pools vector values (keys, v) into (queries, v)', () => {
    const { output } = nadarayaWatson(
      tensor([0, 2]),
      tensor([-0.5, 0.5, 1.5]),
      tensor([
        [1, 10],
        [3, 30],
        [5, 50],
      ]),
      {
        kernel: 'boxcar',
      },
    );
    expect(output.shape).toEqual([2, 2]);
    expect(flat(output)).toEqual([2, 20, 5, 50]);
  });

  it('takes a custom kernel of the distances q − k, float or bool', () => {
    const laplace = (d: Tensor) => exp(neg(abs(d)));
    const q = [0, 1.2];
    const k = [0, 1, 3];
    const { attentionWeights } = nadarayaWatson(tensor(q), tensor(k), tensor([1, 2, 4]), { kernel: laplace });
    expectClose(
      flat(attentionWeights),
      referenceWeights(q, k, (d) => Math.exp(-Math.abs(d))),
      { atol: 1e-6, rtol: 0 },
    );
    // An asymmetric kernel sees q_i − k_j: only keys left of the query count.
    const left = nadarayaWatson(tensor([2]), tensor([1, 3]), tensor([5, 7]), { kernel: relu });
    expect(flat(left.attentionWeights)).toEqual([1, 0]);
    const boolBoxcar = nadarayaWatson(tensor(q), tensor(k), tensor([1, 2, 4]), {
      kernel: (d) => lt(abs(d), 1),
    });
    expect(flat(boolBoxcar.attentionWeights)).toEqual(referenceWeights(q, k, REFERENCE.boxcar!));
  });

  // --- properties ---------------------------------------------------------------------------
  it('matches an explicit loop for every D2L kernel; rows sum to 1 or are all 0', () => {
    const kernels = fc.constantFrom('gaussian', 'boxcar', 'constant', 'epanechikov');
    fc.assert(
      fc.property(points(1, 6), points(1, 6), kernels, (q, k, kernel) => {
        const values = k.map((_, j) => j - 2);
        const { output, attentionWeights } = nadarayaWatson(
          tensor(q, { dtype: 'float64' }),
          tensor(k, { dtype: 'float64' }),
          tensor(values, { dtype: 'float64' }),
          { kernel },
        );
        const w = flat(attentionWeights);
        expectClose(w, referenceWeights(q, k, REFERENCE[kernel]!), { atol: 1e-9, rtol: 0 });
        expectClose(flat(output), pool(w, values, k.length, 1), { atol: 1e-9, rtol: 0 });
        for (let i = 0; i < q.length; i++) {
          const total = w.slice(i * k.length, (i + 1) * k.length).reduce((a, b) => a + b, 0);
          expect(Math.abs(total - 1) < 1e-9 || total === 0).toBe(true);
        }
      }),
    );
  });

  it('is invariant to jointly permuting the key-value pairs', () => {
    const cases = points(1, 6).chain((k) =>
      fc.record({
        q: points(1, 4),
        k: fc.constant(k),
        perm: fc.shuffledSubarray(
          k.map((_, j) => j),
          { minLength: k.length, maxLength: k.length },
        ),
      }),
    );
    fc.assert(
      fc.property(cases, ({ q, k, perm }) => {
        const keys = tensor(k, { dtype: 'float64' });
        const values = tensor(
          k.map((_, j) => j * j),
          { dtype: 'float64' },
        );
        const index = tensor(perm, { dtype: 'int32' });
        const before = nadarayaWatson(tensor(q, { dtype: 'float64' }), keys, values).output;
        const after = nadarayaWatson(
          tensor(q, { dtype: 'float64' }),
          indexSelect(keys, 0, index),
          indexSelect(values, 0, index),
        ).output;
        expectClose(flat(after), flat(before), { atol: 1e-12, rtol: 0 });
      }),
    );
  });

  // --- gradients ----------------------------------------------------------------------------
  it('has gradients in queries, keys and values that match finite differences', () => {
    // Distances stay away from the kinks of the kernels (|d| = 0 and |d| = 1).
    const q = tensor([0.1, 1.3, 2.2], { dtype: 'float64', requiresGrad: true });
    const k = tensor([0.4, 1.25, 1.9, 2.6], { dtype: 'float64', requiresGrad: true });
    const v = tensor(
      [
        [1, -1],
        [2, 0.5],
        [0, 3],
        [-2, 1],
      ],
      { dtype: 'float64', requiresGrad: true },
    );
    const kernels: NadarayaWatsonKernel[] = ['gaussian', 'epanechikov', 'constant', (d) => exp(neg(abs(d)))];
    for (const kernel of kernels) {
      checkGradients((a, b, c) => nadarayaWatson(a, b, c, { kernel }).output, [q, k, v]);
      checkGradients((a, b, c) => nadarayaWatson(a, b, c, { kernel }).attentionWeights, [q, k, v]);
    }
    checkGradients((a, b, c) => nadarayaWatson(a, b, c, { kernel: 'boxcar' }).output, [q, k, v]);
  });

  // --- errors -------------------------------------------------------------------------------
  it('throws ShapeError when queries or keys are not 1-D or values do not match the keys', () => {
    const k = tensor([0, 1, 2]);
    expect(() => nadarayaWatson(tensor([[0, 1]]), k, k)).toThrow(/queries must have shape \(queries\)/);
    expect(() => nadarayaWatson(tensor([0]), tensor([[0, 1]]), k)).toThrow(ShapeError);
    expect(() => nadarayaWatson(tensor([0]), k, tensor([1, 2]))).toThrow(
      /values must have shape \(3\) or \(3, v\)/,
    );
    expect(() => nadarayaWatson(tensor([0]), k, tensor([[[1, 2, 3]]]))).toThrow(ShapeError);
  });

  it('throws ShapeError when a custom kernel changes the shape', () => {
    const k = tensor([0, 1, 2]);
    expect(() => nadarayaWatson(tensor([0, 1]), k, k, { kernel: (d) => reshape(d, [6]) })).toThrow(
      /kernel must return shape \(2, 3\)/,
    );
  });

  it('throws InvalidArgumentError for an unknown kernel or negative or NaN kernel values', () => {
    const k = tensor([0, 1, 2]);
    expect(() => nadarayaWatson(k, k, k, { kernel: 'triangle' as 'boxcar' })).toThrow(InvalidArgumentError);
    expect(() => nadarayaWatson(k, k, k, { kernel: (d) => d })).toThrow(
      /non-negative values; got -1 at \(0, 1\)/,
    );
    expect(() => nadarayaWatson(k, k, k, { kernel: (d) => mul(d, Number.NaN) })).toThrow(
      InvalidArgumentError,
    );
  });
});
