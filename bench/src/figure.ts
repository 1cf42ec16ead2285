/**
 * One figure = one library on one case: prepare (untimed), a first call that is checked against
 * the float64 reference and measured for memory, then the median of the timed calls.
 */

import type { GcStats } from './gc.js';
import {
  type Check,
  consume,
  type MemoryDelta,
  measureFirstCall,
  QUICK,
  type TimerOptions,
  time,
} from './harness.js';
import type { LibraryName } from './libs.js';
import type { Scaling } from './scaling.js';
import type { Paired } from './torch.js';

export type Suite = 'sgemm' | 'attention' | 'mha' | 'train';

export interface Figure {
  suite: Suite;
  /** e.g. `n=512` or `L=1024 causal`. */
  case: string;
  params: Record<string, number | string | boolean>;
  library: LibraryName;
  threads: number;
  /** ok: checked and timed; invalid: timed but failed the check; skipped/failed: no timing. */
  status: 'ok' | 'invalid' | 'skipped' | 'failed';
  note?: string;
  medianMs?: number;
  minMs?: number;
  samples?: number;
  gflops?: number;
  tokensPerSec?: number;
  memory?: MemoryDelta;
  checks?: Record<string, Check>;
  /** attnkit's median time / this library's (how many times faster than attnkit; attnkit = 1). */
  speedVsAttnkit?: number;
  /**
   * PyTorch twins: the interleaved attnkit/PyTorch rounds this figure comes from; its
   * `speedVsAttnkit` is the paired one (attnkitMs / torchMs), not the separate attnkit figure's.
   */
  paired?: Paired;
  /** attnkit training figures: GC share and heap growth per step (see gc.ts). */
  gc?: GcStats;
  /** attnkit's 2-thread figure of the main model: 1 vs 2 threads in interleaved rounds (scaling.ts). */
  scaling?: Scaling;
}

/** What a library supplies for one case. */
export interface Task {
  /** The timed call; it returns a host-readable result (downloads included). */
  run(): ArrayLike<number> | Promise<ArrayLike<number>>;
  /** Checks of the first call's result against the float64 reference (untimed). */
  verify(first: ArrayLike<number>): Record<string, Check> | Promise<Record<string, Check>>;
  /**
   * The library's own memory high-water mark over the first call (tfjs: tf.profile), used
   * instead of the process-level delta.
   */
  profile?(
    call: () => Promise<ArrayLike<number>>,
  ): Promise<{ result: ArrayLike<number>; extraBytes: number }>;
  dispose?(): void | Promise<void>;
}

export interface FigureOptions {
  flops?: number;
  tokens?: number;
  timer?: TimerOptions;
  /** Skip (with this note) instead of running. */
  skip?: string;
}

function errorText(e: unknown): string {
  return (e instanceof Error ? e.message : String(e)).split('\n')[0]!.slice(0, 200);
}

export async function measureFigure(
  meta: Pick<Figure, 'suite' | 'case' | 'params' | 'library' | 'threads'>,
  prepare: () => Task | Promise<Task>,
  options: FigureOptions = {},
): Promise<Figure> {
  if (options.skip !== undefined) return { ...meta, status: 'skipped', note: options.skip };
  let task: Task | undefined;
  try {
    task = await prepare();
    const t = task;
    const call = async (): Promise<ArrayLike<number>> => {
      const out = await t.run();
      consume(out);
      return out;
    };
    const first = await measureFirstCall(async () => {
      if (t.profile === undefined) return { result: await call(), extraBytes: undefined };
      return t.profile(call);
    });
    const memory: MemoryDelta =
      first.result.extraBytes === undefined
        ? first.memory
        : {
            ...first.memory,
            peakExtra: first.result.extraBytes,
            method: 'tf.profile peakBytes − bytes before',
          };
    const checks = await t.verify(first.result.result);
    const valid = Object.values(checks).every((c) => c.valid);
    const timing = await time(call, options.timer ?? QUICK, first.ms, t.profile === undefined);
    const fig: Figure = {
      ...meta,
      status: valid ? 'ok' : 'invalid',
      medianMs: timing.medianMs,
      minMs: timing.minMs,
      samples: timing.samples,
      memory,
      checks,
    };
    if (options.flops !== undefined) fig.gflops = options.flops / (timing.medianMs * 1e6);
    if (options.tokens !== undefined) fig.tokensPerSec = options.tokens / (timing.medianMs / 1000);
    if (!valid) {
      fig.note = Object.entries(checks)
        .filter(([, c]) => !c.valid)
        .map(
          ([k, c]) => `${k}: max err ${c.maxAbsErr.toExponential(2)} > tol ${c.tolerance.toExponential(2)}`,
        )
        .join('; ');
    }
    return fig;
  } catch (e) {
    return { ...meta, status: 'failed', note: errorText(e) };
  } finally {
    try {
      await task?.dispose?.();
    } catch {
      // Releasing a session that failed to run can throw again; the figure already says why.
    }
  }
}

/** Fills in `speedVsAttnkit` for every figure that has an attnkit figure of the same case. */
export function addRatios(figures: Figure[]): void {
  for (const f of figures) {
    if (f.paired !== undefined) continue; // already the ratio of interleaved rounds
    const base = figures.find(
      (g) => g.suite === f.suite && g.case === f.case && g.library === 'attnkit' && g.threads === f.threads,
    );
    if (base?.medianMs !== undefined && f.medianMs !== undefined)
      f.speedVsAttnkit = base.medianMs / f.medianMs;
  }
}

/** Per-call time above which a case is not run (it would dominate the run). */
const CAP_MS = 30_000;

/**
 * Skips a case whose time per call, extrapolated from `library`'s last timed figure in `figures`
 * (among those `sameSeries` accepts) by `growth(prev)`, is over 30 s.
 *
 * @returns `{ skip }` to spread into {@link FigureOptions}, or `{}` to run the case.
 */
export function skipOverCap(
  figures: readonly Figure[],
  library: LibraryName,
  growth: (prev: Figure) => number,
  sameSeries: (f: Figure) => boolean = () => true,
): Pick<FigureOptions, 'skip'> {
  const prev = figures
    .filter((f) => f.library === library && sameSeries(f) && f.medianMs !== undefined)
    .at(-1);
  const estimate = prev === undefined ? 0 : prev.medianMs! * growth(prev);
  return estimate > CAP_MS
    ? {
        skip: `about ${(estimate / 1000).toFixed(0)} s per call (extrapolated), over the ${CAP_MS / 1000} s cap`,
      }
    : {};
}
