// The README example, run as a test so it cannot go stale.
import { Embedding, Module } from '@attnkit/layers';
import { Generator, type Tensor } from '@attnkit/tensor';
import { describe, expect, it } from 'vitest';
import {
  AdamW,
  CosineWithWarmup,
  crossEntropy,
  fit,
  parseSafetensors,
  randomWindows,
  serializeSafetensors,
  trainValSplit,
  Vocab,
  type WindowBatch,
} from '../src/index.js';

// A bigram language model: the logits of the next character are a learned row per character.
class Bigram extends Module {
  readonly table: Embedding;

  constructor(vocabSize: number, rng: Generator) {
    super();
    this.table = this.registerModule(
      'table',
      new Embedding({ numEmbeddings: vocabSize, embeddingDim: vocabSize, rng }),
    );
  }

  forward(ids: Tensor): Tensor {
    return this.table.forward(ids); // (batch, context) -> (batch, context, vocab)
  }
}

describe('README example', () => {
  it('runs as documented', async () => {
    const text = 'the time machine by h g wells '.repeat(20);
    const vocab = Vocab.fromText(text);
    const { train, val } = trainValSplit(vocab.encode(text), { valFraction: 0.1 });

    const model = new Bigram(vocab.size, new Generator(0));
    const optimizer = new AdamW(model.parameters(), { lr: 0.1, weightDecay: 0 });
    const scheduler = new CosineWithWarmup(optimizer, { warmupSteps: 10, totalSteps: 200 });
    const nextBatch = randomWindows(train, { contextLength: 8, batchSize: 16, rng: new Generator(1) });
    const valBatch = randomWindows(val, { contextLength: 8, batchSize: 16, rng: new Generator(2) })();
    const loss = (m: Bigram, { inputs, targets }: WindowBatch) => crossEntropy(m.forward(inputs), targets);

    const { lossHistory, valHistory } = await fit({
      model,
      optimizer,
      scheduler,
      data: nextBatch,
      steps: 200,
      clipNorm: 1,
      lossFn: loss,
      evaluate: { every: 50, fn: (m) => loss(m, valBatch) },
    });
    expect(vocab.size).toBe(16);
    // From about ln 16 ≈ 2.8 down to the bigram entropy of the text, about 0.75.
    expect(lossHistory[0]!).toBeGreaterThan(2.5);
    expect(lossHistory.at(-1)!).toBeLessThan(1);
    expect(valHistory.at(-1)!.value).toBeLessThan(1);
    expect(valHistory.map((v) => v.step)).toEqual([50, 100, 150, 200]);

    // Save and restore the weights (in Node, saveSafetensors/loadSafetensors from '@attnkit/training/node').
    const bytes = serializeSafetensors(model.stateDict(), { format: 'pt' });
    const copy = new Bigram(vocab.size, new Generator(9));
    copy.loadStateDict(parseSafetensors(bytes).tensors);
    expect(loss(copy, valBatch).item()).toBeCloseTo(valHistory.at(-1)!.value, 6);
  });
});
