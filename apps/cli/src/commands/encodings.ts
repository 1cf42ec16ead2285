import { join } from 'node:path';
import { causalMask } from '@attnkit/masking';
import { sinusoidalEncoding } from '@attnkit/positional';
import { checkOptions } from '@attnkit/tensor';
import { UsageError } from '../errors.js';
import { heatmap } from '../figures/heatmap.js';
import { linePlot } from '../figures/line-plot.js';
import { writeFigure } from '../figures/svg.js';
import { type Io, writeLine } from '../io.js';

/** Options of {@link encodings} (the `attnkit encodings` flags). */
export interface EncodingsOptions {
  /** Output directory of the figures. */
  out: string;
  /** Number of positions (rows) of the table (D2L: 60). */
  positions: number;
  /** Encoding dimension (columns) (D2L: 32). */
  dims: number;
  /** Size of the causal-mask picture. */
  maskSize: number;
}

/** Largest table `encodings` draws (cells of the heatmap). */
export const MAX_HEATMAP_CELLS = 1_000_000;

export const ENCODINGS_DEFAULTS = {
  out: join('runs', 'encodings'),
  positions: 60,
  dims: 32,
  maskSize: 10,
} as const;

/** What {@link encodings} returns. */
export interface EncodingsReport {
  /** The plotted columns 6–9 of the table, one array of `positions` values per column. */
  readonly columns: readonly (readonly number[])[];
  /** `i in binary is …` for i = 0…7. */
  readonly binary: readonly string[];
  readonly files: readonly string[];
}

/**
 * `attnkit encodings`: D2L §11.6.3's pictures of the sinusoidal positional encoding — columns 6–9
 * over the positions, the (position × dimension) heatmap, the binary representations of 0…7 that
 * the alternating frequencies resemble — and the causal mask of decoder self-attention.
 */
export async function encodings(options: EncodingsOptions, io: Io): Promise<EncodingsReport> {
  checkOptions(
    'encodings',
    options,
    { out: 'string', positions: 'number', dims: 'number', maskSize: 'number' },
    { required: true },
  );
  const { positions, dims, out } = options;
  // The heatmap has one SVG cell per entry: past a million cells it takes minutes and gigabytes.
  if (positions * dims > MAX_HEATMAP_CELLS) {
    throw new UsageError(
      `--positions × --dims must be at most ${MAX_HEATMAP_CELLS.toLocaleString('en-US')} cells for the heatmap; got ${positions} × ${dims} = ${(positions * dims).toLocaleString('en-US')}.`,
    );
  }
  const P = sinusoidalEncoding(positions, dims).toTypedArray();
  const plotted = [6, 7, 8, 9].filter((c) => c < dims);
  const columns = plotted.map((c) => Array.from({ length: positions }, (_, i) => P[i * dims + c]!));
  writeLine(
    io.out,
    `sinusoidal positional encoding (D2L §11.6.3): P[i, 2j] = sin(i / 10000^(2j/d)), P[i, 2j+1] = cos(i / 10000^(2j/d)), ${positions} positions × d = ${dims}`,
  );
  const binary = Array.from({ length: 8 }, (_, i) => `${i} in binary is ${i.toString(2).padStart(3, '0')}`);
  writeLine(
    io.out,
    'absolute positions in binary — lower bits alternate faster, as lower encoding columns oscillate faster:',
  );
  for (const line of binary) writeLine(io.out, `  ${line}`);

  const bits = new Float32Array(8 * 3);
  for (let i = 0; i < 8; i++) for (let b = 0; b < 3; b++) bits[i * 3 + b] = (i >> (2 - b)) & 1;
  const n = options.maskSize;
  const mask = Float32Array.from(causalMask(n).toTypedArray(), Number);

  const files = [
    await writeFigure(
      out,
      'encodings-columns.svg',
      linePlot({
        title: `Positional encoding: columns ${plotted[0]}–${plotted.at(-1)}`,
        xLabel: 'Row (position)',
        yLabel: 'value',
        series: columns.map((points, k) => ({
          name: `Col ${plotted[k]}`,
          points: points.map((v, i) => [i, v] as const),
          mark: 'line+dot',
        })),
        width: 640,
        height: 300,
      }),
    ),
    await writeFigure(
      out,
      'encodings-heatmap.svg',
      heatmap({
        title: 'Positional encoding P (position × dimension)',
        xLabel: 'Column (encoding dimension)',
        yLabel: 'Row (position)',
        panels: [{ values: P, rows: positions, cols: dims }],
        scheme: 'blues',
        legendLabel: 'P[i, j]',
        domain: [-1, 1],
      }),
    ),
    await writeFigure(
      out,
      'encodings-binary.svg',
      heatmap({
        title: 'Binary representations of 0–7',
        xLabel: 'bit (most significant first)',
        yLabel: 'number',
        panels: [{ values: bits, rows: 8, cols: 3 }],
        scheme: 'blues',
        legendLabel: 'bit',
        domain: [0, 1],
        cellSize: 24,
      }),
    ),
    await writeFigure(
      out,
      'encodings-causal-mask.svg',
      heatmap({
        title: `Causal mask (${n} × ${n}): query i may attend to keys j ≤ i`,
        xLabel: 'key position',
        yLabel: 'query position',
        panels: [{ values: mask, rows: n, cols: n }],
        scheme: 'greys',
        legendLabel: '1 = may attend',
        domain: [0, 1],
        cellSize: 24,
      }),
    ),
  ];
  writeLine(io.out, 'figures:');
  for (const file of files) writeLine(io.out, `  ${file}`);
  return { columns, binary, files };
}
