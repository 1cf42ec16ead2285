import { uniformFloat64 } from 'pure-rand/distribution/uniformFloat64';
import { uniformInt } from 'pure-rand/distribution/uniformInt';
import { xoroshiro128plusFromState } from 'pure-rand/generator/xoroshiro128plus';
import type { RandomGenerator } from 'pure-rand/types/RandomGenerator';
import { InvalidArgumentError } from '../errors.js';

/** PyTorch's default CPU seed, so an unseeded program is reproducible, as in PyTorch. */
const DEFAULT_SEED = 67280421310721;

/**
 * A seeded pseudorandom number generator (PyTorch `torch.Generator`) over pure-rand's
 * xoroshiro128+. Every random op takes one as `rng`; without it they use {@link defaultGenerator}.
 *
 * @remarks The seed (any safe integer) is expanded to the 128-bit xoroshiro state with SplitMix32
 *   hashing, so nearby seeds give unrelated streams (xoroshiro128+ seeded directly returns a
 *   function of the seed as its first output).
 * @see Blackman & Vigna 2018, "Scrambled linear pseudorandom number generators".
 * @example
 * ```ts
 * const rng = new Generator(0);
 * const x = randn([2, 3], { rng });
 * ```
 */
export class Generator {
  #rng: RandomGenerator;
  #spare: number | null = null;
  #seed: number;

  /**
   * @param seed - A safe integer (negative allowed).
   * @throws {@link InvalidArgumentError} if `seed` is not a safe integer.
   */
  constructor(seed: number) {
    this.#seed = checkSeed(seed);
    this.#rng = seededState(seed);
  }

  /** The seed this generator was last seeded with (PyTorch `initial_seed()`). */
  get initialSeed(): number {
    return this.#seed;
  }

  /**
   * Reseeds in place: the generator then replays the stream of `new Generator(seed)`.
   * @throws {@link InvalidArgumentError} if `seed` is not a safe integer.
   */
  manualSeed(seed: number): this {
    this.#seed = checkSeed(seed);
    this.#rng = seededState(seed);
    this.#spare = null;
    return this;
  }

  /** A uniform number in [0, 1) on the grid of multiples of 2^-53 (pure-rand `uniformFloat64`). */
  random(): number {
    return uniformFloat64(this.#rng);
  }

  /**
   * A standard normal N(0, 1) number.
   * @remarks Box–Muller: one pair of uniforms gives two independent normals; the second is kept
   *   for the next call. `u1 = 1 - random()` lies in (0, 1], so `log(u1)` is finite.
   */
  normal(): number {
    if (this.#spare !== null) {
      const z = this.#spare;
      this.#spare = null;
      return z;
    }
    const u1 = 1 - this.random();
    const u2 = this.random();
    const r = Math.sqrt(-2 * Math.log(u1)); // radius of the Box–Muller pair
    const theta = 2 * Math.PI * u2;
    this.#spare = r * Math.sin(theta);
    return r * Math.cos(theta);
  }

  /**
   * A uniform integer in [low, highExclusive), without modulo bias (pure-rand `uniformInt`).
   * @throws {@link InvalidArgumentError} if the bounds are not safe integers with `low < highExclusive`.
   */
  int(low: number, highExclusive: number): number {
    if (!Number.isSafeInteger(low) || !Number.isSafeInteger(highExclusive) || low >= highExclusive) {
      throw new InvalidArgumentError(
        `Generator.int: bounds must be safe integers with low < highExclusive; got low ${low} and highExclusive ${highExclusive}.`,
      );
    }
    return uniformInt(this.#rng, low, highExclusive - 1);
  }
}

function checkSeed(seed: number): number {
  if (!Number.isSafeInteger(seed)) {
    throw new InvalidArgumentError(`Generator: seed must be a safe integer; got ${seed}.`);
  }
  return seed;
}

/** SplitMix32 step (Steele et al. 2014, 32-bit variant with MurmurHash3's finaliser constants). */
function splitMix32(state: number): number {
  let z = state;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) | 0;
}

function seededState(seed: number): RandomGenerator {
  const lo = seed | 0; // low 32 bits (two's complement for negative seeds)
  const hi = Math.floor(seed / 0x100000000) | 0;
  let s = lo ^ splitMix32(hi ^ 0x6a09e667);
  const words: number[] = [];
  for (let i = 0; i < 4; i++) {
    s = (s + 0x9e3779b9) | 0;
    words.push(splitMix32(s));
  }
  // xoroshiro's all-zero state is a fixed point; it never arises in practice but is cheap to rule out.
  if (!words.some((w) => w !== 0)) words[0] = 1;
  return xoroshiro128plusFromState(words);
}

let defaultGen: Generator | null = null;

/** The generator random ops use when no `rng` is given (created on first use with PyTorch's default seed). */
export function defaultGenerator(): Generator {
  defaultGen ??= new Generator(DEFAULT_SEED);
  return defaultGen;
}

/**
 * Reseeds the default generator (PyTorch `torch.manual_seed`), so later unseeded random ops repeat.
 *
 * @param seed - A safe integer.
 * @returns The default generator.
 * @throws {@link InvalidArgumentError} if `seed` is not a safe integer.
 * @example
 * ```ts
 * manualSeed(0);
 * const a = rand([3]);
 * manualSeed(0);
 * const b = rand([3]); // same values as a
 * ```
 */
export function manualSeed(seed: number): Generator {
  return defaultGenerator().manualSeed(seed);
}
