import { plot, showHeatmaps } from '@attnkit/plot';
import { PositionalEncoding, sinusoidalEncoding } from '@attnkit/positional';
import { arange, narrow, reshape, transpose, zeros } from '@attnkit/tensor';

export async function main() {
  // D2L §11.6.3: P[i, 2j] = sin(i / 10000^(2j/d)), P[i, 2j+1] = cos(i /
  // 10000^(2j/d)).
  const encodingDim = 32;
  const numSteps = 60;
  const posEncoding = new PositionalEncoding({
    numHiddens: encodingDim,
    dropout: 0,
  }).eval();
  const X = posEncoding.forward(zeros([1, numSteps, encodingDim])); // zeros + P
  const P = sinusoidalEncoding(numSteps, encodingDim);
  console.log('X', X.shape, 'P', P.shape);

  // Columns 6 to 9: the frequency falls as the column index grows.
  // d2l.plot(torch.arange(num_steps), P[0, :, 6:10].T, …): a (4, 60) tensor,
  // one series per row.
  const columns = transpose(narrow(P, 1, 6, 4), 0, 1);
  const legend = [6, 7, 8, 9].map((c) => `Col ${c}`);
  const fmts = ['-', 'm--', 'g-.', 'r:'];
  console.log(
    await plot(arange(0, numSteps), columns, {
      xlabel: 'Row (position)',
      legend,
      fmts,
      figsize: [6, 2.5],
    }),
  );
  // d2l.show_heatmaps(P, xlabel=…, ylabel=…, figsize=(3.5, 4), cmap='Blues')
  const grid = reshape(P, [1, 1, numSteps, encodingDim]);
  const labels = {
    xlabel: 'Column (encoding dimension)',
    ylabel: 'Row (position)',
  };
  console.log(
    await showHeatmaps(grid, { ...labels, figsize: [3.5, 4], cmap: 'Blues' }),
  );
}
// expect: X [1,60,32] P [60,32]
// expect-figures: 2
