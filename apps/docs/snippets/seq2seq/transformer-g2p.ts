import { plot, showHeatmaps } from '@attnkit/plot';
import { beamSearch } from '@attnkit/seq2seq';
import { Generator, tensor } from '@attnkit/tensor';
import { Adam, crossEntropy, fit } from '@attnkit/training';
import { Transformer } from '@attnkit/transformer';
import { alignment, g2pData, g2pScores, lettersOf } from '../g2p.js';

export async function main() {
  // Letters -> phonemes on 2,093 CMUdict words; 100 held-out words are never trained on.
  const data = g2pData({ testWords: 100, batchSize: 32 });
  const model = new Transformer({
    srcVocabSize: data.letters.size,
    tgtVocabSize: data.phonemes.size,
    numHiddens: 64,
    ffnNumHiddens: 128,
    numHeads: 4,
    numBlks: 2,
    maxLen: 32,
    rng: new Generator(0),
  });
  // Teacher forcing with causal decoder self-attention; the source padding is masked by srcValidLens.
  const { lossHistory, steps } = await fit({
    model,
    optimizer: new Adam(model.parameters(), { lr: 3e-3 }),
    data: data.batches,
    steps: 400,
    clipNorm: 1,
    signal: AbortSignal.timeout(10_000),
    lossFn: (m, b) =>
      crossEntropy(m.forward(b.src, b.decInput, b.srcValidLens), b.labels, {
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

  // Beam search over the KV-cached decoder: each step projects only its own token, and the
  // encoder–decoder keys and values were projected once, in startDecoding.
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
    // The last decoder block's encoder–decoder attention, averaged over its 4 heads.
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
