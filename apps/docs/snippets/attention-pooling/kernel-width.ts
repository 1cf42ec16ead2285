import { plot, showHeatmaps } from '@attnkit/plot';
import { nadarayaWatson } from '@attnkit/scoring';
import {
  add,
  arange,
  exp,
  Generator,
  mul,
  randn,
  sin,
  square,
  stack,
  type Tensor,
  tensor,
  unsqueeze,
} from '@attnkit/tensor';

const f = (x: Tensor) => add(mul(sin(x), 2), x);

export async function main() {
  // D2L §11.2.3: a narrower Gaussian K(d) = exp(−d²/(2σ²)) follows the data
  // more closely.
  const rng = new Generator(0);
  const xs = Array.from({ length: 40 }, () => rng.random() * 5).sort(
    (a, b) => a - b,
  );
  const xTrain = tensor(xs);
  const yTrain = add(f(xTrain), randn([40], { rng }));
  const xVal = arange(0, 5, 0.1);

  const sigmas = [0.1, 0.2, 0.5, 1];
  const lines: Tensor[] = [f(xVal)];
  const weights: Tensor[] = [];
  for (const sigma of sigmas) {
    const kernel = (d: Tensor) => exp(mul(square(d), -1 / (2 * sigma * sigma)));
    const { output, attentionWeights } = nadarayaWatson(xVal, xTrain, yTrain, {
      kernel,
    });
    lines.push(output);
    weights.push(attentionWeights);
  }
  const legend = ['truth', ...sigmas.map((s) => `σ = ${s}`)];
  console.log(
    await plot(xVal, lines, {
      legend,
      xlabel: 'x',
      ylabel: 'y',
      fmts: ['k-', '-', '-', '-', '-'],
      figsize: [6, 3],
    }),
  );
  // The figure's grid is (1 row, 4 columns) of (queries, keys) weight matrices.
  const grid = unsqueeze(stack(weights), 0);
  console.log(
    await showHeatmaps(grid, {
      titles: legend.slice(1),
      xlabel: 'Training inputs',
      ylabel: 'Validation inputs',
      figsize: [8, 2.6],
    }),
  );
  console.log('custom kernels:', sigmas.length);
}
// expect: custom kernels: 4
// expect-figures: 2
