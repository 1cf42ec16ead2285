import {
  checkOptions,
  type DType,
  InvalidArgumentError,
  isFloating,
  type Tensor,
  tensor,
} from '@attnkit/tensor';
import fc from 'fast-check';
import { elements } from './internal/elements.js';
import { ShapedTensors } from './internal/shaped-tensors.js';
import { checkFixedShape } from './internal/validate.js';
import { shapes } from './shapes.js';

/** Constraints of {@link tensors} (Hypothesis `arrays`). */
export interface TensorsConstraints {
  /** A fixed shape or an arbitrary of shapes; default {@link shapes}`()` (rank 0–4, sides 1–6). */
  shape?: readonly number[] | fc.Arbitrary<readonly number[]>;
  /** Element type; default `float32`. */
  dtype?: DType;
  /** Smallest element (inclusive, rounded inward to the dtype); default -10. Ignored for `bool`. */
  min?: number;
  /** Largest element (inclusive, rounded inward to the dtype); default 10. Ignored for `bool`. */
  max?: number;
  /** Generate leaves that require gradients (floating dtypes only); default false. */
  requiresGrad?: boolean;
}

/**
 * Tensors with bounded, finite elements: no NaN, no ±Infinity.
 *
 * Shapes: shape (fixed or drawn) -> Tensor of that shape and `dtype`
 *
 * @param constraints - Shape, dtype, element bounds and `requiresGrad`; all optional.
 * @returns An arbitrary of fresh contiguous tensors; it shrinks toward smaller shapes (keeping the
 *   elements that still fit) and elements toward 0 (or the bound nearest 0), `false` for `bool`.
 * @throws {@link InvalidArgumentError} if `min`/`max` are not finite or `min > max`, if no value of
 *   `dtype` lies in [`min`, `max`] (or they exceed the float32 range), if a fixed `shape` has negative
 *   or non-integer extents, or if `requiresGrad` is set for an `int32`/`bool` dtype.
 * @remarks float32 bounds are rounded inward with `Math.fround`, so every element is exactly
 *   representable and inside [`min`, `max`]. Three draws in four spread evenly over the range; the
 *   fourth comes from `fc.float` (float32) or `fc.double` (float64) with `noNaN` and
 *   `noDefaultInfinity`, which adds the bounds, ±0 and subnormals, where numerical code breaks.
 *   int32 elements come from `fc.integer` over [ceil(min), floor(max)].
 * @see Hypothesis `hypothesis.extra.numpy.arrays`.
 * @example
 * ```ts
 * fc.assert(fc.property(tensors({ shape: [2, 3] }), (x) => sum(x).numel() === 1));
 * ```
 */
export function tensors(constraints: TensorsConstraints = {}): fc.Arbitrary<Tensor> {
  checkOptions(
    'tensors',
    constraints,
    { shape: 'any', dtype: 'string', min: 'number', max: 'number', requiresGrad: 'boolean' },
    { argument: 'constraints' },
  );
  const { dtype = 'float32', min = -10, max = 10, requiresGrad = false } = constraints;
  if (requiresGrad && !isFloating(dtype)) {
    throw new InvalidArgumentError(`tensors: requiresGrad needs a float32 or float64 dtype; got ${dtype}.`);
  }
  const element = elements('tensors', dtype, min, max);
  const { shape = shapes() } = constraints;
  const layout = isShapeArray(shape)
    ? fc.constant([checkFixedShape('tensors', 'shape', shape)])
    : shape.map((s) => [s]);
  const build = (s: readonly number[], values: (number | boolean)[]) =>
    tensor(values as number[] | boolean[], { shape: s, dtype, requiresGrad });
  return new ShapedTensors(layout, element, build).map(([t]) => t!);
}

function isShapeArray(
  shape: readonly number[] | fc.Arbitrary<readonly number[]>,
): shape is readonly number[] {
  return Array.isArray(shape);
}
