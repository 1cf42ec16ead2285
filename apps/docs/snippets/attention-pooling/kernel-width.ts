import { nadarayaWatson } from '@attnkit/scoring';
import { add, arange, exp, Generator, mul, randn, sin, square, type Tensor, tensor } from '@attnkit/tensor';
import { heatmap, lineplot, show } from '../show.js';

const f = (x: Tensor) => add(mul(sin(x), 2), x);

export function main() {
  // D2L §11.2.3: a narrower Gaussian K(d) = exp(−d²/(2σ²)) follows the data more closely.
  const rng = new Generator(0);
  const xs = Array.from({ length: 40 }, () => rng.random() * 5).sort((a, b) => a - b);
  const xTrain = tensor(xs);
  const yTrain = add(f(xTrain), randn([40], { rng }));
  const xVal = arange(0, 5, 0.1);

  const sigmas = [0.1, 0.2, 0.5, 1];
  const lines: Record<string, Tensor> = { truth: f(xVal) };
  const weights: Tensor[] = [];
  for (const sigma of sigmas) {
    const kernel = (d: Tensor) => exp(mul(square(d), -1 / (2 * sigma * sigma)));
    const { output, attentionWeights } = nadarayaWatson(xVal, xTrain, yTrain, { kernel });
    lines[`σ = ${sigma}`] = output;
    weights.push(attentionWeights);
  }
  show(lineplot(xVal, lines, { title: 'Kernel width' }));
  show(
    heatmap(tensor(weights.map((w) => w.toArray() as number[][])), { titles: sigmas.map((s) => `σ = ${s}`) }),
  );
  console.log('custom kernels:', sigmas.length);
}
// expect: custom kernels: 4
// expect-figures: 2
