import { PositionalEncoding, sinusoidalEncoding } from '@attnkit/positional';
import { arange, narrow, reshape, zeros } from '@attnkit/tensor';
import { heatmap, lineplot, show } from '../show.js';

export function main() {
  // D2L §11.6.3: P[i, 2j] = sin(i / 10000^(2j/d)), P[i, 2j+1] = cos(i / 10000^(2j/d)).
  const encodingDim = 32;
  const numSteps = 60;
  const posEncoding = new PositionalEncoding({ numHiddens: encodingDim, dropout: 0 }).eval();
  const X = posEncoding.forward(zeros([1, numSteps, encodingDim])); // zeros + P
  const P = sinusoidalEncoding(numSteps, encodingDim);
  console.log('X', X.shape, 'P', P.shape);

  // Columns 6 to 9: the frequency falls as the column index grows.
  const column = (c: number) => reshape(narrow(P, 1, c, 1), [numSteps]);
  const columns = Object.fromEntries([6, 7, 8, 9].map((c) => [`Col ${c}`, column(c)]));
  show(lineplot(arange(0, numSteps), columns, { xLabel: 'Row (position)', yLabel: 'P' }));
  show(heatmap(P, { xLabel: 'Column (encoding dimension)', yLabel: 'Row (position)', scheme: 'blues' }));
}
// expect: X [1,60,32] P [60,32]
// expect-figures: 2
