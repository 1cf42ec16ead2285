/**
 * Shared pieces of the benchmarks: one timed task through tinybench, and the result types that
 * run.ts prints and writes to bench/results/<suite>.json. Benchmarks are never tests.
 */
import { Bench } from 'tinybench';

/** How long to sample one task; tinybench runs until both the time and the iteration minimum are met. */
export interface MeasureOptions {
  /** Sampling budget in ms (0: stop at `iterations`). */
  time: number;
  /** Minimum number of timed calls. */
  iterations: number;
  /** Untimed calls first, so the JIT has optimised the code being timed. */
  warmupIterations: number;
  /** Warm-up budget in ms. */
  warmupTime: number;
}

/** Timing of one task. */
export interface Timing {
  /** Calls per second from the median latency (robust to a noisy shared machine). */
  opsPerSec: number;
  medianMs: number;
  meanMs: number;
  /** Relative margin of error of the mean, in percent. */
  rme: number;
  samples: number;
}

/** One benchmark row: attnkit against a plain-JavaScript baseline timed in the same run. */
export interface Row {
  /** e.g. `matmul: m=512 n=512 k=512`. */
  name: string;
  /** The sizes, for the JSON. */
  params: Record<string, number>;
  /** Work per call in `unit`s (flops for GFLOP/s, elements for Melem/s) before the 1e9/1e6 scaling. */
  workPerCall: number;
  attnkit: Timing & { rate: number };
  baseline: Timing & { rate: number; name: string };
  /** attnkit rate / baseline rate. */
  speedup: number;
}

/** All rows of one `<suite>.bench.ts`. */
export interface Suite {
  name: string;
  unit: 'GFLOP/s' | 'Melem/s';
  rows: Row[];
}

/** Defaults for tasks of a few milliseconds. */
export const QUICK: MeasureOptions = { time: 1000, iterations: 5, warmupIterations: 5, warmupTime: 250 };

/** Times `fn` alone with tinybench. */
export async function measure(name: string, fn: () => void, options: MeasureOptions): Promise<Timing> {
  const bench = new Bench({ name, throws: true, ...options });
  bench.add(name, fn, { async: false });
  await bench.run();
  const result = bench.tasks[0]?.result;
  if (result === undefined || (result.state !== 'completed' && result.state !== 'aborted-with-statistics')) {
    throw new Error(`bench: ${name} did not complete (${result?.state ?? 'no task'}).`);
  }
  const { latency } = result;
  return {
    opsPerSec: 1000 / latency.p50,
    medianMs: latency.p50,
    meanMs: latency.mean,
    rme: latency.rme,
    samples: latency.samplesCount,
  };
}

/**
 * Times attnkit's task and the baseline's, and turns them into a row with rates in `scale`
 * (1e9 for GFLOP/s, 1e6 for Melem/s).
 */
export async function compare(
  name: string,
  params: Record<string, number>,
  workPerCall: number,
  scale: number,
  attnkit: () => void,
  baseline: { name: string; fn: () => void },
  options: MeasureOptions = QUICK,
): Promise<Row> {
  const ours = await measure(name, attnkit, options);
  const base = await measure(`${name} (${baseline.name})`, baseline.fn, options);
  const rate = (t: Timing) => (t.opsPerSec * workPerCall) / scale;
  return {
    name,
    params,
    workPerCall,
    attnkit: { ...ours, rate: rate(ours) },
    baseline: { ...base, rate: rate(base), name: baseline.name },
    speedup: rate(ours) / rate(base),
  };
}

/** Deterministic values in [-1, 1) (a multiplicative hash, so runs are comparable). */
export function fillValues(n: number, seed: number): Float32Array {
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = ((Math.imul(i + 1, 2654435761 + seed) >>> 16) % 2048) / 1024 - 1;
  return out;
}

/**
 * Where every task puts one element of its result, so the JIT cannot drop the work as dead code.
 * run.ts prints it at the end.
 */
export const sink = { value: 0 };
