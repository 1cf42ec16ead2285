import {
  checkOptions,
  concat,
  formatShape,
  InvalidArgumentError,
  narrow,
  type Tensor,
} from '@attnkit/tensor';
import fc from 'fast-check';
import { elements } from '../internal/elements.js';
import { formatNumber } from '../internal/format-number.js';
import { unravel } from '../internal/unravel.js';
import { checkInteger } from '../internal/validate.js';
import { tensors } from '../tensors.js';

/**
 * A sequence model run two ways: over the whole sequence at once, and incrementally, one chunk at
 * a time, carrying state (a key/value cache) between calls.
 */
export interface IncrementalImpl {
  /** The whole sequence: x `(batch, length, features)` -> `(batch, length, ...)`. */
  full: (x: Tensor) => Tensor;
  /**
   * Starts a fresh decoding (e.g. with an empty cache) and returns its step function; the step
   * is called with consecutive chunks `(batch, n, features)` of x, in order, and returns the
   * chunk's output `(batch, n, ...)`.
   */
  incremental: () => (chunk: Tensor) => Tensor;
}

/** Constraints of {@link kvCacheEquivalence}: the generated sequences and the tolerance. */
export interface KVCacheEquivalenceConstraints {
  /** Size of each position's feature vector (the model's input width); default 4. */
  features?: number;
  /** Number of sequences; drawn from [1, maxSide] unless given. */
  batch?: number;
  /** Sequence length; drawn from [1, maxSide] unless given. */
  length?: number;
  /** Largest drawn size; default 6. */
  maxSide?: number;
  /** Element type of x; default `float32`. */
  dtype?: 'float32' | 'float64';
  /** Smallest element; default -1. */
  min?: number;
  /** Largest element; default 1. */
  max?: number;
  /** Largest allowed |difference| between the two outputs; default 1e-5. */
  atol?: number;
}

/** One case of {@link kvCacheEquivalence}: a sequence and the chunk lengths it is fed in. */
export interface KVCacheEquivalenceCase {
  /** The sequence `(batch, length, features)`. */
  x: Tensor;
  /** Lengths of the consecutive chunks, each ≥ 1, summing to `length`. */
  chunks: number[];
}

/**
 * A property: incremental decoding with a cache equals the full forward. Feeding a sequence
 * chunk by chunk (drawn split points; one token at a time is where shrinking heads) to a fresh
 * `impl.incremental()` and concatenating the chunks' outputs gives `impl.full(x)`.
 *
 * Shapes: x (batch, length, features) -> full(x) (batch, length, ...); step(chunk (batch, n, features)) (batch, n, ...)
 *
 * @param impl - The pair under test: `full` (e.g. a causal forward) and `incremental` (e.g. the
 *   same model with a new KV cache per decoding).
 * @param constraints - `features`, `batch`, `length`, `maxSide`, `dtype`, element bounds, `atol`.
 * @returns A fast-check property over `{ x, chunks }`, to run with `fc.assert` or `fc.check`.
 * @throws {@link InvalidArgumentError} if `features`, `batch`, `length` or `maxSide` is not an
 *   integer ≥ 1, the element bounds are invalid (see {@link tensors}), or `atol` is negative or NaN.
 * @remarks The law holds for causal models only: the full forward's position i must see nothing
 *   after i, as the incremental one cannot. Outputs agree to rounding (the cache changes how the
 *   same sums are batched), so the default `atol` allows float32 differences for elements in [-1, 1].
 * @see Pope et al. 2022, "Efficiently Scaling Transformer Inference", §2 (the KV cache); HF
 *   `transformers` `DynamicCache`.
 * @example
 * ```ts
 * const attention = new MultiHeadAttention({ numHiddens: 8, numHeads: 2 }).eval();
 * fc.assert(
 *   kvCacheEquivalence(
 *     {
 *       full: (x) => attention.forward(x, x, x, undefined, { isCausal: true }),
 *       incremental: () => {
 *         const cache = attention.createCache();
 *         return (x) => attention.forward(x, x, x, undefined, { cache, isCausal: true });
 *       },
 *     },
 *     { features: attention.numHiddens },
 *   ),
 * );
 * ```
 */
