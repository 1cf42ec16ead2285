// PyTorch fixtures from tools/golden/encoder_decoder.py (keys in FIXTURES.md): D2L §11.7
// EncoderDecoder(TransformerEncoder, TransformerDecoder) with loaded weights: teacher-forced logits,
// the last block's encoder–decoder attention weights, D2L's masked Seq2Seq loss and gradients,
// compared with atol 1e-5 / rtol 1e-4.
import { readFileSync } from 'node:fs';
import { div, gather, logSoftmax, mul, neg, reshape, sum, type Tensor, tensor } from '@attnkit/tensor';
import { expectClose } from '@attnkit/testing';
import { describe, expect, it } from 'vitest';
import { Transformer } from '../src/index.js';
import { type Fixed, flat, load } from './helpers.js';

interface Fixture {
  config: {
    srcVocabSize: number;
    tgtVocabSize: number;
    numHiddens: number;
    ffnNumHiddens: number;
    numHeads: number;
    numBlks: number;
    pad: number;
  };
  stateDict: Record<string, Fixed>;
  encX: Fixed;
  validLens: Fixed;
  decX: Fixed;
  Y: Fixed;
  logits: Fixed;
  loss: Fixed;
  crossAttention: Fixed;
  grads: Record<string, Fixed>;
}

const fixture = JSON.parse(
  readFileSync(new URL('./fixtures/encoder-decoder.json', import.meta.url), 'utf8'),
) as Fixture;
const tol = { atol: 1e-5, rtol: 1e-4 };

/** D2L Seq2Seq.loss: per-token cross-entropy, averaged over the tokens that are not `pad`. */
function maskedLoss(logits: Tensor, Y: Fixed, pad: number): Tensor {
  const V = logits.shape[2]!;
  const n = Y.data.length;
  const logp = reshape(logSoftmax(logits, -1), [n, V]);
  const picked = reshape(gather(logp, 1, tensor(Y.data, { shape: [n, 1], dtype: 'int32' })), [n]);
  const mask = tensor(
    Y.data.map((y) => (y === pad ? 0 : 1)),
    { shape: [n] },
  );
  return div(neg(sum(mul(picked, mask))), Y.data.filter((y) => y !== pad).length);
}

function loaded(): Transformer {
  const { pad: _pad, ...config } = fixture.config;
  const model = new Transformer(config);
  const state = Object.fromEntries(Object.entries(fixture.stateDict).map(([k, v]) => [k, load(v)]));
  const result = model.loadStateDict(state);
  expect(result.missingKeys).toEqual([]);
  expect(result.unexpectedKeys).toEqual([]);
  return model;
}

describe('Transformer (D2L EncoderDecoder golden)', () => {
  it('gives D2L’s teacher-forced logits and encoder–decoder attention weights', () => {
    const model = loaded();
    const logits = model.forward(load(fixture.encX), load(fixture.decX), load(fixture.validLens), {
      needWeights: true,
    });
    expect(logits.shape).toEqual(fixture.logits.shape);
    expectClose(flat(logits), fixture.logits.data, tol);
    const weights = model.decoder.attentionWeights[1].at(-1);
    expectClose(flat(weights!), fixture.crossAttention.data, tol);
  });

  it('gives D2L’s masked Seq2Seq loss and its gradients', () => {
    const model = loaded();
    const logits = model.forward(load(fixture.encX), load(fixture.decX), load(fixture.validLens));
    const loss = maskedLoss(logits, fixture.Y, fixture.config.pad);
    expectClose(flat(loss), fixture.loss.data, tol);
    loss.backward();
    const params = Object.fromEntries(model.namedParameters());
    for (const [key, grad] of Object.entries(fixture.grads)) {
      expect(params[key]?.grad, key).toBeTruthy();
      expectClose(flat(params[key]!.grad!), grad.data, tol);
    }
  });

  it('decodes step by step with its caches to D2L’s teacher-forced logits', () => {
    const model = loaded().eval();
    let state = model.startDecoding(load(fixture.encX), load(fixture.validLens));
    const dec = fixture.decX.data;
    const [batch, steps] = fixture.decX.shape as [number, number];
    const V = fixture.config.tgtVocabSize;
    for (let t = 0; t < steps; t++) {
      const tokens = load({ shape: [batch], dtype: 'int32', data: [dec[t]!, dec[steps + t]!] });
      const step = model.decodeStep(tokens, state);
      state = step.state;
      const got = flat(step.logits);
      for (let b = 0; b < batch; b++) {
        const at = (b * steps + t) * V;
        expectClose(got.slice(b * V, (b + 1) * V), fixture.logits.data.slice(at, at + V), tol);
      }
    }
  });
});
