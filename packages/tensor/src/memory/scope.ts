/**
 * The state behind {@link withArena}: the stack of open scopes, and the buffer pools released
 * storage goes back to. Kept free of runtime imports of `Tensor` so that `tensor.ts` and
 * `dtype.ts` can call in here without an import cycle (see docs/decisions/0011-buffer-pool.md).
 */
import type { DType, TypedArray } from '../dtype.js';

/**
 * What a scope needs of a `Tensor` (structural, so this module imports nothing that imports the
 * kernels: `dtype.ts` and `tensor.ts` call in here).
 */
export interface Tracked {
  readonly nd: { readonly data: TypedArray };
  readonly requiresGrad: boolean;
  readonly _node: unknown;
  readonly grad: Tracked | null;
}

/** A tensor was used after the {@link withArena} scope that released its storage ended. */
export class ReleasedTensorError extends Error {
  override name = 'ReleasedTensorError';
}

const RELEASED_MESSAGE =
  'Tensor used after its withArena() scope ended: its storage went back to the buffer pool. Return the tensor from the withArena callback, or call keep(tensor) inside the scope (fit() runs each step in a scope: keep() what lossFn stores, or pass arena: false).';

function released(): never {
  throw new ReleasedTensorError(RELEASED_MESSAGE);
}

/**
 * What a released tensor's `nd` becomes: every member throws, so a tensor that escaped its scope
 * can never read or write storage that the pool has handed to someone else.
 */
export const RELEASED_VIEW: Tracked['nd'] = Object.freeze(
  Object.defineProperties(
    {},
    Object.fromEntries(
      ['data', 'shape', 'stride', 'offset', 'dtype', 'size', 'dimension', 'get', 'set', 'index'].map((k) => [
        k,
        { get: released, enumerable: true },
      ]),
    ),
  ),
) as unknown as Tracked['nd'];

/** Counters of a {@link BufferPool} (see {@link BufferPool.stats}). */
export interface BufferPoolStats {
  /** Buffers waiting in the free lists. */
  freeBuffers: number;
  /** Bytes of those buffers. */
  freeBytes: number;
  /** Allocations inside a scope served from a free list. */
  hits: number;
  /** Allocations inside a scope that had to create a new buffer. */
  misses: number;
  /** Buffers returned to the free lists at the end of scopes. */
  released: number;
  /** Buffers not pooled at release because the pool was at `maxBytes`. */
  dropped: number;
}

const BYTES: Record<DType, number> = { float32: 4, float64: 8, int32: 4, bool: 1 };
const CTOR = { float32: Float32Array, float64: Float64Array, int32: Int32Array, bool: Uint8Array } as const;

/**
 * @internal Capacity class of a request of n elements: n itself below 64, else n rounded up to the next
 * m·2^e with m in 8…15 (8 classes per octave, so a new buffer is at most 12.5% larger than asked).
 */
export function capacityOf(n: number): number {
  if (n < 64) return n;
  const e = Math.floor(Math.log2(n)) - 3;
  const step = 2 ** e;
  return Math.ceil(n / step) * step;
}

/** The class after capacity c (see {@link capacityOf}). */
function nextCapacity(c: number): number {
  if (c < 64) return c + 1;
  return c + 2 ** (Math.floor(Math.log2(c)) - 3);
}

/**
 * Free lists of storage keyed by dtype and capacity class, fed by {@link withArena} scopes. Holds
 * only storage that no live tensor views; reused buffers are zeroed before they are handed out
 * (except to ops whose kernel overwrites every element: `allocateUninitialized`), so results are
 * bit-identical to fresh allocation.
 *
 * A request of n elements takes the smallest free buffer of capacity n … 2n (best fit), as a view
 * of exactly n elements; a miss allocates the capacity class of n (≤ 12.5% more). Training on
 * length-bucketed batches (G2P: a different sequence length every step) asks for a different size
 * every step: with exact-size lists, 27% of its allocations missed at the 512 MiB cap, and the
 * garbage collector's work on the dropped buffers took ~40 ms of a 240 ms step (measured with
 * `--single-threaded-gc`); a larger buffer from the previous steps serves it instead.
 */
