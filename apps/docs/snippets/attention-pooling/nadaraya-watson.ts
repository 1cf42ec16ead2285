import { plot, showHeatmaps } from '@attnkit/plot';
import {
  type NadarayaWatsonKernelName,
  nadarayaWatson,
} from '@attnkit/scoring';
import {
  add,
  arange,
  Generator,
  mean,
  mul,
  randn,
  reshape,
  sin,
  square,
  sub,
  type Tensor,
  tensor,
} from '@attnkit/tensor';

const f = (x: Tensor) => add(mul(sin(x), 2), x); // f(x) = 2 sin(x) + x

export async function main() {
  // D2L §11.2: 40 noisy samples of f on [0, 5), sorted; predict on a grid.
  const rng = new Generator(0);
  const n = 40;
  const xs = Array.from({ length: n }, () => rng.random() * 5).sort(
    (a, b) => a - b,
  );
  const xTrain = tensor(xs);
  const yTrain = add(f(xTrain), randn([n], { rng }));
  const xVal = arange(0, 5, 0.1);
  const yVal = f(xVal);

  const predictions: Tensor[] = [yVal];
  const kernels: NadarayaWatsonKernelName[] = [
    'gaussian',
    'boxcar',
    'constant',
    'epanechikov',
  ];
  for (const kernel of kernels) {
    const { output, attentionWeights } = nadarayaWatson(xVal, xTrain, yTrain, {
      kernel,
    });
    predictions.push(output);
    console.log(
      kernel.padEnd(12),
      'mse',
      mean(square(sub(output, yVal)))
        .item()
        .toFixed(3),
    );
    if (kernel === 'gaussian') {
      console.log('attentionWeights', attentionWeights.shape);
      // d2l.show_heatmaps(attention_weights.unsqueeze(0).unsqueeze(0),
      // xlabel=…, ylabel=…)
      const weights = reshape(attentionWeights, [
        1,
        1,
        ...attentionWeights.shape,
      ]);
      console.log(
        await showHeatmaps(weights, {
          xlabel: 'Training inputs',
          ylabel: 'Validation inputs',
          figsize: [3.5, 3.5],
        }),
      );
    }
  }
  // Each prediction against the grid, and the training data as points ('o') at
  // their own x.
  const xAxes = [...predictions.map(() => xVal), xTrain];
  const legend = ['truth', ...kernels, 'data'];
  const fmts = ['k-', '-', '--', '-.', ':', 'o'];
  console.log(
    await plot(xAxes, [...predictions, yTrain], {
      legend,
      fmts,
      xlabel: 'x',
      ylabel: 'y',
      figsize: [6, 3.5],
    }),
  );
}
// expect: attentionWeights [50,40]
// expect: constant     mse
// expect-figures: 2
