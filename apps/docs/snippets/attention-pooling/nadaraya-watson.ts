import { type NadarayaWatsonKernelName, nadarayaWatson } from '@attnkit/scoring';
import {
  add,
  arange,
  Generator,
  mean,
  mul,
  randn,
  sin,
  square,
  sub,
  type Tensor,
  tensor,
} from '@attnkit/tensor';
import { heatmap, lineplot, show } from '../show.js';

const f = (x: Tensor) => add(mul(sin(x), 2), x); // f(x) = 2 sin(x) + x

export function main() {
  // D2L §11.2: 40 noisy samples of f on [0, 5), sorted; predict on a grid.
  const rng = new Generator(0);
  const n = 40;
  const xs = Array.from({ length: n }, () => rng.random() * 5).sort((a, b) => a - b);
  const xTrain = tensor(xs);
  const yTrain = add(f(xTrain), randn([n], { rng }));
  const xVal = arange(0, 5, 0.1);
  const yVal = f(xVal);

  const predictions: Record<string, Tensor> = { truth: yVal };
  const kernels: NadarayaWatsonKernelName[] = ['gaussian', 'boxcar', 'constant', 'epanechikov'];
  for (const kernel of kernels) {
    const { output, attentionWeights } = nadarayaWatson(xVal, xTrain, yTrain, { kernel });
    predictions[kernel] = output;
    console.log(
      kernel.padEnd(12),
      'mse',
      mean(square(sub(output, yVal)))
        .item()
        .toFixed(3),
    );
    if (kernel === 'gaussian') {
      console.log('attentionWeights', attentionWeights.shape);
      show(
        heatmap(attentionWeights, {
          title: 'Gaussian kernel',
          xLabel: 'Training inputs (keys)',
          yLabel: 'Validation inputs (queries)',
        }),
      );
    }
  }
  show(
    lineplot(xVal, predictions, { title: 'Nadaraya–Watson', scatter: { data: { x: xTrain, y: yTrain } } }),
  );
}
// expect: attentionWeights [50,40]
// expect: constant     mse
// expect-figures: 2
