import { Generator, type OptionCheck } from '@attnkit/tensor';

/** An `rng` option: a {@link Generator}. */
export const RNG: OptionCheck = { expected: 'a Generator', test: (v) => v instanceof Generator };
/** `betas`: a pair of numbers. */
export const BETAS: OptionCheck = {
  expected: 'a pair [beta1, beta2] of numbers',
  test: (v) => Array.isArray(v) && v.length === 2 && v.every((b) => typeof b === 'number'),
};
