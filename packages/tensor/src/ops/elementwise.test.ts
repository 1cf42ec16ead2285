import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { broadcastablePair, finite, stridedTensor } from '../../test/helpers.js';
import { shapeSize } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { abs } from './abs.js';
import { cast } from './cast.js';
import { clamp } from './clamp.js';
import { eq, ge, gt, le, lt, ne } from './compare.js';
import { cos } from './cos.js';
import { div } from './div.js';
import { exp } from './exp.js';
import { gelu } from './gelu.js';
import { log } from './log.js';
import { logicalAnd, logicalNot, logicalOr } from './logical.js';
import { maskedFill } from './masked-fill.js';
import { maximum } from './maximum.js';
import { minimum } from './minimum.js';
import { mul } from './mul.js';
import { neg } from './neg.js';
import { pow } from './pow.js';
import { relu } from './relu.js';
import { rsqrt } from './rsqrt.js';
import { sigmoid } from './sigmoid.js';
import { sin } from './sin.js';
import { sqrt } from './sqrt.js';
import { square } from './square.js';
import { sub } from './sub.js';
import { sum } from './sum.js';
import { tanh } from './tanh.js';
import { where } from './where.js';

type Op = (a: Tensor, b: Tensor) => Tensor;
// Every elementwise op of this folder, as a function of two broadcastable float tensors.
const ops: Record<string, Op> = {
  sub,
  mul,
  div,
  pow,
  maximum,
  minimum,
  eq,
  ne,
  lt,
  le,
  gt,
  ge,
  logicalAnd,
  logicalOr,
  logicalNot: (a) => logicalNot(a),
  neg: (a) => neg(a),
  exp: (a) => exp(a),
  log: (a) => log(a),
  sqrt: (a) => sqrt(a),
  rsqrt: (a) => rsqrt(a),
  abs: (a) => abs(a),
  square: (a) => square(a),
  tanh: (a) => tanh(a),
  sigmoid: (a) => sigmoid(a),
  relu: (a) => relu(a),
  gelu: (a) => gelu(a),
  geluTanh: (a) => gelu(a, { approximate: 'tanh' }),
  sin: (a) => sin(a),
  cos: (a) => cos(a),
  clamp: (a) => clamp(a, -0.5, 0.5),
  cast: (a) => cast(a, 'float64'),
  where: (a, b) => where(gt(a, 0), a, b),
  maskedFill: (a, b) => maskedFill(a, gt(b, 0), 9),
};

const operands = broadcastablePair().chain(([shapeA, shapeB]) =>
  fc
    .tuple(
      fc.array(finite(-3, 3), { minLength: shapeSize(shapeA), maxLength: shapeSize(shapeA) }),
      fc.array(finite(-3, 3), { minLength: shapeSize(shapeB), maxLength: shapeSize(shapeB) }),
    )
    .map(([a, b]) => ({ shapeA, a, shapeB, b })),
);

describe('elementwise ops', () => {
  it.each(Object.entries(ops))('%s does not mutate its inputs, forward or backward', (name, op) => {
    fc.assert(
      fc.property(operands, ({ shapeA, a, shapeB, b }) => {
        // Strided storage with padding: a write through any index would show.
        const ta = stridedTensor(a, shapeA);
        // maskedFill's mask must broadcast to x's shape: derive it from a copy of a.
        const tb = name === 'maskedFill' ? stridedTensor(a, shapeA) : stridedTensor(b, shapeB);
        ta.requiresGrad = true;
        tb.requiresGrad = true;
        const before = [Array.from(ta.nd.data), Array.from(tb.nd.data)];
        const out = op(ta, tb);
        if (out.requiresGrad) sum(out).backward();
        expect(Array.from(ta.nd.data)).toEqual(before[0]);
        expect(Array.from(tb.nd.data)).toEqual(before[1]);
        expect(out.nd.data).not.toBe(ta.nd.data);
        expect(out.nd.data).not.toBe(tb.nd.data);
      }),
    );
  });
});
