import { Generator, InvalidArgumentError, type OptionsSchema } from '@attnkit/tensor';

/**
 * The options of {@link Seq2SeqEncoder} and {@link Seq2SeqAttentionDecoder} (D2L's
 * `(vocab_size, embed_size, num_hiddens, num_layers, dropout)` plus dtype and rng), for `checkOptions`.
 */
export const SEQ2SEQ_SCHEMA: OptionsSchema = {
  vocabSize: 'number',
  embedSize: 'number',
  numHiddens: 'number',
  numLayers: 'number',
  dropout: 'number',
  dtype: ['float32', 'float64'],
  rng: { expected: 'a Generator', test: (v) => v instanceof Generator },
};

/**
 * Checks an integer option ≥ `min`.
 * @throws {@link InvalidArgumentError} naming `op` and `argument` otherwise.
 */
export function checkInteger(op: string, argument: string, value: unknown, min: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min) {
    throw new InvalidArgumentError(`${op}: ${argument} must be an integer ≥ ${min}; got ${String(value)}.`);
  }
  return value;
}

/**
 * Checks a probability option in [0, 1].
 * @throws {@link InvalidArgumentError} naming `op` and `argument` otherwise.
 */
export function checkProbability(op: string, argument: string, value: unknown): number {
  if (typeof value !== 'number' || !(value >= 0 && value <= 1)) {
    throw new InvalidArgumentError(`${op}: ${argument} must be a number in [0, 1]; got ${String(value)}.`);
  }
  return value;
}

/**
 * Checks a parameter dtype option.
 * @throws {@link InvalidArgumentError} naming `op` unless it is 'float32' or 'float64'.
 */
export function checkDType(op: string, value: unknown): 'float32' | 'float64' {
  if (value !== 'float32' && value !== 'float64') {
    throw new InvalidArgumentError(`${op}: dtype must be 'float32' or 'float64'; got ${String(value)}.`);
  }
  return value;
}

/** `{ rng }` when given, else `{}` (exactOptionalPropertyTypes forbids `rng: undefined`). */
export function rngOption(rng: Generator | undefined): { rng?: Generator } {
  return rng === undefined ? {} : { rng };
}
