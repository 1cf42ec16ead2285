// Every figure of `attnkit g2p` is drawn here, with the CLI's figure helpers (one place to move
// to @attnkit/plot later).
import { heatmap } from '../figures/heatmap.js';
import { linePlot } from '../figures/line-plot.js';
import { writeFigure } from '../figures/svg.js';
import type { Transcription } from './decode.js';

/** The training loss curve and the validation losses, as `loss.svg` in `dir`. */
export async function writeLossCurve(
  dir: string,
  title: string,
  lossHistory: readonly number[],
  valHistory: readonly { step: number; value: number }[],
): Promise<string> {
  return writeFigure(
    dir,
    'loss.svg',
    linePlot({
      title,
      xLabel: 'step',
      yLabel: 'cross-entropy (nats/phoneme)',
      series: [
        { name: 'training batch', points: lossHistory.map((l, i) => [i + 1, l] as const) },
        { name: 'validation', points: valHistory.map((v) => [v.step, v.value] as const), mark: 'line+dot' },
      ],
    }),
  );
}

/**
 * D2L `show_heatmaps`-style alignment panels, one per word: the encoder–decoder attention of the
 * last decoder layer (mean over heads) with the output phonemes as rows and the letters as columns.
 */
export async function writeAlignments(
  dir: string,
  title: string,
  items: readonly Transcription[],
): Promise<string> {
  const panels = items.map((t) => {
    const att = t.best.attention!; // (steps, layers, heads, srcLen)
    const [steps, layers, heads, srcLen] = att.shape as [number, number, number, number];
    const w = att.toTypedArray();
    const values = new Float64Array(steps * srcLen);
    for (let s = 0; s < steps; s++) {
      for (let h = 0; h < heads; h++) {
        for (let k = 0; k < srcLen; k++)
          values[s * srcLen + k]! += w[((s * layers + layers - 1) * heads + h) * srcLen + k]! / heads;
      }
    }
    const phonemes = t.pronunciations[0]!.phonemes;
    return {
      label: t.word,
      values,
      rows: steps,
      cols: srcLen,
      rowLabels: [...phonemes, '<eos>'].slice(0, steps),
      colLabels: [...t.word, '<eos>'].slice(0, srcLen),
    };
  });
  // One SVG per word keeps each panel's own letter and phoneme labels.
  const files: string[] = [];
  for (const p of panels) {
    files.push(
      await writeFigure(
        dir,
        `alignment-${p.label.replace(/[^a-z0-9]/gi, '_')}.svg`,
        heatmap({
          title: `${title}: ${p.label}`,
          xLabel: 'letters (keys)',
          yLabel: 'phonemes (queries)',
          panels: [{ label: p.label, values: p.values, rows: p.rows, cols: p.cols }],
          colLabels: p.colLabels,
          rowLabels: p.rowLabels,
          domain: [0, 1],
          legendLabel: 'attention weight',
        }),
      ),
    );
  }
  return files.join(', ');
}
