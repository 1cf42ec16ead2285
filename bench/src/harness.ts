/**
 * Timing, memory and correctness helpers shared by every suite. A figure is the median of N timed
 * calls after a first call that warms up, measures memory and is checked against the float64
 * reference; the bench is never a test, so a failed check marks the figure invalid instead of
 * throwing.
 */
import { readFileSync } from 'node:fs';
import { arch, cpus, loadavg, platform, release, totalmem } from 'node:os';

/** How many calls to time. */
export interface TimerOptions {
  /** Untimed calls after the first (measured) call. */
  warmup: number;
  /** Stop timing once this many ms have been spent (after `minRuns`). */
  budgetMs: number;
  minRuns: number;
  maxRuns: number;
}

/** Default for calls of up to ~100 ms. */
export const QUICK: TimerOptions = { warmup: 2, budgetMs: 1500, minRuns: 5, maxRuns: 25 };

/** A call slower than this gets no warm-up, and at least one timed run after the first call. */
const SLOW_MS = 3000;
/** A first call slower than this is the only sample (JIT warm-up is noise at this size). */
const VERY_SLOW_MS = 10_000;

export interface Timing {
  medianMs: number;
  minMs: number;
  samples: number;
}

/**
 * Calls `fn` repeatedly and returns the median wall time; `fn` may return a promise. The first
 * (measured) call took `firstCallMs`; when it was a plain call (`firstIsPlain`, not under a
 * profiler) and took more than 10 s, it is the only sample.
 */
export async function time(
  fn: () => unknown,
  options: TimerOptions,
  firstCallMs: number,
  firstIsPlain: boolean,
): Promise<Timing> {
  if (firstIsPlain && firstCallMs > VERY_SLOW_MS)
    return { medianMs: firstCallMs, minMs: firstCallMs, samples: 1 };
  const slow = firstCallMs > SLOW_MS;
  const warmup = slow ? 0 : options.warmup;
  const minRuns = slow ? 1 : options.minRuns;
  for (let i = 0; i < warmup; i++) await fn();
  const samples: number[] = [];
  const started = performance.now();
  while (samples.length < options.maxRuns) {
    const t0 = performance.now();
    await fn();
    samples.push(performance.now() - t0);
    if (samples.length >= minRuns && performance.now() - started > options.budgetMs) break;
  }
  samples.sort((a, b) => a - b);
  const mid = samples.length >> 1;
  const medianMs = samples.length % 2 === 1 ? samples[mid]! : (samples[mid - 1]! + samples[mid]!) / 2;
  return { medianMs, minMs: samples[0]!, samples: samples.length };
}

const gc = (globalThis as { gc?: () => void }).gc;

/** Whether node runs with --expose-gc (needed for a clean memory baseline). */
export const canCollect = gc !== undefined;

/** Memory growth over one call, in bytes. */
export interface MemoryDelta {
  rss: number;
  arrayBuffers: number;
  /** The figure reported: max(rss, arrayBuffers) growth, or the library's own high-water mark. */
  peakExtra: number;
  method: string;
}

/**
 * Runs `fn` once after a forced GC and reports how much rss and ArrayBuffer memory it added,
 * read right after the call while its result is still referenced (before anything can be freed
 * by a later GC). Allocations that a GC already reclaimed during the call are not counted, so
 * for garbage-collected temporaries this is the memory not yet reclaimed at the end of the call
 * (an upper bound on the live peak when no GC ran mid-call).
 */
export async function measureFirstCall<T>(
  fn: () => T | Promise<T>,
): Promise<{ result: T; ms: number; memory: MemoryDelta }> {
  gc?.();
  gc?.();
  const before = process.memoryUsage();
  const t0 = performance.now();
  const result = await fn();
  const ms = performance.now() - t0;
  const after = process.memoryUsage();
  const rss = after.rss - before.rss;
  const arrayBuffers = after.arrayBuffers - before.arrayBuffers;
  return {
    result,
    ms,
    memory: {
      rss,
      arrayBuffers,
      peakExtra: Math.max(rss, arrayBuffers, 0),
      method: 'max(Δrss, ΔarrayBuffers) over the first call',
    },
  };
}

/** Correctness of one output against the float64 reference. */
export interface Check {
  maxAbsErr: number;
  /** Allowed error: atol + rtol·max|reference|. */
  tolerance: number;
  valid: boolean;
  /** How many elements were compared (sampled rows at the large sizes). */
  compared: number;
}

/**
 * Compares `actual[index[i]]` with `reference[i]` for every i (all elements when `index` is
 * omitted) and passes when max|actual − reference| ≤ atol + rtol·max|reference|; NaN fails.
 */
export function check(
  actual: ArrayLike<number>,
  reference: ArrayLike<number>,
  rtol: number,
  atol: number,
  index?: ArrayLike<number>,
): Check {
  let maxAbsErr = 0;
  let maxRef = 0;
  let nan = false;
  for (let i = 0; i < reference.length; i++) {
    const ref = reference[i]!;
    const got = actual[index === undefined ? i : index[i]!]!;
    const err = Math.abs(got - ref);
    if (!(err <= maxAbsErr)) {
      if (Number.isNaN(err)) nan = true;
      else maxAbsErr = err;
    }
    maxRef = Math.max(maxRef, Math.abs(ref));
  }
  const tolerance = atol + rtol * maxRef;
  if (nan) maxAbsErr = Number.NaN;
  return { maxAbsErr, tolerance, valid: !nan && maxAbsErr <= tolerance, compared: reference.length };
}

/**
 * Deterministic values in [-1, 1) with 22 random bits each (murmur3's fmix32 of index and seed), so
 * every run and library sees the same inputs and float32 sums really round.
 */
export function fillValues(n: number, seed: number): Float32Array {
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    let h = Math.imul(i + 1, 0x9e3779b1) ^ Math.imul(seed + 1, 0x7feb352d);
    h ^= h >>> 16;
    h = Math.imul(h, 0x85ebca6b);
    h ^= h >>> 13;
    h = Math.imul(h, 0xc2b2ae35);
    h ^= h >>> 16;
    out[i] = (h >>> 10) / 2 ** 21 - 1;
  }
  return out;
}

/** Where every task puts one number of its result, so no work can be dropped as dead code. */
export const sink = { value: 0 };

export function consume(x: ArrayLike<number>): void {
  sink.value += x[0]! + x[x.length - 1]!;
}

export interface Machine {
  os: string;
  cpu: string;
  cores: number;
  memoryGiB: number;
  node: string;
  /** 1-minute load average when the run started: above the core count, other work competed for the CPU. */
  loadAverageAtStart: number;
  /**
   * CPUs this process may run on (Linux `Cpus_allowed_list`, e.g. "1" under `taskset -c 1`;
   * null elsewhere). Child processes, the PyTorch twin among them, inherit it.
   */
  cpusAllowed: string | null;
}

/** This process's CPU affinity from /proc/self/status, or null where there is none to read. */
function cpusAllowed(): string | null {
  try {
    const status = readFileSync('/proc/self/status', 'utf8');
    return /^Cpus_allowed_list:\s*(\S+)/m.exec(status)?.[1] ?? null;
  } catch {
    return null;
  }
}

export function machine(): Machine {
  return {
    os: `${platform()} ${release()} ${arch()}`,
    cpu: cpus()[0]?.model ?? 'unknown',
    cores: cpus().length,
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    loadAverageAtStart: Number(loadavg()[0]!.toFixed(2)),
    cpusAllowed: cpusAllowed(),
  };
}
