import { Generator, type OptionCheck } from '@attnkit/tensor';

/** A float dtype option. */
export const FLOAT_DTYPE = ['float32', 'float64'] as const;
/** An `rng` option: a {@link Generator}. */
export const RNG: OptionCheck = { expected: 'a Generator', test: (v) => v instanceof Generator };
