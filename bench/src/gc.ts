/**
 * Garbage-collector share and heap growth of a training step: the train suite runs `to` steps;
 * from step `from` on, a `PerformanceObserver` (entryTypes ['gc']) sums the collector's pauses,
 * and the heap is read after a forced full GC at step `from` and at step `to`. Targets of issue
 * 15: GC ≤ 2% of the step, no per-step heap growth.
 */
import { constants, PerformanceObserver } from 'node:perf_hooks';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

export interface GcStats {
  /** Steps in the measured window (`to − from`). */
  steps: number;
  from: number;
  to: number;
  /** Sum of the window's step times (ms), GC pauses inside them included. */
  stepMs: number;
  /** Sum of GC pause durations reported in the window (ms), and their count by kind. */
  gcMs: number;
  collections: { minor: number; major: number; incremental: number; weak: number };
  /** gcMs / stepMs. */
  share: number;
  /** After a forced full GC at step `from` and at step `to` (bytes). */
  heapUsed: [number, number];
  arrayBuffers: [number, number];
  /** (heapUsed + arrayBuffers growth) / steps, bytes per step. */
  growthPerStep: number;
}

/** `global.gc` (node --expose-gc), or one obtained through the V8 flag at run time. */
function forcedGc(): () => void {
  const existing = (globalThis as { gc?: () => void }).gc;
  if (existing !== undefined) return existing;
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
}

const tick = () => new Promise<void>((resolve) => setImmediate(resolve));

export async function gcStats(step: () => unknown, from: number, to: number): Promise<GcStats> {
  const gc = forcedGc();
  for (let i = 0; i < from; i++) step();
  await tick();
  gc();
  gc();
  const before = process.memoryUsage();
  let gcMs = 0;
  const collections = { minor: 0, major: 0, incremental: 0, weak: 0 };
  const observer = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) {
      gcMs += e.duration;
      const kind = (e as { detail?: { kind?: number } }).detail?.kind;
      if (kind === constants.NODE_PERFORMANCE_GC_MINOR) collections.minor++;
      else if (kind === constants.NODE_PERFORMANCE_GC_MAJOR) collections.major++;
      else if (kind === constants.NODE_PERFORMANCE_GC_INCREMENTAL) collections.incremental++;
      else collections.weak++;
    }
  });
  observer.observe({ entryTypes: ['gc'] });
  let stepMs = 0;
  for (let i = from; i < to; i++) {
    const t0 = performance.now();
    step();
    stepMs += performance.now() - t0;
    // GC entries are delivered on the event loop: let them in between steps (untimed).
    if ((i - from) % 10 === 9) await tick();
  }
  await tick();
  await tick();
  observer.disconnect();
  gc();
  gc();
  const after = process.memoryUsage();
  const steps = to - from;
  return {
    steps,
    from,
    to,
    stepMs,
    gcMs,
    collections,
    share: gcMs / stepMs,
    heapUsed: [before.heapUsed, after.heapUsed],
    arrayBuffers: [before.arrayBuffers, after.arrayBuffers],
    growthPerStep:
      (after.heapUsed - before.heapUsed + (after.arrayBuffers - before.arrayBuffers)) / Math.max(1, steps),
  };
}