export class BufferPool {
  /** Largest total of bytes kept in the free lists; buffers beyond it are left to the GC. */
  readonly maxBytes: number;
  readonly #free: Record<DType, Map<number, ArrayBuffer[]>> = {
    float32: new Map(),
    float64: new Map(),
    int32: new Map(),
    bool: new Map(),
  };
  #freeBuffers = 0;
  #freeBytes = 0;
  #hits = 0;
  #misses = 0;
  #released = 0;
  #dropped = 0;

  /** @param maxBytes - Cap of the free lists in bytes (default 512 MiB). */
  constructor(maxBytes = 512 * 2 ** 20) {
    if (typeof maxBytes !== 'number' || !(maxBytes >= 0)) {
      throw new TypeError(`BufferPool: maxBytes must be a number >= 0; got ${String(maxBytes)}.`);
    }
    this.maxBytes = maxBytes;
  }

  /**
   * @internal A buffer of `n` elements: from the free lists when a buffer of capacity n … 2n is
   * free, else new. Zeroed unless `zeroed` is false (the caller's kernel then writes every
   * element; a new buffer is zero anyway).
   */
  take(dtype: DType, n: number, zeroed = true): TypedArray {
    const lists = this.#free[dtype];
    if (this.#freeBuffers > 0) {
      for (let c = capacityOf(n); c <= 2 * n; c = nextCapacity(c)) {
        const list = lists.get(c);
        if (list === undefined || list.length === 0) continue;
        const storage = list.pop() as ArrayBuffer;
        this.#freeBuffers--;
        this.#freeBytes -= storage.byteLength;
        this.#hits++;
        const buf = new CTOR[dtype](storage, 0, n);
        if (zeroed) buf.fill(0);
        return buf;
      }
    }
    this.#misses++;
    // Off-heap storage: `.buffer` is then free to read at release time.
    return new CTOR[dtype](new ArrayBuffer(capacityOf(n) * BYTES[dtype]), 0, n);
  }

  /** @internal Returns a dead buffer's storage to its free list. */
  give(buf: TypedArray): void {
    const storage = buf.buffer;
    const bytes = storage.byteLength;
    if (this.#freeBytes + bytes > this.maxBytes || !(storage instanceof ArrayBuffer)) {
      this.#dropped++;
      return;
    }
    const dtype = dtypeOf(buf);
    const map = this.#free[dtype];
    const capacity = bytes / BYTES[dtype];
    let list = map.get(capacity);
    if (list === undefined) {
      list = [];
      map.set(capacity, list);
    }
    list.push(storage);
    this.#freeBuffers++;
    this.#freeBytes += bytes;
    this.#released++;
  }

  /** The pool's counters, for tests and benchmarks (no per-step growth: `misses` stops rising). */
  stats(): BufferPoolStats {
    return {
      freeBuffers: this.#freeBuffers,
      freeBytes: this.#freeBytes,
      hits: this.#hits,
      misses: this.#misses,
      released: this.#released,
      dropped: this.#dropped,
    };
  }

  /** Empties the free lists (their memory goes to the GC); counters are kept. */
  clear(): void {
    for (const map of Object.values(this.#free)) map.clear();
    this.#freeBuffers = 0;
    this.#freeBytes = 0;
  }
}

function dtypeOf(buf: TypedArray): DType {
  if (buf instanceof Float32Array) return 'float32';
  if (buf instanceof Float64Array) return 'float64';
  if (buf instanceof Int32Array) return 'int32';
  return 'bool';
}

/** One open {@link withArena} scope. */
export class Scope {
  /** Storage allocated while this scope was innermost. */
  buffers: TypedArray[] = [];
  /** Tensors constructed while this scope was innermost (or handed up by an inner scope). */
  tensors: Tracked[] = [];
  /** Tensors given to {@link keep}: they survive this and every enclosing scope. */
  kept: Tracked[] = [];
  constructor(
    readonly pool: BufferPool,
    readonly parent: Scope | null,
  ) {}
}

/** The innermost open scope, or null outside any. */
export let activeScope: Scope | null = null;

/** @internal Makes `scope` the innermost scope. */
export function setActiveScope(scope: Scope | null): void {
  activeScope = scope;
}

/** @internal Called by the Tensor constructor: the innermost scope tracks the new tensor. */
export function trackTensor(t: Tracked): void {
  if (activeScope !== null) activeScope.tensors.push(t);
}

/** @internal Storage for `allocate` inside a scope; null outside any (allocate then uses `new`). */
export function scopedAllocate(dtype: DType, n: number, zeroed: boolean): TypedArray | null {
  const scope = activeScope;
  if (scope === null || n === 0) return null;
  const buf = scope.pool.take(dtype, n, zeroed);
  scope.buffers.push(buf);
  return buf;
}

/** @internal Marks `t` kept in the innermost scope (autograd keeps leaves' `.grad` this way). */
export function keepInScope(t: Tracked): void {
  if (activeScope !== null) activeScope.kept.push(t);
}
