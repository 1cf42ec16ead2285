import { Generator, type OptionCheck } from '@attnkit/tensor';

/** An `rng` option: a {@link Generator}. */
export const RNG: OptionCheck = { expected: 'a Generator', test: (v) => v instanceof Generator };
