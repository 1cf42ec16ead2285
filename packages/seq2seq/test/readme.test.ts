// The README example, run as a test so it cannot go stale.
import { Generator, tensor } from '@attnkit/tensor';
import { Adam } from '@attnkit/training';
import { describe, expect, it } from 'vitest';
import {
  beamSearch,
  EncoderDecoder,
  greedySearch,
  Seq2SeqAttentionDecoder,
  Seq2SeqEncoder,
  sequenceLoss,
} from '../src/index.js';

describe('README example', () => {
  it('runs as documented', () => {
    const rng = new Generator(0);
    const sizes = { embedSize: 16, numHiddens: 32, numLayers: 2, rng };
    const model = new EncoderDecoder(
      new Seq2SeqEncoder({ vocabSize: 20, ...sizes }),
      new Seq2SeqAttentionDecoder({ vocabSize: 20, ...sizes }),
    );
    const src = tensor([[5, 6, 7, 0]], { dtype: 'int32' });
    const srcValidLens = tensor([3], { dtype: 'int32' });
    const decX = tensor([[1, 7, 6, 5]], { dtype: 'int32' });
    const labels = tensor([[7, 6, 5, 2]], { dtype: 'int32' });
    const optimizer = new Adam(model.parameters(), { lr: 0.005 });
    const [logits] = model.forward(src, decX, srcValidLens);
    expect(logits.shape).toEqual([1, 4, 20]);
    const loss = sequenceLoss(logits, labels, [4]);
    loss.backward();
    optimizer.step();

    model.eval();
    const [greedy] = greedySearch(model, src, srcValidLens, { bos: 1, eos: 2, maxLen: 10 });
    const [beams] = beamSearch(model, src, srcValidLens, {
      bos: 1,
      eos: 2,
      maxLen: 10,
      beamSize: 4,
      alpha: 0.6,
      nBest: 2,
      returnAttention: true,
    });
    expect(greedy!.tokens.length).toBeLessThanOrEqual(10);
    expect(beams).toHaveLength(2);
    const steps = beams![0]!.tokens.length + (beams![0]!.finished ? 1 : 0);
    expect(beams![0]!.attention!.shape).toEqual([steps, 1, 1, 4]);
  });
});
