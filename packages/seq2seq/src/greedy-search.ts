import { noGrad, type Tensor } from '@attnkit/tensor';
import type { DecodingModel, Hypothesis, SearchOptions } from './decoding-model.js';
import {
  attentionRows,
  checkFinite,
  lengthPenalty,
  resolveSearch,
  stackAttention,
  stepLogProbs,
  tokensTensor,
} from './internal/search.js';

/**
 * Greedy decoding: at every step each output takes its most probable next token, until it emits
 * `eos` or reaches `maxLen` tokens. Batched: finished rows leave the batch (`selectState`).
 *
 * Shapes: src (batch, srcLen) int32, srcValidLens (batch) int32 -> batch hypotheses; attention
 * (steps, layers, heads, srcLen) each
 *
 * @param model - A {@link DecodingModel} (e.g. an {@link EncoderDecoder}); put it in `eval()` mode.
 * @param src - Source tokens.
 * @param srcValidLens - Valid source tokens per row.
 * @param options - `bos`, `eos`, `maxLen`, `alpha = 0` (only rescales `score`), `returnAttention = false`.
 * @returns One {@link Hypothesis} per source row, in order.
 * @throws {@link ShapeError} if `src` is not `(batch, srcLen)` int32 or `srcValidLens` not `(batch)`.
 * @throws {@link InvalidArgumentError} if an option is unknown or out of range, or the model returns NaN logits.
 * @remarks Runs under `noGrad`. Ties go to the lowest token id (argmax).
 * @see D2L §10.7.6 "Prediction" (`predict_step`), §10.8.2 "Greedy Search".
 * @example
 * ```ts
 * const sizes = { vocabSize: 8, embedSize: 4, numHiddens: 8 };
 * const model = new EncoderDecoder(new Seq2SeqEncoder(sizes), new Seq2SeqAttentionDecoder(sizes)).eval();
 * const src = tensor([[3, 4, 5], [6, 7, 0]], { dtype: 'int32' }); // 0 = <pad>
 * const hyps = greedySearch(model, src, tensor([3, 2], { dtype: 'int32' }), { bos: 1, eos: 2, maxLen: 10 });
 * hyps.length; // 2: one per source row, each { tokens, logProb, score, finished }
 * ```
 */
export function greedySearch<S>(
  model: DecodingModel<S>,
  src: Tensor,
  srcValidLens: Tensor,
  options: SearchOptions,
): Hypothesis[] {
  const op = 'greedySearch';
  const [batch, o] = resolveSearch(op, src, srcValidLens, options, {});
  return noGrad(() => {
    const tokens: number[][] = Array.from({ length: batch }, () => []);
    const logProbs = new Array<number>(batch).fill(0);
    const finished = new Array<boolean>(batch).fill(false);
    const attention: Float32Array[][] = Array.from({ length: batch }, () => []);
    let lastAttention: Tensor | null = null;
    let state = model.startDecoding(src, srcValidLens);
    let active = Array.from({ length: batch }, (_, b) => b); // source row of each state row
    let previous = new Array<number>(batch).fill(o.bos);
    for (let step = 0; step < o.maxLen && active.length > 0; step++) {
      const out = model.decodeStep(tokensTensor(previous), state);
      const [lp, vocab] = stepLogProbs(op, out.logits, active.length);
      const row = o.returnAttention ? attentionRows(out.crossAttention) : null;
      const keep: number[] = [];
      const next: number[] = [];
      active.forEach((b, i) => {
        let best = 0;
        for (let v = 1; v < vocab; v++) if (lp[i * vocab + v]! > lp[i * vocab + best]!) best = v;
        const value = lp[i * vocab + best]!;
        checkFinite(op, value);
        logProbs[b]! += value;
        if (row !== null) attention[b]!.push(row(i));
        if (best === o.eos) {
          finished[b] = true;
        } else {
          tokens[b]!.push(best);
          keep.push(i);
          next.push(best);
        }
      });
      lastAttention = out.crossAttention;
      state = out.state;
      if (keep.length < active.length && keep.length > 0)
        state = model.selectState(state, tokensTensor(keep));
      active = keep.map((i) => active[i]!);
      previous = next;
    }
    return tokens.map((t, b) => {
      const length = t.length + (finished[b] ? 1 : 0);
      const h: Hypothesis = {
        tokens: t,
        logProb: logProbs[b]!,
        score: logProbs[b]! / lengthPenalty(length, o.alpha),
        finished: finished[b]!,
      };
      return o.returnAttention && lastAttention !== null
        ? { ...h, attention: stackAttention(attention[b]!, lastAttention) }
        : h;
    });
  });
}
