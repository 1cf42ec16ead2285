/**
 * The non-neural G2P baseline: letters are aligned to phoneme chunks (ε, one phoneme or two) by
 * EM over all training pronunciations (a one-to-{0,1,2} version of Jiampojamarn et al. 2007's
 * many-to-many aligner), then each letter's chunk is predicted from the letters around it — the
 * widest context window seen in training wins, backing off to narrower ones (memory-based G2P
 * as in Daelemans & van den Bosch 1996, without their weighting). Trained on the training split only.
 */

/** The chunk of phonemes one letter stands for: `''` (silent), `'K'` or `'K S'`. */
type Chunk = string;

/** Context windows (letters to the left, to the right), widest first: the backoff order. */
const WINDOWS: readonly (readonly [number, number])[] = [
  [3, 3],
  [2, 3],
  [3, 2],
  [2, 2],
  [1, 2],
  [2, 1],
  [1, 1],
  [0, 1],
  [1, 0],
  [0, 0],
];

/** Counts of chunk ids in one context; a context seen once stores just its chunk id. */
type Counts = number | Map<number, number>;

/** Options of {@link AlignmentBaseline.train}. */
export interface BaselineTrainOptions {
  /** EM iterations of the aligner (default 5). */
  iterations?: number;
}

/** Letters of a context window packed into one integer, 6 bits per letter (0 = word boundary). */
function windowKey(codes: Int32Array, at: number, l: number, r: number): number {
  let key = 0;
  for (let i = at - l; i <= at + r; i++) key = key * 64 + (i < 0 || i >= codes.length ? 0 : codes[i]!);
  return key;
}

export class AlignmentBaseline {
  readonly #contexts: Map<number, Counts>[] = WINDOWS.map(() => new Map());
  readonly #letters = new Map<string, number>();
  #chunks: readonly Chunk[] = [];
  /** Pronunciations the aligner could not align (more than two phonemes per letter). */
  unaligned = 0;

  /** Trains on (word, pronunciation) pairs, pronunciations as phoneme lists. */
  static train(
    pairs: readonly (readonly [string, readonly string[]])[],
    options: BaselineTrainOptions = {},
  ): AlignmentBaseline {
    const model = new AlignmentBaseline();
    const { lattices: all, chunks, numLetters } = lattices(pairs);
    const probs = emAlign(all, numLetters, chunks, options.iterations ?? 5);
    model.#chunks = chunks;
    all.forEach((l, i) => {
      const aligned = viterbi(l, probs);
      if (aligned === null) model.unaligned++;
      else model.#add(model.#codes(pairs[i]![0], true), aligned);
    });
    return model;
  }

  /** Letter codes 1…63 (new letters get codes when `grow`; unknown ones are 63). */
  #codes(word: string, grow: boolean): Int32Array {
    return Int32Array.from([...word], (c) => {
      let v = this.#letters.get(c);
      if (v === undefined && grow && this.#letters.size < 62) {
        v = this.#letters.size + 1;
        this.#letters.set(c, v);
      }
      return v ?? 63;
    });
  }

  #add(codes: Int32Array, chunks: readonly number[]): void {
    for (let i = 0; i < codes.length; i++) {
      const chunk = chunks[i]!;
      WINDOWS.forEach(([l, r], w) => {
        const key = windowKey(codes, i, l, r);
        const map = this.#contexts[w]!;
        const seen = map.get(key);
        if (seen === undefined) map.set(key, chunk);
        else if (typeof seen === 'number') {
          if (seen !== chunk) map.set(key, new Map([[seen, 1]]).set(chunk, 1));
          else map.set(key, new Map([[seen, 2]]));
        } else seen.set(chunk, (seen.get(chunk) ?? 0) + 1);
      });
    }
  }

  /** The predicted phonemes of `word` (lowercase letters). */
  predict(word: string): string[] {
    const codes = this.#codes(word, false);
    const out: string[] = [];
    for (let i = 0; i < codes.length; i++) {
      for (let w = 0; w < WINDOWS.length; w++) {
        const [l, r] = WINDOWS[w]!;
        const seen = this.#contexts[w]!.get(windowKey(codes, i, l, r));
        if (seen === undefined) continue;
        const chunk = this.#chunks[typeof seen === 'number' ? seen : argmax(seen)]!;
        if (chunk !== '') out.push(...chunk.split(' '));
        break;
      }
    }
    return out;
  }
}

function argmax(counts: Map<number, number>): number {
  let best = 0;
  let n = -1;
  for (const [c, k] of counts) {
    if (k > n) {
      best = c;
      n = k;
    }
  }
  return best;
}

/** A pair as integers: letter ids, and per phoneme position j the chunk ids of lengths 1 and 2 starting at j. */
interface Lattice {
  readonly letters: Int32Array;
  readonly one: Int32Array;
  readonly two: Int32Array;
  readonly m: number;
}

/** p(chunk | letter) as a dense table, with the chunk and letter numbering. */
interface Probs {
  readonly table: Float64Array;
  readonly numChunks: number;
  readonly chunks: readonly Chunk[];
}

