import { type DType, InvalidArgumentError } from '@attnkit/tensor';
import fc from 'fast-check';
import { checkOrder } from './validate.js';

const FLOAT32_MAX = 3.4028234663852886e38;

/** The elements of one dtype and range, and the value they shrink toward. */
export interface Elements {
  arbitrary: fc.Arbitrary<number | boolean>;
  /** The smallest element: `false`, or the point of [min, max] nearest 0. */
  anchor: number | boolean;
}

/**
 * The element arbitrary of `dtype` over [min, max] (booleans for `bool`).
 * @throws {@link InvalidArgumentError} if the bounds are not finite, are out of order, or hold no value of `dtype`.
 */
export function elements(op: string, dtype: DType, min: number, max: number): Elements {
  if (dtype === 'bool') return { arbitrary: fc.boolean(), anchor: false };
  if (!Number.isFinite(min) || !Number.isFinite(max)) {
    throw new InvalidArgumentError(`${op}: min and max must be finite numbers; got min ${min}, max ${max}.`);
  }
  checkOrder(op, 'min', min, 'max', max);
  switch (dtype) {
    case 'float64':
      return spread(min, max, (x) => x, fc.double({ min, max, noNaN: true, noDefaultInfinity: true }));
    case 'float32': {
      if (min < -FLOAT32_MAX || max > FLOAT32_MAX) {
        throw new InvalidArgumentError(
          `${op}: min and max must lie within the float32 range ±${FLOAT32_MAX}; got min ${min}, max ${max}.`,
        );
      }
      const lo = float32AtLeast(min);
      const hi = -float32AtLeast(-max);
      if (lo > hi) {
        throw new InvalidArgumentError(`${op}: no float32 value lies in [${min}, ${max}].`);
      }
      return spread(
        lo,
        hi,
        Math.fround,
        fc.float({ min: lo, max: hi, noNaN: true, noDefaultInfinity: true }),
      );
    }
    case 'int32': {
      const lo = Math.max(Math.ceil(min), -(2 ** 31));
      const hi = Math.min(Math.floor(max), 2 ** 31 - 1);
      if (lo > hi) throw new InvalidArgumentError(`${op}: no int32 value lies in [${min}, ${max}].`);
      return { arbitrary: fc.integer({ min: lo, max: hi }), anchor: Math.min(Math.max(0, lo), hi) };
    }
  }
}

/** Resolution of the evenly spread draws: 2^24 steps on each side of the anchor. */
const STEPS = 2 ** 24;

/**
 * Mixes values spread evenly over [lo, hi] (weight 3) with `edges`, fast-check's own float draws
 * (weight 1). fc.float/fc.double pick uniformly among representable numbers, so alone they give
 * mostly tiny magnitudes (1e-30 and below); the even draws exercise the whole range. Both shrink
 * toward the anchor: 0, or the bound nearest 0 when the range excludes 0.
 */
function spread(lo: number, hi: number, round: (x: number) => number, edges: fc.Arbitrary<number>): Elements {
  const anchor = Math.min(Math.max(0, lo), hi); // the point of [lo, hi] nearest 0
  const even = fc.integer({ min: anchor === lo ? 0 : -STEPS, max: anchor === hi ? 0 : STEPS }).map((k) => {
    const x = round(anchor + ((k < 0 ? anchor - lo : hi - anchor) * k) / STEPS);
    return Math.min(hi, Math.max(lo, x));
  });
  return { arbitrary: fc.oneof({ arbitrary: even, weight: 3 }, { arbitrary: edges, weight: 1 }), anchor };
}

const f32 = new Float32Array(1);
const bits = new Int32Array(f32.buffer);

/** The smallest float32 ≥ x, for finite x within the float32 range. */
function float32AtLeast(x: number): number {
  const f = Math.fround(x);
  if (f >= x) return f;
  // One ulp up from f: for f > 0 the bit pattern grows; for f < 0 its magnitude bits shrink.
  if (f === 0) return 2 ** -149;
  f32[0] = f;
  bits[0] = bits[0]! + (f > 0 ? 1 : -1);
  return f32[0]!;
}
