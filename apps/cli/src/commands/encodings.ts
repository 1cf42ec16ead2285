import { join } from 'node:path';
import { causalMask } from '@attnkit/masking';
import { plot, showHeatmaps } from '@attnkit/plot';
import { saveSvg } from '@attnkit/plot/node';
import { sinusoidalEncoding } from '@attnkit/positional';
import { checkOptions, tensor } from '@attnkit/tensor';
import { UsageError } from '../errors.js';
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

  const grid = (values: ArrayLike<number>, rows: number, cols: number) =>
    tensor(Float32Array.from(values), { shape: [1, 1, rows, cols], dtype: 'float32' });
  const files = [
    await saveSvg(
      join(out, 'encodings-columns.svg'),
      await plot(
        Array.from({ length: positions }, (_, i) => i),
        columns,
        {
          title: `Positional encoding: columns ${plotted[0]}–${plotted.at(-1)}`,
          xlabel: 'Row (position)',
          legend: plotted.map((c) => `Col ${c}`),
          fmts: ['-o', 'm--o', 'g-.o', 'r:o'],
          figsize: [6, 2.5],
        },
      ),
    ),
    await saveSvg(
      join(out, 'encodings-heatmap.svg'),
      await showHeatmaps(grid(P, positions, dims), {
        title: 'Positional encoding P (position × dimension)',
        xlabel: 'Column (encoding dimension)',
        ylabel: 'Row (position)',
        cmap: 'Blues',
        figsize: [3.5, 4],
        vmin: -1,
        vmax: 1,
      }),
    ),
    await saveSvg(
      join(out, 'encodings-binary.svg'),
      await showHeatmaps(grid(bits, 8, 3), {
        title: 'Binary representations of 0–7',
        xlabel: 'bit (most significant first)',
        ylabel: 'number',
        cmap: 'Blues',
        figsize: [1.5, 3],
        vmin: 0,
        vmax: 1,
      }),
    ),
    await saveSvg(
      join(out, 'encodings-causal-mask.svg'),
      await showHeatmaps(grid(mask, n, n), {
        title: `Causal mask (${n} × ${n}): query i may attend to keys j ≤ i`,
        xlabel: 'key position',
        ylabel: 'query position',
        cmap: 'Greys',
        figsize: [3, 3],
        vmin: 0,
        vmax: 1,
      }),
    ),
  ];
  writeLine(io.out, 'figures:');
  for (const file of files) writeLine(io.out, `  ${file}`);
  return { columns, binary, files };
}
