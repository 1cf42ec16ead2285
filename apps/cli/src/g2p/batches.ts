import { type Generator, type Tensor, tensor } from '@attnkit/tensor';
import { bucketBatches, padSequences } from '@attnkit/training';
import type { Example } from './data.js';

/** One padded training batch (D2L's seq2seq batch `(src, tgt, src_valid_len, label)`). */
export interface G2PBatch {
  /** Source letters + `<eos>`, padded `(batch, srcLen)` int32. */
  readonly src: Tensor;
  /** Valid source positions `(batch)` int32. */
  readonly srcValidLens: Tensor;
  /** Decoder input: `<bos>` + target without its last token, padded `(batch, tgtLen)` int32. */
  readonly decInput: Tensor;
  /** Labels: target phonemes + `<eos>`, padded with `<pad>` `(batch, tgtLen)` int32. */
  readonly labels: Tensor;
  /** Number of label tokens that are not padding. */
  readonly tokens: number;
}

/** Pads one batch of examples. */
export function makeBatch(examples: readonly Example[], ids: { pad: number; bos: number }): G2PBatch {
  const { tokens: src, validLens } = padSequences(
    examples.map((e) => e.src),
    { padId: ids.pad },
  );
  const labels = padSequences(
    examples.map((e) => e.tgt),
    { padId: ids.pad },
  );
  const len = labels.tokens.shape[1]!;
  const dec = new Int32Array(examples.length * len).fill(ids.pad);
  let tokens = 0;
  examples.forEach((e, b) => {
    dec[b * len] = ids.bos;
    dec.set(e.tgt.subarray(0, e.tgt.length - 1), b * len + 1);
    tokens += e.tgt.length;
  });
  return {
    src,
    srcValidLens: validLens,
    decInput: tensor(dec, { shape: [examples.length, len], dtype: 'int32' }),
    labels: labels.tokens,
    tokens,
  };
}

/**
 * An endless stream of length-bucketed batches over the examples, reshuffled every epoch;
 * `epoch()` tells how many passes have started.
 */
export function batchStream(
  examples: readonly Example[],
  options: { batchSize: number; rng: Generator; ids: { pad: number; bos: number } },
): { next: () => G2PBatch; epoch: () => number } {
  const lengths = examples.map((e) => e.src.length + e.tgt.length);
  let queue: number[][] = [];
  let epochs = 0;
  return {
    next: () => {
      if (queue.length === 0) {
        queue = bucketBatches(lengths, { batchSize: options.batchSize, rng: options.rng });
        epochs++;
      }
      const idx = queue.pop()!;
      return makeBatch(
        idx.map((i) => examples[i]!),
        options.ids,
      );
    },
    epoch: () => epochs,
  };
}
