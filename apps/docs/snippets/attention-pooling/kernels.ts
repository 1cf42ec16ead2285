import { plot } from '@attnkit/plot';
import {
  abs,
  arange,
  exp,
  lt,
  maximum,
  mul,
  onesLike,
  square,
  sub,
} from '@attnkit/tensor';

export async function main() {
  // D2L §11.2: four kernels K(d) of the distance d between a query and a key.
  const x = arange(-2.5, 2.5, 0.1);
  const kernels = [
    exp(mul(square(x), -0.5)), // Gaussian: exp(−d²/2)
    lt(abs(x), 1), // Boxcar: 1 if |d| < 1
    onesLike(x), // Constant: 1, plain averaging
    maximum(sub(1, abs(x)), 0), // Epanechikov: max(1 − |d|, 0)
  ];
  const legend = ['Gaussian', 'Boxcar', 'Constant', 'Epanechikov'];
  console.log(
    await plot(x, kernels, {
      legend,
      xlabel: 'distance',
      ylabel: 'K(distance)',
      figsize: [6, 2.5],
    }),
  );
  console.log('distances', x.shape[0], 'from', x.toTypedArray()[0]);
}
// expect: distances 50 from -2.5
// expect-figures: 1
