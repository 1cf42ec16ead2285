import { defaultGenerator, type Generator, InvalidArgumentError } from '@attnkit/tensor';
import { checkInteger, describe } from './internal/check.js';

/** Options of {@link bucketBatches}. */
export interface BucketBatchesOptions {
  /** Examples per batch (the last batch of a pool may be smaller), an integer ≥ 1. */
  batchSize: number;
  /**
   * Examples sorted by length together (default 50 × batchSize): larger pools waste less padding,
   * smaller ones mix lengths more.
   */
  poolSize?: number;
  /** Shuffle the examples before pooling and the batches after (default true). */
  shuffle?: boolean;
  /** Random source of the shuffles (default the global generator). */
  rng?: Generator;
}

/**
 * Length-bucketed batches: examples are shuffled, cut into pools, sorted by length inside each
 * pool and chunked into batches, whose order is shuffled again; each batch then holds examples of
 * similar length, so padding (and wasted compute) stays small while the batches stay random.
 *
 * Shapes: lengths (n) -> batches of indices into lengths (every index exactly once)
 *
 * @param lengths - Length of each example (e.g. source + target tokens).
 * @param options - `batchSize`, `poolSize = 50·batchSize`, `shuffle = true`, `rng`.
 * @returns The batches, each an array of example indices; call again for the next epoch.
 * @throws {@link InvalidArgumentError} if `lengths` is not an array of integers ≥ 0, or
 *   `batchSize`/`poolSize` is not an integer ≥ 1.
 * @see The bucketing of fairseq/tensor2tensor ("bucket_by_sequence_length"); Sutskever et al. 2014 §3.4.
 * @example
 * ```ts
 * bucketBatches([3, 9, 4, 8], { batchSize: 2, shuffle: false }); // [[0, 2], [3, 1]]
 * ```
 */
export function bucketBatches(lengths: readonly number[], options: BucketBatchesOptions): number[][] {
  const op = 'bucketBatches';
  if (!Array.isArray(lengths)) {
    throw new InvalidArgumentError(`${op}: lengths must be an array of integers; got ${describe(lengths)}.`);
  }
  const unknown = Object.keys(options ?? {}).filter(
    (k) => !['batchSize', 'poolSize', 'shuffle', 'rng'].includes(k),
  );
  if (unknown.length > 0) {
    throw new InvalidArgumentError(
      `${op}: unknown options [${unknown.join(', ')}]; expected batchSize, poolSize, shuffle, rng.`,
    );
  }
  const batchSize = checkInteger(op, 'batchSize', options.batchSize, 1);
  const poolSize = checkInteger(op, 'poolSize', options.poolSize ?? 50 * batchSize, 1);
  lengths.forEach((l, i) => {
    if (!Number.isSafeInteger(l) || l < 0) {
      throw new InvalidArgumentError(`${op}: lengths[${i}] must be an integer ≥ 0; got ${String(l)}.`);
    }
  });
  const shuffle = options.shuffle ?? true;
  const rng = options.rng ?? defaultGenerator();
  const order = lengths.map((_, i) => i);
  if (shuffle) shuffleInPlace(order, rng);
  const batches: number[][] = [];
  for (let p = 0; p < order.length; p += poolSize) {
    // A stable sort keeps the shuffled order among equal lengths.
    const pool = order.slice(p, p + poolSize).sort((a, b) => lengths[a]! - lengths[b]!);
    for (let b = 0; b < pool.length; b += batchSize) batches.push(pool.slice(b, b + batchSize));
  }
  if (shuffle) shuffleInPlace(batches, rng);
  return batches;
}

/** Fisher–Yates. */
function shuffleInPlace<T>(items: T[], rng: Generator): void {
  for (let i = items.length - 1; i > 0; i--) {
    const j = rng.int(0, i + 1);
    [items[i], items[j]] = [items[j]!, items[i]!];
  }
}
