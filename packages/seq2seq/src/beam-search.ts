import { InvalidArgumentError, noGrad, type Tensor } from '@attnkit/tensor';
import type { DecodingModel, Hypothesis, SearchOptions } from './decoding-model.js';
import { checkInteger } from './internal/check.js';
import {
  attentionRows,
  checkFinite,
  lengthPenalty,
  resolveSearch,
  stackAttention,
  stepLogProbs,
  tokensTensor,
} from './internal/search.js';

/** Options of {@link beamSearch}. */
export interface BeamSearchOptions extends SearchOptions {
  /** Hypotheses kept per source row at every step (≥ 1; 1 is greedy search). */
  beamSize: number;
  /** Hypotheses returned per source row, best first, in [1, beamSize] (default 1). */
  nBest?: number;
}

/** A live beam: its tokens so far, summed log-probability, state row and attention rows. */
interface Beam {
  tokens: number[];
  logProb: number;
  row: number;
  attention: Float32Array[];
}

/** A hypothesis that left the beam, with its attention rows (empty without returnAttention). */
interface Pending {
  tokens: number[];
  logProb: number;
  score: number;
  finished: boolean;
  rows: Float32Array[];
}

/**
 * Batched beam search with GNMT length normalisation: every source row keeps the `beamSize`
 * most probable partial outputs; an output that emits `eos` is finished and stops growing.
 *
 * Shapes: src (batch, srcLen) int32, srcValidLens (batch) int32 -> batch × nBest hypotheses;
 * attention (steps, layers, heads, srcLen) each
 *
 * @param model - A {@link DecodingModel} (e.g. an {@link EncoderDecoder}); put it in `eval()` mode.
 * @param src - Source tokens.
 * @param srcValidLens - Valid source tokens per row.
 * @param options - `bos`, `eos`, `maxLen`, `beamSize`, `nBest = 1`, `alpha = 0`, `returnAttention = false`.
 * @returns Per source row, its `nBest` hypotheses ranked by `score` = logProb / ((5 + length)/6)^alpha.
 * @throws {@link ShapeError} if `src` is not `(batch, srcLen)` int32 or `srcValidLens` not `(batch)`.
 * @throws {@link InvalidArgumentError} if an option is unknown or out of range (`nBest` > `beamSize`
 *   included), or the model returns NaN logits.
 * @remarks Each step ranks the beamSize·vocab extensions of the live beams and walks them best
 *   first (ties: higher step log-probability, then lower beam and token index): an `eos` extension
 *   among the first beamSize becomes a finished hypothesis, the others refill the live beams. A row
 *   stops when it has `nBest` finished hypotheses and none of its live beams can still overtake the
 *   nBest-th: log-probabilities only fall, so a live beam's best reachable score is
 *   logProb / lp(maxLen) (exact for every alpha ≥ 0, no heuristic). At `maxLen` the live beams join
 *   as unfinished hypotheses. With beamSize 1 and alpha 0 this is greedy search. Runs under `noGrad`.
 * @see D2L §10.8.3 "Beam Search"; Wu et al. 2016 (GNMT), §7 eq. 14 (length normalisation).
 * @example
 * ```ts
 * const sizes = { vocabSize: 8, embedSize: 4, numHiddens: 8 };
 * const model = new EncoderDecoder(new Seq2SeqEncoder(sizes), new Seq2SeqAttentionDecoder(sizes)).eval();
 * const src = tensor([[3, 4, 5]], { dtype: 'int32' });
 * const options = { bos: 1, eos: 2, maxLen: 20, beamSize: 4, alpha: 0.6, nBest: 2, returnAttention: true };
 * const [hyps] = beamSearch(model, src, tensor([3], { dtype: 'int32' }), options);
 * hyps.map((h) => h.tokens); // the two best outputs, best first
 * hyps[0]?.attention?.shape; // (steps, 1, 1, 3)
 * ```
 */
