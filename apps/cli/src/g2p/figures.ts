// Every figure of `attnkit g2p`, drawn with @attnkit/plot (D2L's `plot` and `show_heatmaps`).
import { join } from 'node:path';
import { plot, showHeatmaps } from '@attnkit/plot';
import { saveSvg } from '@attnkit/plot/node';
import { tensor } from '@attnkit/tensor';
import type { Transcription } from './decode.js';

/** The training loss curve and the validation losses, as `loss.svg` in `dir`; returns the path. */
export async function writeLossCurve(
  dir: string,
  title: string,
  lossHistory: readonly number[],
  valHistory: readonly { step: number; value: number }[],
): Promise<string> {
  const svg = await plot(
    [lossHistory.map((_, i) => i + 1), valHistory.map((v) => v.step)],
    [[...lossHistory], valHistory.map((v) => v.value)],
    {
      title,
      xlabel: 'step',
      ylabel: 'cross-entropy (nats/phoneme)',
      legend: ['training batch', 'validation'],
      fmts: ['-', 'r-o'],
      figsize: [6.4, 3.2],
    },
  );
  return saveSvg(join(dir, 'loss.svg'), svg);
}

/**
 * D2L `show_heatmaps`-style alignment figures, one per word: the encoder–decoder attention of the
 * last decoder layer (mean over heads), the predicted phonemes (and `<eos>`) as rows and the
 * letters as columns. One SVG per word keeps each word's own tick labels. Returns the paths.
 */
export async function writeAlignments(
  dir: string,
  title: string,
  items: readonly Transcription[],
): Promise<string> {
  const files: string[] = [];
  for (const t of items) {
    const att = t.best.attention!; // (steps, layers, heads, srcLen)
    const [steps, layers, heads, srcLen] = att.shape as [number, number, number, number];
    const w = att.toTypedArray();
    const phonemes = t.pronunciations[0]!.phonemes;
    // The word's own letters and <eos> (a batch pads the source further), its phonemes and <eos>.
    const rows = Math.min(steps, phonemes.length + 1);
    const cols = Math.min(srcLen, t.word.length + 1);
    const values = new Float32Array(rows * cols);
    for (let s = 0; s < rows; s++) {
      for (let h = 0; h < heads; h++) {
        for (let k = 0; k < cols; k++)
          values[s * cols + k]! += w[((s * layers + layers - 1) * heads + h) * srcLen + k]! / heads;
      }
    }
    const svg = await showHeatmaps(tensor(values, { shape: [1, 1, rows, cols], dtype: 'float32' }), {
      title: `${title}: ${t.word}`,
      xlabel: 'letters (keys)',
      ylabel: 'phonemes (queries)',
      xticklabels: [...t.word, '<eos>'].slice(0, cols),
      yticklabels: [...phonemes, '<eos>'].slice(0, rows),
      vmin: 0,
      vmax: 1,
    });
    files.push(await saveSvg(join(dir, `alignment-${t.word.replace(/[^a-z0-9]/gi, '_')}.svg`), svg));
  }
  return files.join(', ');
}
