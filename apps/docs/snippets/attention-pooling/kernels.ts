import { abs, arange, exp, lt, maximum, mul, onesLike, square, sub } from '@attnkit/tensor';
import { lineplot, show } from '../show.js';

export function main() {
  // D2L §11.2: four kernels K(d) of the distance d between a query and a key.
  const x = arange(-2.5, 2.5, 0.1);
  const kernels = {
    Gaussian: exp(mul(square(x), -0.5)), // exp(−d²/2)
    Boxcar: lt(abs(x), 1), // 1 if |d| < 1
    Constant: onesLike(x), // 1: plain averaging
    Epanechikov: maximum(sub(1, abs(x)), 0), // max(1 − |d|, 0)
  };
  show(lineplot(x, kernels, { title: 'Kernels', xLabel: 'distance', yLabel: 'K(distance)' }));
  console.log('distances', x.shape[0], 'from', x.toTypedArray()[0]);
}
// expect: distances 50 from -2.5
// expect-figures: 1