export function kvCacheEquivalence(
  impl: IncrementalImpl,
  constraints: KVCacheEquivalenceConstraints = {},
): fc.IProperty<[KVCacheEquivalenceCase]> {
  checkOptions(
    'kvCacheEquivalence',
    constraints,
    {
      features: 'number',
      batch: 'number',
      length: 'number',
      maxSide: 'number',
      dtype: 'string',
      min: 'number',
      max: 'number',
      atol: 'number',
    },
    { argument: 'constraints' },
  );
  const op = 'kvCacheEquivalence';
  const { dtype = 'float32', min = -1, max = 1, atol = 1e-5 } = constraints;
  const maxSide = checkInteger(op, 'maxSide', constraints.maxSide ?? 6, 1);
  const features = checkInteger(op, 'features', constraints.features ?? 4, 1);
  const size = (name: 'batch' | 'length'): fc.Arbitrary<number> => {
    const fixed = constraints[name];
    return fixed === undefined
      ? fc.integer({ min: 1, max: maxSide })
      : fc.constant(checkInteger(op, name, fixed, 1));
  };
  if (!(atol >= 0)) throw new InvalidArgumentError(`${op}: atol must be ≥ 0; got ${atol}.`);
  elements(op, dtype, min, max); // validates the bounds now, naming this property
  const cases = fc.tuple(size('batch'), size('length')).chain(([batch, length]) =>
    fc.record({
      x: tensors({ shape: [batch, length, features], dtype, min, max }),
      // merge[i]: position i + 1 joins the chunk of position i. Shrinks to all false: one token a step.
      chunks: fc
        .array(fc.boolean(), { minLength: length - 1, maxLength: length - 1 })
        .map((merge) => chunkLengths(merge)),
    }),
  );
  return fc.property(cases, ({ x, chunks }) => {
    const [batch, length] = x.shape as [number, number, number];
    const expected = impl.full(x);
    if (expected.ndim < 2 || expected.shape[0] !== batch || expected.shape[1] !== length) {
      throw new Error(
        `${op}: full output must have shape (batch, length, ...) = (${batch}, ${length}, ...); got ${formatShape(expected.shape)}.`,
      );
    }
    const step = impl.incremental();
    const outputs: Tensor[] = [];
    let start = 0;
    for (const n of chunks) {
      const y = step(narrow(x, 1, start, n).contiguous());
      const want = [batch, n, ...expected.shape.slice(2)];
      if (formatShape(y.shape) !== formatShape(want)) {
        throw new Error(
          `${op}: the output of the chunk at positions [${start}, ${start + n}) must have shape ${formatShape(want)} like the full output's slice; got ${formatShape(y.shape)}.`,
        );
      }
      outputs.push(y);
      start += n;
    }
    const a = expected.toTypedArray();
    const b = concat(outputs, 1).toTypedArray();
    for (let i = 0; i < a.length; i++) {
      const diff = Math.abs(a[i]! - b[i]!);
      if (!(diff <= atol) && !(a[i] === b[i])) {
        throw new Error(
          `${op}: incremental outputs (chunks [${chunks.join(', ')}]) must equal the full forward within ${formatNumber(atol)}; ` +
            `at index ${formatShape(unravel(i, expected.shape))} got ${b[i]} incrementally and ${a[i]} at once.`,
        );
      }
    }
  });
}

/** Chunk lengths from merge flags: a new chunk starts at position i + 1 unless merge[i]. */
function chunkLengths(merge: readonly boolean[]): number[] {
  const chunks = [1];
  for (const m of merge) {
    if (m) chunks[chunks.length - 1]! += 1;
    else chunks.push(1);
  }
  return chunks;
}
