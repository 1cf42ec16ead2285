import { type Generator, uniform } from '@attnkit/tensor';
import { Parameter } from '../parameter.js';

/** PyTorch's GRU initialisation: every parameter from U(−1/√hidden, 1/√hidden). */
export function gruInit(
  hiddenSize: number,
  dtype: 'float32' | 'float64',
  rng: Generator | undefined,
): (shape: number[]) => Parameter {
  const bound = 1 / Math.sqrt(hiddenSize);
  const options = rng === undefined ? { dtype } : { dtype, rng };
  return (shape) => new Parameter(uniform(shape, -bound, bound, options));
}
