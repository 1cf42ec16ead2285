import { checkOptions, formatShape, type Tensor, tensor } from '@attnkit/tensor';
import fc from 'fast-check';
import {
  type AttentionInputs,
  type AttentionInputsConstraints,
  attentionInputs,
} from '../attention-inputs.js';
import { unravel } from '../internal/unravel.js';
import { checkInteger } from '../internal/validate.js';
import type { AttentionImpl } from './attention-impl.js';

/** Constraints of {@link causalNoLeak}: the generated self-attention inputs, the options and the tolerance. */
export interface CausalNoLeakConstraints<O = undefined>
  extends Omit<AttentionInputsConstraints, 'queries' | 'keys' | 'requiresGrad'> {
  /** Sequence length (queries = keys); drawn from [min(2, maxSide), maxSide] unless given. */
  length?: number;
  /** Passed unchanged as the implementation's fourth argument (e.g. `{ isCausal: true }`). */
  options?: O;
  /** Largest allowed |difference| of an output that must not change; default 1e-6. */
  atol?: number;
}

/** One case of {@link causalNoLeak}: inputs, the same inputs changed after `position`, and `position`. */
export interface CausalNoLeakCase {
  /** Queries, keys and values of length n. */
  inputs: AttentionInputs;
  /** `inputs` with every query, key and value at a position after `position` redrawn. */
  changed: AttentionInputs;
  /** The last position left unchanged, in [0, n - 2] (0 when n = 1). */
  position: number;
}

/**
 * A property: a causal attention's output at position i does not depend on queries, keys or
 * values at positions after i. Self-attention inputs of length n are drawn twice with the same
 * shapes, spliced after a drawn position p, and `impl` must give the same outputs at 0..p.
 *
 * Shapes: queries (batch, n, d), keys (batch, n, d), values (batch, n, v) -> impl(...) (batch, n, ...)
 *
 * @param impl - The attention under test; it must be causal by itself or through `options`.
 * @param constraints - Sizes (`length` = queries = keys), dtype and element bounds as in
 *   {@link attentionInputs}, the `options` passed to `impl`, and `atol`.
 * @returns A fast-check property to run with `fc.assert` or `fc.check`.
 * @throws {@link InvalidArgumentError} if a size or `maxSide` is not a non-negative integer
 *   (`length` and `maxSide` ≥ 1), or the element bounds are invalid (see {@link attentionInputs}).
 * @remarks Queries are changed too, not only keys and values: an implementation that mixes
 *   queries across positions (e.g. a normalisation over the sequence) leaks as surely as one that
 *   attends to future keys. Masked keys should get exactly zero weight, so the default `atol` is tight.
 * @see Vaswani et al. 2017, §3.2.3 (masking in the decoder); D2L §11.7 (decoder self-attention).
 * @example
 * ```ts
 * fc.assert(causalNoLeak((q, k, v) => scaledDotProductAttention(q, k, v, { isCausal: true }).output));
 * ```
 */
export function causalNoLeak<O = undefined>(
  impl: AttentionImpl<O>,
  constraints: CausalNoLeakConstraints<O> = {},
): fc.IProperty<[CausalNoLeakCase]> {
  checkOptions(
    'causalNoLeak',
    constraints,
    {
      batch: 'number',
      d: 'number',
      v: 'number',
      maxSide: 'number',
      dtype: 'string',
      min: 'number',
      max: 'number',
      length: 'number',
      options: 'any',
      atol: 'number',
    },
    { argument: 'constraints' },
  );
  const op = 'causalNoLeak';
  const { options, atol = 1e-6, length, ...inputConstraints } = constraints;
  const maxSide = checkInteger(op, 'maxSide', constraints.maxSide ?? 6, 1);
  const size = (name: 'batch' | 'd' | 'v'): fc.Arbitrary<number> => {
    const fixed = constraints[name];
    return fixed === undefined
      ? fc.integer({ min: 1, max: maxSide })
      : fc.constant(checkInteger(op, name, fixed));
  };
  const lengths =
    length === undefined
      ? fc.integer({ min: Math.min(2, maxSide), max: maxSide })
      : fc.constant(checkInteger(op, 'length', length, 1));
  attentionInputs(inputConstraints); // validates dtype and element bounds now
  const cases = fc
    .record({ batch: size('batch'), n: lengths, d: size('d'), v: size('v') })
    .chain(({ batch, n, d, v }) => {
      const inputs = attentionInputs({ ...inputConstraints, batch, queries: n, keys: n, d, v });
      return fc.record({
        inputs,
        replacement: inputs,
        position: fc.integer({ min: 0, max: Math.max(0, n - 2) }),
      });
    })
    .map(({ inputs, replacement, position }) => ({
      inputs,
      changed: {
        queries: spliceAfter(inputs.queries, replacement.queries, position),
        keys: spliceAfter(inputs.keys, replacement.keys, position),
        values: spliceAfter(inputs.values, replacement.values, position),
      },
      position,
    }));
  return fc.property(cases, ({ inputs, changed, position }) => {
    const n = inputs.queries.shape[1]!;
    const before = impl(inputs.queries, inputs.keys, inputs.values, options as O);
    const after = impl(changed.queries, changed.keys, changed.values, options as O);
    if (before.ndim < 2 || before.shape[0] !== inputs.queries.shape[0] || before.shape[1] !== n) {
      throw new Error(
        `${op}: output must have shape (batch, queries, ...) = (${inputs.queries.shape[0]}, ${n}, ...); got ${formatShape(before.shape)}.`,
      );
    }
    if (formatShape(after.shape) !== formatShape(before.shape)) {
      throw new Error(
        `${op}: output shape must not depend on the inputs' values; got ${formatShape(before.shape)} and ${formatShape(after.shape)}.`,
      );
    }
    const a = before.toTypedArray();
    const b = after.toTypedArray();
    const inner = a.length / (before.shape[0]! * n);
    for (let i = 0; i < a.length; i++) {
      const at = Math.floor(i / inner) % n;
      if (at > position) continue;
      const diff = Math.abs(a[i]! - b[i]!);
      if (!(diff <= atol) && !(a[i] === b[i])) {
        throw new Error(
          `${op}: output at position ${at} must not depend on inputs after position ${position}; ` +
            `at index ${formatShape(unravel(i, before.shape))} got ${a[i]} before and ${b[i]} after the change (atol ${atol}).`,
        );
      }
    }
  });
}

/** `a` with every entry at a position (axis 1) after `position` taken from `b` (same shape). */
function spliceAfter(a: Tensor, b: Tensor, position: number): Tensor {
  const n = a.shape[1]!;
  const inner = a.shape.slice(2).reduce((x, y) => x * y, 1);
  const values = Array.from(a.toTypedArray());
  const other = b.toTypedArray();
  for (let i = 0; i < values.length; i++) {
    if (Math.floor(i / inner) % n > position) values[i] = other[i]!;
  }
  return tensor(values, { shape: a.shape, dtype: a.dtype });
}
