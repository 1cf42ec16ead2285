// The unary ops that always compute in floating point (int32 and bool promote to float32) share
// one suite: a table row per op gives its PyTorch example, its explicit-loop reference and the
// domains to sample; each op still gets its own describe block.
import { checkGradients, expectClose } from '@attnkit/testing';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  assertMatchesLoop,
  finite,
  gradientTolerance,
  leaf,
  smallShape,
  tolerance,
  withValues,
} from '../../test/helpers.js';
import { InvalidArgumentError } from '../errors.js';
import type { Tensor } from '../tensor.js';
import { cos } from './cos.js';
import { tensor } from './creation.js';
import { exp } from './exp.js';
import { log } from './log.js';
import { rsqrt } from './rsqrt.js';
import { sin } from './sin.js';
import { sqrt } from './sqrt.js';
import { tanh } from './tanh.js';

interface FloatUnaryCase {
  name: string;
  op: (x: Tensor) => Tensor;
  /** The float64 function the op computes, applied by an explicit loop. */
  reference: (x: number) => number;
  /** Where the explicit-loop comparison samples (float64, within 1e-14 relative). */
  domain: fc.Arbitrary<number>;
  /** Where the finite-difference check samples: smooth, away from poles. */
  gradientDomain: fc.Arbitrary<number>;
  /** A PyTorch example (float32): input and output. */
  example: { input: number[]; expected: number[] };
}

const cases: FloatUnaryCase[] = [
  {
    name: 'sin',
    op: sin,
    reference: Math.sin,
    domain: finite(-100, 100),
    gradientDomain: finite(-4, 4),
    // torch.sin(torch.tensor([0., math.pi / 2, 1., -3.])) -> [0.0000, 1.0000, 0.8415, -0.1411]
    example: { input: [0, Math.PI / 2, 1, -3], expected: [0, 1, 0.8414709848078965, -0.1411200080598672] },
  },
  {
    name: 'cos',
    op: cos,
    reference: Math.cos,
    domain: finite(-100, 100),
    gradientDomain: finite(-4, 4),
    // torch.cos(torch.tensor([0., math.pi, 1., -3.])) -> [1.0000, -1.0000, 0.5403, -0.9900]
    example: { input: [0, Math.PI, 1, -3], expected: [1, -1, 0.5403023058681398, -0.9899924966004454] },
  },
  {
    name: 'exp',
    op: exp,
    reference: Math.exp,
    domain: finite(-20, 20),
    gradientDomain: finite(-3, 3),
    // torch.exp(torch.tensor([0., 1., -1.])) -> [1.0000, 2.7183, 0.3679]
    example: { input: [0, 1, -1], expected: [1, Math.E, Math.exp(-1)] },
  },
  {
    name: 'tanh',
    op: tanh,
    reference: Math.tanh,
    domain: finite(-30, 30),
    gradientDomain: finite(-3, 3),
    // torch.tanh(torch.tensor([0., 1., -2., 20.])) -> [0.0000, 0.7616, -0.9640, 1.0000]
    example: { input: [0, 1, -2, 20], expected: [0, 0.7615941559557649, -0.9640275800758169, 1] },
  },
  {
    name: 'log',
    op: log,
    reference: Math.log,
    domain: finite(0, 1e6),
    gradientDomain: finite(0.2, 5),
    // torch.log(torch.tensor([1., 2.7183, 0., -1.])) -> [0.0000, 1.0000, -inf, nan]
    example: { input: [1, Math.E, 0, -1], expected: [0, 1, -Infinity, NaN] },
  },
  {
    name: 'sqrt',
    op: sqrt,
    reference: Math.sqrt,
    domain: finite(0, 1e6),
    gradientDomain: finite(0.2, 5),
    // torch.sqrt(torch.tensor([4., 2., 0., -1.])) -> [2.0000, 1.4142, 0.0000, nan]
    example: { input: [4, 2, 0, -1], expected: [2, Math.SQRT2, 0, NaN] },
  },
  {
    name: 'rsqrt',
    op: rsqrt,
    reference: (v) => 1 / Math.sqrt(v),
    domain: finite(1e-6, 1e6),
    gradientDomain: finite(0.2, 5),
    // torch.rsqrt(torch.tensor([4., 0.25, 0., -1.])) -> [0.5000, 2.0000, inf, nan]
    example: { input: [4, 0.25, 0, -1], expected: [0.5, 2, Infinity, NaN] },
  },
];

for (const { name, op, reference, domain, gradientDomain, example } of cases) {
  describe(name, () => {
    it('matches PyTorch on a few values', () => {
      const out = op(tensor(example.input));
      expect(out.dtype).toBe('float32');
      expectClose(out.toTypedArray(), example.expected, tolerance(1e-6));
    });

    it('gives float32 for int32 and bool inputs', () => {
      expect(op(tensor([1, 2], { dtype: 'int32' })).dtype).toBe('float32');
      expect(op(tensor([true, false])).dtype).toBe('float32');
      expectClose(
        op(tensor([1, 2], { dtype: 'int32' })).toTypedArray(),
        [reference(1), reference(2)],
        tolerance(1e-6),
      );
    });

    it('matches an explicit loop on strided inputs', () => {
      assertMatchesLoop(op, reference, domain, 1e-14);
    });

    it('matches central finite differences', () => {
      fc.assert(
        fc.property(withValues(smallShape(), gradientDomain), (input) => {
          checkGradients(op, [leaf(input)], gradientTolerance);
        }),
      );
    });

    it('throws InvalidArgumentError when x is not a Tensor', () => {
      expect(() => op([1, 2] as unknown as Tensor)).toThrow(InvalidArgumentError);
    });
  });
}
