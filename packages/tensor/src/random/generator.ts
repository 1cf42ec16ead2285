import { mersenne, mersenneFromState } from 'pure-rand/generator/mersenne';
import type { RandomGenerator } from 'pure-rand/types/RandomGenerator';
import { InvalidArgumentError } from '../errors.js';
import { cosAccurate, sinAccurate } from './accurate-math.js';

/**
 * A generator's full state (PyTorch `Generator.get_state()`): plain JSON-safe data, so a training
 * checkpoint can store it and resume the same random stream.
 */
export interface GeneratorState {
  /** The seed last given ({@link Generator.initialSeed}). */
  readonly seed: number;
  /** The Mersenne Twister's position and 624 words (pure-rand's `getState()` layout). */
  readonly mt: readonly number[];
  /** The cached second Box–Muller normal, or null. */
  readonly nextNormal: number | null;
}

/** PyTorch's default CPU seed (`default_rng_seed_val`), so an unseeded program draws PyTorch's numbers. */
const DEFAULT_SEED = 67280421310721;
const TWO_POW_32 = 4294967296;
/** 2^-53 and 2^-24: PyTorch's `uniform_real` divisors for double and float. */
const DOUBLE_DIVISOR = 1 / 9007199254740992;
const FLOAT_DIVISOR = 1 / 16777216;

/**
 * A seeded pseudorandom number generator that draws exactly PyTorch's CPU numbers
 * (`torch.Generator`): the 32-bit Mersenne Twister MT19937 (pure-rand's `mersenne`, seeded like
 * `at::mt19937` with the low 32 bits of the seed) and PyTorch's transforms from its words to
 * uniforms, normals and integers. Every random op takes one as `rng`; without it they use
 * {@link defaultGenerator}.
 *
 * @remarks The transforms follow `aten/src/ATen/core/DistributionsHelper.h` and
 *   `TransformationHelper.h` (PyTorch 1.13): a double uniform is the low 53 bits of two words
 *   (`random64`, first word high) times 2^-53, a float uniform the low 24 bits of one word times
 *   2^-24; a normal is Box–Muller over two double uniforms with the second value cached, as
 *   PyTorch's `next_double_normal_sample`. {@link randn} and {@link normal} use PyTorch's
 *   vectorised path for tensors of 16 or more elements (`normal_fill`), not this method.
 * @see Matsumoto & Nishimura 1998, "Mersenne Twister"; PyTorch `CPUGeneratorImpl`.
 * @example
 * ```ts
 * const rng = new Generator(0);
 * const x = randn([2, 3], { rng }); // torch.manual_seed(0); torch.randn(2, 3)
 * ```
 */
export class Generator {
  #mt: RandomGenerator;
  #nextNormal: number | null = null;
  #seed: number;

  /**
   * @param seed - A safe integer (negative allowed; as in PyTorch only its low 32 bits seed the
   *   Mersenne Twister). Default PyTorch's default seed, 67280421310721.
   * @throws {@link InvalidArgumentError} if `seed` is not a safe integer.
   */
  constructor(seed: number = DEFAULT_SEED) {
    this.#seed = checkSeed(seed);
    this.#mt = mersenne(seed);
  }

  /** The seed this generator was last seeded with (PyTorch `initial_seed()`). */
  get initialSeed(): number {
    return this.#seed;
  }

  /**
   * Reseeds in place (PyTorch `Generator.manual_seed`): the generator then replays the stream of
   * `new Generator(seed)`, with the cached normal dropped.
   * @throws {@link InvalidArgumentError} if `seed` is not a safe integer.
   */
  manualSeed(seed: number): this {
    this.#seed = checkSeed(seed);
    this.#mt = mersenne(seed);
    this.#nextNormal = null;
    return this;
  }

