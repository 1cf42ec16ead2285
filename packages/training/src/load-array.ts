import {
  checkOptions,
  createView,
  defaultGenerator,
  formatShape,
  fromNdarray,
  type Generator,
  InvalidArgumentError,
  indexSelect,
  ShapeError,
  Tensor,
} from '@attnkit/tensor';
import { checkInteger, describe } from './internal/check.js';
import { RNG } from './internal/options.js';

/** Options of {@link loadArray}. */
export interface LoadArrayOptions {
  /** Reshuffle the examples at the start of every pass; default true (D2L `is_train`). */
  shuffle?: boolean;
  /** Generator for the shuffles; default the global {@link defaultGenerator}. Seed it for reproducible runs. */
  rng?: Generator;
}

/** Minibatches over arrays; each `for…of` pass is one epoch (reshuffled when `shuffle` is on). */
export interface BatchIterable extends Iterable<Tensor[]> {
  /** Batches per pass: ⌈examples / batchSize⌉. */
  readonly numBatches: number;
  /** Examples (the common first-axis extent). */
  readonly numExamples: number;
}

/**
 * Minibatches over tensors that share their first axis, like D2L's `load_array` (a PyTorch
 * `DataLoader` over a `TensorDataset`): each pass yields `[batch of arrays[0], batch of arrays[1], …]`.
 *
 * Shapes: arrays[k] (examples, ...) -> each batch [ (batchSize, ...) per array ]; the last batch may be smaller
 *
 * @param arrays - One or more tensors with the same first extent (e.g. `[features, labels]`).
 * @param batchSize - Examples per batch, an integer ≥ 1; the last batch holds the rest (no drop_last).
 * @param options - `shuffle` (true) and `rng`.
 * @returns An iterable; every iteration is a new epoch with a fresh permutation drawn from `rng`.
 * @throws {@link InvalidArgumentError} if `arrays` is empty or holds a non-Tensor, or `batchSize`
 *   is not an integer ≥ 1.
 * @throws {@link ShapeError} if an array is 0-d or the first extents differ (the message names the shapes).
 * @remarks The shuffle is Fisher–Yates driven by `rng.int`, so the same seed gives the same
 *   batches on every platform. Batches are copies (`indexSelect`), so a model may keep them.
 * @see D2L §3.3 "Concise Implementation of Linear Regression" (`load_array`); PyTorch `DataLoader`.
 * @example
 * ```ts
 * const features = randn([100, 2]);
 * const labels = randn([100, 1]);
 * for (const [X, y] of loadArray([features, labels], 10, { rng: new Generator(0) })) {
 *   // X (10, 2), y (10, 1)
 * }
 * ```
 */
export function loadArray(
  arrays: readonly Tensor[],
  batchSize: number,
  options: LoadArrayOptions = {},
): BatchIterable {
  checkOptions(
    'loadArray',
    options,
    { shuffle: 'boolean', rng: RNG },
    { usage: 'loadArray(arrays, 32, { shuffle: true })' },
  );
  const op = 'loadArray';
  if (!Array.isArray(arrays) || arrays.length === 0) {
    throw new InvalidArgumentError(
      `${op}: arrays must be a non-empty array of Tensors; got ${describe(arrays)}.`,
    );
  }
  arrays.forEach((a, k) => {
    if (!(a instanceof Tensor)) {
      throw new InvalidArgumentError(`${op}: arrays[${k}] must be a Tensor; got ${describe(a)}.`);
    }
  });
  checkInteger(op, 'batchSize', batchSize, 1);
  const first = arrays[0] as Tensor;
  const n = first.shape[0];
  arrays.forEach((a, k) => {
    if (a.ndim === 0 || a.shape[0] !== n) {
      throw new ShapeError(
        `${op}: arrays[${k}] must have shape (${n ?? 'examples'}, ...) like arrays[0] ${formatShape(first.shape)}; got ${formatShape(a.shape)}.`,
      );
    }
  });
  const examples = n as number;
  const shuffle = options.shuffle ?? true;
  const rng = options.rng;
  return {
    numBatches: Math.ceil(examples / batchSize),
    numExamples: examples,
    *[Symbol.iterator](): Iterator<Tensor[]> {
      const order = new Int32Array(examples);
      for (let i = 0; i < examples; i++) order[i] = i;
      if (shuffle) {
        const gen = rng ?? defaultGenerator();
        // Fisher–Yates: swap each position with a uniform one at or before it.
        for (let i = examples - 1; i > 0; i--) {
          const j = gen.int(0, i + 1);
          const tmp = order[i]!;
          order[i] = order[j]!;
          order[j] = tmp;
        }
      }
      for (let start = 0; start < examples; start += batchSize) {
        const idx = order.slice(start, Math.min(start + batchSize, examples));
        const index = fromNdarray(createView(idx, [idx.length]));
        yield arrays.map((a) => indexSelect(a, 0, index));
      }
    },
  };
}
