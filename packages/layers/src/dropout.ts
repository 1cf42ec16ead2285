import {
  bernoulli,
  checkOptions,
  type Generator,
  InvalidArgumentError,
  mul,
  type Tensor,
} from '@attnkit/tensor';
import { RNG } from './internal/check.js';
import { Module } from './module.js';

/** Options of the functional {@link dropout}. */
export interface DropoutOptions {
  /** Drop only when `true` (default `true`, as PyTorch `F.dropout`); `false` returns `x` itself. */
  training?: boolean;
  /** Random source for the mask; the default generator when omitted. */
  rng?: Generator;
}

/**
 * Inverted dropout: zeroes each element with probability `p` and scales the rest by 1/(1 − p),
 * so the expectation is unchanged; the identity outside training.
 *
 * Shapes: x (...) -> (...)
 *
 * @param x - Input of any shape.
 * @param p - Probability of zeroing an element, in [0, 1]; `p = 1` gives zeros (as PyTorch and D2L).
 * @param options - `training` (default `true`) and `rng`.
 * @returns A new tensor (or `x` itself when not training or `p = 0`); the gradient is the same mask
 *   times 1/(1 − p).
 * @throws {@link InvalidArgumentError} if `p` is not a number in [0, 1].
 * @remarks Draws PyTorch's CPU mask for the same seed (`F.dropout`): element i is kept when the
 *   i-th float64 uniform is below 1 − p (see `bernoulli`).
 * @see D2L §5.6 "Dropout" (`dropout_layer`); Srivastava et al. 2014.
 * @example
 * ```ts
 * dropout(ones([2, 4]), 0.5, { rng: new Generator(0) }); // entries 0 or 2
 * ```
 */
export function dropout(x: Tensor, p: number, options: DropoutOptions = {}): Tensor {
  checkP('dropout', p);
  checkOptions(
    'dropout',
    options,
    { training: 'boolean', rng: RNG },
    { usage: 'dropout(x, 0.1, { training: true })' },
  );
  if (!(options.training ?? true) || p === 0) return x;
  // D2L: "In this case, all elements are dropped out" — avoids 0 · 1/(1 − 1) = NaN.
  if (p === 1) return mul(x, 0);
  const dtype: 'float32' | 'float64' = x.dtype === 'float64' ? 'float64' : 'float32';
  const random = options.rng === undefined ? { dtype } : { dtype, rng: options.rng };
  // PyTorch's CPU dropout: noise.bernoulli_(1 − p), noise.div_(1 − p), x · noise. The mask draws
  // the same numbers as PyTorch for the same seed, and the scale is divided in the dtype as there
  // (float32: 1 / fround(1 − p)). The scale is written over the mask's fresh storage in one pass:
  // dropout runs on every attention-weight tensor, so this is a hot path in training.
  const keep = bernoulli(x.shape, 1 - p, random);
  const mask = keep.nd.data;
  const scale = dtype === 'float32' ? 1 / Math.fround(1 - p) : 1 / (1 - p);
  for (let i = 0; i < mask.length; i++) if (mask[i] !== 0) mask[i] = scale;
  return mul(x, keep);
}

/** Options of {@link Dropout}. */
export interface DropoutLayerOptions {
  /** Probability of zeroing an element, in [0, 1] (default 0.5). */
  p?: number;
  /** Random source for the masks; the default generator when omitted. */
  rng?: Generator;
}

/**
 * Dropout as a layer (PyTorch `nn.Dropout`): {@link dropout} while `training`, the identity after
 * `eval()`. It has no parameters.
 *
 * Shapes: x (...) -> (...)
 *
 * @param options - `p = 0.5` and `rng`.
 * @throws {@link InvalidArgumentError} if `p` is not a number in [0, 1].
 * @see D2L §5.6 "Dropout".
 * @example
 * ```ts
 * const drop = new Dropout({ p: 0.1 });
 * const x = ones([2, 3]);
 * drop.eval().forward(x); // x itself
 * ```
 */
export class Dropout extends Module {
  /** Probability of zeroing an element. */
  readonly p: number;
  readonly #rng: Generator | undefined;

  constructor(options: DropoutLayerOptions = {}) {
    super();
    checkOptions('Dropout', options, { p: 'number', rng: RNG }, { usage: 'new Dropout({ p: 0.1 })' });
    this.p = checkP('Dropout', options.p ?? 0.5);
    this.#rng = options.rng;
  }

  /** Applies dropout with probability `p` in training mode; returns `x` itself in eval mode. */
  forward(x: Tensor): Tensor {
    return dropout(
      x,
      this.p,
      this.#rng === undefined ? { training: this.training } : { training: this.training, rng: this.#rng },
    );
  }
}

function checkP(op: string, p: number): number {
  if (typeof p !== 'number' || !(p >= 0 && p <= 1)) {
    throw new InvalidArgumentError(`${op}: p must be a number in [0, 1]; got ${p}.`);
  }
  return p;
}
