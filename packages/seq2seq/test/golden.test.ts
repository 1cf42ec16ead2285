// PyTorch fixtures from tools/golden/seq2seq.py (keys in FIXTURES.md): D2L's Seq2SeqEncoder,
// Seq2SeqAttentionDecoder and EncoderDecoder (§10.4, §10.7) with D2L's state-dict keys, logits,
// final state, per-step attention weights, gradients of every parameter and D2L's greedy
// predict_step, compared with atol 1e-5 / rtol 1e-4 (float32).
import { readFileSync } from 'node:fs';
import { add, type DType, mul, stack, sum, type Tensor, tensor } from '@attnkit/tensor';
import { expectClose } from '@attnkit/testing';
import { describe, expect, it } from 'vitest';
import { EncoderDecoder, greedySearch, Seq2SeqAttentionDecoder, Seq2SeqEncoder } from '../src/index.js';

interface Fixed {
  shape: number[];
  dtype: DType;
  data: number[];
}
interface Fixture {
  sizes: { srcVocab: number; tgtVocab: number; embedSize: number; numHiddens: number; numLayers: number };
  stateDict: Record<string, Fixed>;
  stateKeys: string[];
  src: Fixed;
  tgt: Fixed;
  validLens: Fixed;
  encoder: { outputs: Fixed; state: Fixed };
  logits: Fixed;
  hiddenState: Fixed;
  attentionWeights: Fixed;
  R: Fixed;
  R_state: Fixed;
  grads: Record<string, Fixed>;
  predict: { numSteps: number; bos: number; tokens: Fixed; attention: Fixed };
}

const fixture = JSON.parse(
  readFileSync(new URL('./fixtures/seq2seq.json', import.meta.url), 'utf8'),
) as Fixture;
const t = (f: Fixed): Tensor => tensor(f.data, { shape: f.shape, dtype: f.dtype });
const close = { atol: 1e-5, rtol: 1e-4 };

function loadedModel() {
  const { srcVocab, tgtVocab, embedSize, numHiddens, numLayers } = fixture.sizes;
  const model = new EncoderDecoder(
    new Seq2SeqEncoder({ vocabSize: srcVocab, embedSize, numHiddens, numLayers }),
    new Seq2SeqAttentionDecoder({ vocabSize: tgtVocab, embedSize, numHiddens, numLayers }),
  );
  model.loadStateDict(Object.fromEntries(Object.entries(fixture.stateDict).map(([k, v]) => [k, t(v)])));
  return model.eval();
}

describe('Seq2SeqEncoder, Seq2SeqAttentionDecoder, EncoderDecoder (golden, D2L PyTorch)', () => {
  it("has D2L's state-dict keys in D2L's order", () => {
    expect(Object.keys(loadedModel().stateDict())).toEqual(fixture.stateKeys);
  });

  it("matches the encoder's outputs and state", () => {
    const [outputs, state] = loadedModel().encoder.forward(t(fixture.src));
    expectClose(outputs, t(fixture.encoder.outputs), close);
    expectClose(state, t(fixture.encoder.state), close);
  });

  it('matches the logits, the final hidden state and every step’s attention weights', () => {
    const model = loadedModel();
    const [logits, state] = model.forward(t(fixture.src), t(fixture.tgt), t(fixture.validLens));
    expectClose(logits, t(fixture.logits), close);
    expectClose(state[1], t(fixture.hiddenState), close);
    const decoder = model.decoder as Seq2SeqAttentionDecoder;
    expectClose(stack(decoder.attentionWeights, 0), t(fixture.attentionWeights), close);
  });

  it('matches the gradients of every parameter', () => {
    const model = loadedModel();
    const [logits, state] = model.forward(t(fixture.src), t(fixture.tgt), t(fixture.validLens));
    add(sum(mul(logits, t(fixture.R))), sum(mul(state[1], t(fixture.R_state)))).backward();
    for (const [key, p] of model.namedParameters()) expectClose(p.grad!, t(fixture.grads[key]!), close);
  });

  it("greedySearch reproduces D2L's predict_step tokens and attention (no early eos)", () => {
    const { numSteps, bos, tokens, attention } = fixture.predict;
    const hyps = greedySearch(loadedModel(), t(fixture.src), t(fixture.validLens), {
      bos,
      eos: 0, // a token D2L's run never emits: every row runs numSteps steps, as predict_step
      maxLen: numSteps,
      returnAttention: true,
    });
    const expected = t(tokens).toArray() as number[][];
    expect(expected.flat()).not.toContain(0);
    expect(hyps.map((h) => h.tokens)).toEqual(expected);
    expect(hyps.every((h) => !h.finished)).toBe(true);
    const att = t(attention); // (steps, batch, 1, srcLen)
    hyps.forEach((h, b) => {
      const rows = (att.toArray() as number[][][][]).map((step) => [[step[b]![0]!]]);
      expectClose(h.attention!, rows, close);
    });
  });

  it('greedySearch stops a row at eos and keeps decoding the others (compacted batch)', () => {
    const { numSteps, bos, tokens } = fixture.predict;
    const eos = 2;
    const hyps = greedySearch(loadedModel(), t(fixture.src), t(fixture.validLens), {
      bos,
      eos,
      maxLen: numSteps,
    });
    const expected = (t(tokens).toArray() as number[][]).map((row) => {
      const end = row.indexOf(eos);
      return end === -1 ? { tokens: row, finished: false } : { tokens: row.slice(0, end), finished: true };
    });
    expect(hyps.map((h) => ({ tokens: h.tokens, finished: h.finished }))).toEqual(expected);
  });
});