  /** A copy of the full state, for {@link Generator.setState} (PyTorch `get_state()`). */
  getState(): GeneratorState {
    return { seed: this.#seed, mt: this.#mt.getState().slice(), nextNormal: this.#nextNormal };
  }

  /**
   * Restores a {@link Generator.getState} snapshot (PyTorch `set_state()`): the generator then
   * continues the stream from where the snapshot was taken. A failed call changes nothing.
   * @throws {@link InvalidArgumentError} if `state` is not such a snapshot (shape or values).
   */
  setState(state: GeneratorState): this {
    const bad = (what: string): never => {
      throw new InvalidArgumentError(`Generator.setState: state ${what}.`);
    };
    if (state === null || typeof state !== 'object') bad('must be an object from getState()');
    const { seed, mt, nextNormal } = state;
    if (!Number.isSafeInteger(seed)) bad(`.seed must be a safe integer; got ${seed}`);
    if (!Array.isArray(mt) || mt.length !== 625)
      bad('.mt must be an array of 625 numbers (position and 624 words)');
    const [index, ...words] = mt;
    if (!Number.isInteger(index) || index < 0 || index >= 624)
      bad(`.mt[0] must be a position in [0, 624); got ${index}`);
    if (!words.every((w) => Number.isInteger(w) && w >= -2147483648 && w <= 4294967295)) {
      bad('.mt words must be 32-bit integers');
    }
    if (nextNormal !== null && !Number.isFinite(nextNormal))
      bad(`.nextNormal must be a finite number or null; got ${nextNormal}`);
    this.#mt = mersenneFromState([index, ...words.map((w) => w | 0)]);
    this.#seed = seed;
    this.#nextNormal = nextNormal;
    return this;
  }

  /** The next 32-bit word of the Mersenne Twister, in [0, 2^32) (PyTorch `random()`). */
  nextUint32(): number {
    return this.#mt.next() >>> 0;
  }

  /**
   * A uniform number in [0, 1) on the grid of multiples of 2^-53 (PyTorch
   * `uniform_real_distribution<double>`: `(random64() & (2^53 − 1)) · 2^-53`).
   */
  random(): number {
    const hi = this.nextUint32() & 0x1fffff; // random64's first word is its high half
    const lo = this.nextUint32();
    return (hi * TWO_POW_32 + lo) * DOUBLE_DIVISOR;
  }

  /**
   * A float32 uniform in [0, 1) on the grid of multiples of 2^-24, from one word (PyTorch
   * `uniform_real_distribution<float>`: `(random() & (2^24 − 1)) · 2^-24`).
   */
  randomFloat32(): number {
    return (this.nextUint32() & 0xffffff) * FLOAT_DIVISOR;
  }

  /**
   * A standard normal N(0, 1) number (PyTorch `normal_distribution<double>`).
   * @remarks Box–Muller: `r = √(−2 log(1 − u2))`, `θ = 2π·u1`; returns `r cos θ` and caches
   *   `r sin θ` for the next call, as PyTorch does. `1 − u2` lies in (0, 1], so the log is finite.
   */
  normal(): number {
    if (this.#nextNormal !== null) {
      const z = this.#nextNormal;
      this.#nextNormal = null;
      return z;
    }
    const u1 = this.random();
    const u2 = this.random();
    // V8's log1p agrees with glibc's; its sin/cos do not (glibc's are correctly rounded nearly always).
    const r = Math.sqrt(-2 * Math.log1p(-u2));
    const theta = 2 * Math.PI * u1;
    this.#nextNormal = r * sinAccurate(theta);
    return r * cosAccurate(theta);
  }

  /**
   * A uniform integer in [low, highExclusive) (PyTorch `uniform_int_from_to_distribution`):
   * `low + random() mod range`, or `random64() mod range` when the range reaches 2^32.
   * @remarks As in PyTorch the modulo has a bias of at most range/2^32, negligible for the
   *   ranges of sampling and shuffling.
   * @throws {@link InvalidArgumentError} if the bounds are not safe integers with `low < highExclusive`.
   */
  int(low: number, highExclusive: number): number {
    if (!Number.isSafeInteger(low) || !Number.isSafeInteger(highExclusive) || low >= highExclusive) {
      throw new InvalidArgumentError(
        `Generator.int: bounds must be safe integers with low < highExclusive; got low ${low} and highExclusive ${highExclusive}.`,
      );
    }
    const range = highExclusive - low;
    if (range < TWO_POW_32) return low + (this.nextUint32() % range);
    const hi = BigInt(this.nextUint32());
    const lo = BigInt(this.nextUint32());
    return low + Number(((hi << 32n) | lo) % BigInt(range));
  }
}

function checkSeed(seed: number): number {
  if (!Number.isSafeInteger(seed)) {
    throw new InvalidArgumentError(`Generator: seed must be a safe integer; got ${seed}.`);
  }
  return seed;
}

let defaultGen: Generator | null = null;

/** The generator random ops use when no `rng` is given (created on first use with PyTorch's default seed). */
export function defaultGenerator(): Generator {
  defaultGen ??= new Generator(DEFAULT_SEED);
  return defaultGen;
}

/**
 * Reseeds the default generator (PyTorch `torch.manual_seed`), so later unseeded random ops repeat
 * and draw PyTorch's CPU numbers for the same seed.
 *
 * @param seed - A safe integer.
 * @returns The default generator.
 * @throws {@link InvalidArgumentError} if `seed` is not a safe integer.
 * @example
 * ```ts
 * manualSeed(0);
 * const a = rand([3]); // torch.manual_seed(0); torch.rand(3): [0.4963, 0.7682, 0.0885]
 * manualSeed(0);
 * const b = rand([3]); // same values as a
 * ```
 */
export function manualSeed(seed: number): Generator {
  return defaultGenerator().manualSeed(seed);
}
