import { plot } from '@attnkit/plot';
import { Generator } from '@attnkit/tensor';
import {
  Adam,
  crossEntropy,
  fit,
  randomWindows,
  Vocab,
} from '@attnkit/training';
import { TransformerLM } from '@attnkit/transformer';

const text =
  'the time traveller for so it will be convenient to speak of him was expounding a recondite matter to us '.repeat(
    8,
  );

export async function main() {
  // A character-level GPT: one causal block, trained for at most 3 seconds (or
  // 150 steps).
  const rng = new Generator(0);
  const vocab = Vocab.fromText(text);
  const lm = new TransformerLM({
    vocabSize: vocab.size,
    numHiddens: 32,
    numHeads: 2,
    numBlks: 1,
    ffnNumHiddens: 64,
    maxLen: 32,
    rng,
  });
  const batches = randomWindows(vocab.encode(text), {
    contextLength: 16,
    batchSize: 8,
    rng,
  });
  const { lossHistory, steps } = await fit({
    model: lm,
    optimizer: new Adam(lm.parameters(), { lr: 1e-2 }),
    data: batches,
    steps: 150,
    signal: AbortSignal.timeout(3000),
    lossFn: (model, { inputs, targets }) =>
      crossEntropy(
        model.forward(inputs).reshape([-1, vocab.size]),
        targets.reshape([-1]),
      ),
  });
  const first = lossHistory[0]!;
  const last = lossHistory[lossHistory.length - 1]!;
  console.log(`${steps} steps: loss ${first.toFixed(2)} → ${last.toFixed(2)}`);
  console.log('loss fell:', last < first);
  const step = lossHistory.map((_, i) => i + 1);
  console.log(
    await plot(step, lossHistory, {
      xlabel: 'step',
      ylabel: 'cross-entropy',
      legend: ['train'],
    }),
  );
  lm.eval();
  const sample = lm.generate(vocab.encode('the time '), {
    maxNewTokens: 40,
    temperature: 0.5,
    rng,
  });
  return vocab.decode(sample);
}
// expect: loss fell: true
// expect: the time
// expect-figures: 1