export function beamSearch<S>(
  model: DecodingModel<S>,
  src: Tensor,
  srcValidLens: Tensor,
  options: BeamSearchOptions,
): Hypothesis[][] {
  const op = 'beamSearch';
  const [batch, o] = resolveSearch(op, src, srcValidLens, options, { beamSize: 'number', nBest: 'number' });
  const K = checkInteger(op, 'beamSize', options.beamSize, 1);
  const nBest = checkInteger(op, 'nBest', options.nBest ?? 1, 1);
  if (nBest > K) {
    throw new InvalidArgumentError(`${op}: nBest must be ≤ beamSize (${K}); got ${nBest}.`);
  }
  const bestReachable = (logProb: number): number => logProb / lengthPenalty(o.maxLen, o.alpha);
  return noGrad(() => {
    const done: Pending[][] = Array.from({ length: batch }, () => []);
    let lastAttention: Tensor | null = null;
    let state = model.startDecoding(src, srcValidLens);
    // Every source row starts with K copies of its state; only beam 0 is live at step 0, so the
    // first step's K best extensions are distinct tokens.
    const rows: number[] = [];
    for (let b = 0; b < batch; b++) for (let k = 0; k < K; k++) rows.push(b);
    state = model.selectState(state, tokensTensor(rows));
    let active = Array.from({ length: batch }, (_, b) => b);
    let beams: Beam[][] = active.map((b) =>
      Array.from({ length: K }, (_, k) => ({
        tokens: [],
        logProb: k === 0 ? 0 : Number.NEGATIVE_INFINITY,
        row: b * K + k,
        attention: [],
      })),
    );
    const finish = (
      b: number,
      tokens: number[],
      logProb: number,
      finished: boolean,
      rows: Float32Array[],
    ): void => {
      const length = tokens.length + (finished ? 1 : 0);
      done[b]!.push({ tokens, logProb, score: logProb / lengthPenalty(length, o.alpha), finished, rows });
    };
    for (let step = 0; step < o.maxLen && active.length > 0; step++) {
      const previous = beams.flatMap((bs) => bs.map((beam) => beam.tokens[beam.tokens.length - 1] ?? o.bos));
      const out = model.decodeStep(tokensTensor(previous), state);
      const [lp, vocab] = stepLogProbs(op, out.logits, previous.length);
      const row = o.returnAttention ? attentionRows(out.crossAttention) : null;
      lastAttention = out.crossAttention;
      const last = step === o.maxLen - 1;
      const nextActive: number[] = [];
      const nextBeams: Beam[][] = [];
      active.forEach((b, ai) => {
        const live = beams[ai]!;
        // Candidates (beam k, token v) with finite log-probability, best first.
        const cands: [number, number, number, number][] = []; // [total, step logProb, k, v]
        live.forEach((beam, k) => {
          if (beam.logProb === Number.NEGATIVE_INFINITY) return;
          const base = (ai * K + k) * vocab;
          for (let v = 0; v < vocab; v++) {
            const x = lp[base + v]!;
            checkFinite(op, x);
            const total = beam.logProb + x;
            if (total !== Number.NEGATIVE_INFINITY) cands.push([total, x, k, v]);
          }
        });
        cands.sort((p, q) => q[0] - p[0] || q[1] - p[1] || p[2] - q[2] || p[3] - q[3]);
        const grown: Beam[] = [];
        for (let rank = 0; rank < cands.length && grown.length < K; rank++) {
          const [total, , k, v] = cands[rank]!;
          const parent = live[k]!;
          const att = row === null ? [] : [...parent.attention, row(ai * K + k)];
          if (v === o.eos) {
            if (rank < K) finish(b, parent.tokens.slice(), total, true, att);
            continue;
          }
          grown.push({ tokens: [...parent.tokens, v], logProb: total, row: ai * K + k, attention: att });
        }
        const finished = done[b]!.sort((p, q) => q.score - p.score);
        const bestLive = grown[0]?.logProb ?? Number.NEGATIVE_INFINITY;
        const settled =
          grown.length === 0 ||
          (finished.length >= nBest && finished[nBest - 1]!.score >= bestReachable(bestLive));
        if (settled) return;
        if (last) {
          for (const beam of grown) finish(b, beam.tokens, beam.logProb, false, beam.attention);
          return;
        }
        // Pad with dead beams (logProb −∞) so every source row keeps K state rows.
        while (grown.length < K)
          grown.push({ tokens: [], logProb: Number.NEGATIVE_INFINITY, row: grown[0]!.row, attention: [] });
        nextActive.push(b);
        nextBeams.push(grown);
      });
      state = out.state;
      if (nextActive.length === 0) break;
      state = model.selectState(state, tokensTensor(nextBeams.flatMap((bs) => bs.map((beam) => beam.row))));
      nextBeams.forEach((bs, ai) => {
        bs.forEach((beam, k) => {
          beam.row = ai * K + k;
        });
      });
      active = nextActive;
      beams = nextBeams;
    }
    return done.map((hyps) =>
      hyps
        .sort((p, q) => q.score - p.score)
        .slice(0, nBest)
        .map(
          ({ rows, ...h }): Hypothesis =>
            o.returnAttention && lastAttention !== null
              ? { ...h, attention: stackAttention(rows, lastAttention) }
              : h,
        ),
    );
  });
}
