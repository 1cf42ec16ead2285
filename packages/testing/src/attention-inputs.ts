import { checkOptions, type Tensor, tensor } from '@attnkit/tensor';
import fc from 'fast-check';
import { elements } from './internal/elements.js';
import { ShapedTensors } from './internal/shaped-tensors.js';
import { checkInteger } from './internal/validate.js';

/** Constraints of {@link attentionInputs}; each size is drawn from [1, maxSide] unless given. */
export interface AttentionInputsConstraints {
  /** Number of sequences. */
  batch?: number;
  /** Number of queries per sequence. */
  queries?: number;
  /** Number of key-value pairs per sequence. */
  keys?: number;
  /** Query and key feature size. */
  d?: number;
  /** Value feature size. */
  v?: number;
  /** Largest drawn size; default 6. */
  maxSide?: number;
  /** Element type; default `float32`. */
  dtype?: 'float32' | 'float64';
  /** Smallest element; default -1. */
  min?: number;
  /** Largest element; default 1. */
  max?: number;
  /** Generate leaves that require gradients; default false. */
  requiresGrad?: boolean;
}

/** Queries, keys and values of one attention call. */
export interface AttentionInputs {
  /** `(batch, queries, d)`. */
  queries: Tensor;
  /** `(batch, keys, d)`. */
  keys: Tensor;
  /** `(batch, keys, v)`. */
  values: Tensor;
}

/**
 * Queries, keys and values with consistent shapes for an attention function.
 *
 * Shapes: -> queries (batch, queries, d), keys (batch, keys, d), values (batch, keys, v)
 *
 * @param constraints - Fixed sizes (others are drawn from [1, `maxSide`]), dtype, element bounds.
 * @returns An arbitrary of `{ queries, keys, values }` that shrinks every drawn size toward 1 and
 *   every element toward 0.
 * @throws {@link InvalidArgumentError} if a given size or `maxSide` is not a non-negative integer
 *   (`maxSide` ≥ 1), or the element bounds are invalid (see {@link tensors}).
 * @remarks Elements default to [-1, 1] so scores q·k/√d stay moderate: the softmax does not
 *   saturate and float32 results stay within tolerance of a float64 reference.
 * @see D2L §11.3 "Attention Scoring Functions".
 * @example
 * ```ts
 * fc.assert(
 *   fc.property(attentionInputs({ d: 4 }), ({ queries, keys, values }) =>
 *     scaledDotProductAttention(queries, keys, values).output.shape[2] === values.shape[2]),
 * );
 * ```
 */
export function attentionInputs(constraints: AttentionInputsConstraints = {}): fc.Arbitrary<AttentionInputs> {
  checkOptions(
    'attentionInputs',
    constraints,
    {
      batch: 'number',
      queries: 'number',
      keys: 'number',
      d: 'number',
      v: 'number',
      maxSide: 'number',
      dtype: 'string',
      min: 'number',
      max: 'number',
      requiresGrad: 'boolean',
    },
    { argument: 'constraints' },
  );
  const op = 'attentionInputs';
  const maxSide = checkInteger(op, 'maxSide', constraints.maxSide ?? 6, 1);
  const size = (name: 'batch' | 'queries' | 'keys' | 'd' | 'v'): fc.Arbitrary<number> => {
    const fixed = constraints[name];
    return fixed === undefined
      ? fc.integer({ min: 1, max: maxSide })
      : fc.constant(checkInteger(op, name, fixed));
  };
  const { dtype = 'float32', min = -1, max = 1, requiresGrad = false } = constraints;
  const element = elements(op, dtype, min, max);
  const layout = fc
    .tuple(size('batch'), size('queries'), size('keys'), size('d'), size('v'))
    .map(([b, q, k, d, v]) => [
      [b, q, d],
      [b, k, d],
      [b, k, v],
    ]);
  const build = (shape: readonly number[], values: (number | boolean)[]) =>
    tensor(values as number[], { shape, dtype, requiresGrad });
  return new ShapedTensors(layout, element, build).map(([queries, keys, values]) => ({
    queries: queries!,
    keys: keys!,
    values: values!,
  }));
}