function lattices(pairs: readonly (readonly [string, readonly string[]])[]): {
  lattices: Lattice[];
  chunks: Chunk[];
  numLetters: number;
} {
  const chunkIds = new Map<Chunk, number>([['', 0]]);
  const letterIds = new Map<string, number>();
  const id = (map: Map<string, number>, key: string): number => {
    let v = map.get(key);
    if (v === undefined) {
      v = map.size;
      map.set(key, v);
    }
    return v;
  };
  const out = pairs.map(([word, phones]) => {
    const m = phones.length;
    const one = new Int32Array(m);
    const two = new Int32Array(m);
    for (let j = 0; j < m; j++) {
      one[j] = id(chunkIds, phones[j]!);
      two[j] = j + 1 < m ? id(chunkIds, `${phones[j]!} ${phones[j + 1]!}`) : -1;
    }
    const letters = Int32Array.from([...word], (c) => id(letterIds, c));
    return { letters, one, two, m };
  });
  return { lattices: out, chunks: [...chunkIds.keys()], numLetters: Math.max(1, letterIds.size) };
}

/** The chunk id of length k that ends at phoneme position j (exclusive), or -1. */
function chunkEnding(l: Lattice, j: number, k: number): number {
  return k === 0 ? 0 : k === 1 ? l.one[j - 1]! : l.two[j - 2]!;
}

/** EM for p(chunk | letter) over the alignment lattice of every pair (forward–backward). */
function emAlign(all: Lattice[], numLetters: number, chunks: readonly Chunk[], iterations: number): Probs {
  const C = chunks.length;
  let table = new Float64Array(numLetters * C).fill(1); // uniform start
  for (let it = 0; it < iterations; it++) {
    const counts = new Float64Array(numLetters * C);
    for (const l of all) {
      const n = l.letters.length;
      const m = l.m;
      if (m > 2 * n) continue;
      const W = m + 1;
      const alpha = new Float64Array((n + 1) * W);
      const beta = new Float64Array((n + 1) * W);
      alpha[0] = 1;
      for (let i = 1; i <= n; i++) {
        const row = l.letters[i - 1]! * C;
        for (let j = 0; j <= m; j++) {
          let s = 0;
          for (let k = 0; k <= 2 && k <= j; k++)
            s += alpha[(i - 1) * W + j - k]! * table[row + chunkEnding(l, j, k)]!;
          alpha[i * W + j] = s;
        }
      }
      const z = alpha[n * W + m]!;
      if (!(z > 0)) continue;
      beta[n * W + m] = 1;
      for (let i = n - 1; i >= 0; i--) {
        const row = l.letters[i]! * C;
        for (let j = 0; j <= m; j++) {
          let s = 0;
          for (let k = 0; k <= 2 && j + k <= m; k++)
            s += table[row + chunkEnding(l, j + k, k)]! * beta[(i + 1) * W + j + k]!;
          beta[i * W + j] = s;
        }
      }
      for (let i = 1; i <= n; i++) {
        const row = l.letters[i - 1]! * C;
        for (let j = 0; j <= m; j++) {
          for (let k = 0; k <= 2 && k <= j; k++) {
            const a = alpha[(i - 1) * W + j - k]!;
            if (a === 0) continue;
            const c = chunkEnding(l, j, k);
            counts[row + c]! += (a * table[row + c]! * beta[i * W + j]!) / z;
          }
        }
      }
    }
    // M step: normalise per letter.
    for (let r = 0; r < numLetters; r++) {
      let t = 0;
      for (let c = 0; c < C; c++) t += counts[r * C + c]!;
      if (t > 0) for (let c = 0; c < C; c++) counts[r * C + c]! /= t;
    }
    table = counts;
  }
  return { table, numChunks: C, chunks };
}

/** The most probable chunk per letter, or null if the pair cannot be aligned. */
function viterbi(l: Lattice, probs: Probs): number[] | null {
  const n = l.letters.length;
  const m = l.m;
  if (m > 2 * n) return null;
  const C = probs.numChunks;
  const W = m + 1;
  const score = new Float64Array((n + 1) * W).fill(Number.NEGATIVE_INFINITY);
  const back = new Int8Array((n + 1) * W);
  score[0] = 0;
  for (let i = 1; i <= n; i++) {
    const row = l.letters[i - 1]! * C;
    for (let j = 0; j <= m; j++) {
      for (let k = 0; k <= 2 && k <= j; k++) {
        const pr = probs.table[row + chunkEnding(l, j, k)]!;
        if (!(pr > 0)) continue;
        const s = score[(i - 1) * W + j - k]! + Math.log(pr);
        if (s > score[i * W + j]!) {
          score[i * W + j] = s;
          back[i * W + j] = k;
        }
      }
    }
  }
  if (score[n * W + m] === Number.NEGATIVE_INFINITY) return null;
  const chunks: number[] = new Array(n);
  let j = m;
  for (let i = n; i >= 1; i--) {
    const k = back[i * W + j]!;
    chunks[i - 1] = chunkEnding(l, j, k);
    j -= k;
  }
  return chunks;
}
