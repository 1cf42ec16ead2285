import { plot, showHeatmaps } from '@attnkit/plot';
import {
  beamSearch,
  EncoderDecoder,
  Seq2SeqAttentionDecoder,
  Seq2SeqEncoder,
} from '@attnkit/seq2seq';
import { Generator, tensor } from '@attnkit/tensor';
import { Adam, crossEntropy, fit } from '@attnkit/training';
import { alignment, g2pData, g2pScores, lettersOf } from '../g2p.js';

export async function main() {
  // Letters -> phonemes on 2,093 CMUdict words; 100 held-out words are never trained on.
  const data = g2pData({ testWords: 100, batchSize: 32 });
  const rng = new Generator(0);
  const model = new EncoderDecoder(
    new Seq2SeqEncoder({
      vocabSize: data.letters.size,
      embedSize: 32,
      numHiddens: 64,
      rng,
    }),
    new Seq2SeqAttentionDecoder({
      vocabSize: data.phonemes.size,
      embedSize: 32,
      numHiddens: 64,
      rng,
    }),
  );
  // D2L trains with teacher forcing: the decoder reads <bos> + the target, shifted by one.
  const { lossHistory, steps } = await fit({
    model,
    optimizer: new Adam(model.parameters(), { lr: 1e-2 }),
    data: data.batches,
    steps: 400,
    clipNorm: 1,
    signal: AbortSignal.timeout(10_000),
    lossFn: (m, b) =>
      crossEntropy(m.forward(b.src, b.decInput, b.srcValidLens)[0], b.labels, {
        ignoreIndex: data.pad,
      }),
  });
  console.log(
    `${steps} steps: loss ${lossHistory[0]!.toFixed(2)} → ${lossHistory.at(-1)!.toFixed(2)}`,
  );
  console.log('loss fell:', lossHistory.at(-1)! < lossHistory[0]!);
  console.log(
    await plot(
      lossHistory.map((_, i) => i + 1),
      [lossHistory],
      {
        xlabel: 'step',
        ylabel: 'cross-entropy',
        legend: ['loss'],
        figsize: [6, 3],
      },
    ),
  );

  model.eval();
  const hyps = beamSearch(model, data.testSrc, data.testValidLens, {
    bos: data.bos,
    eos: data.eos,
    maxLen: 16,
    beamSize: 4,
    returnAttention: true,
  });
  const { wer, per } = g2pScores(
    data,
    hyps.map(([h]) => h!.tokens),
  );
  console.log(
    `held-out WER ${(100 * wer).toFixed(0)}%, PER ${(100 * per).toFixed(0)}%`,
  );
  for (let i = 0; i < 3; i++) {
    const { word, phonemes } = data.test[i]!;
    const [best] = hyps[i]!;
    const predicted = best!.tokens
      .map((t) => data.phonemes.tokens[t])
      .join(' ');
    console.log(`${word}: ${predicted}   (CMUdict: ${phonemes.join(' ')})`);
    // Rows: output phonemes (and <eos>); columns: the letters the decoder attended to.
    const rows = alignment(best!.attention!, word.length + 1);
    console.log(
      await showHeatmaps(tensor([[rows]]), {
        titles: [`${word}: ${lettersOf(word)}`],
        xlabel: 'letters',
        ylabel: 'phonemes',
      }),
    );
  }
}
// expect: loss fell: true
// expect: held-out WER
// expect-figures: 4
