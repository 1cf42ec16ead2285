/**
 * The PyTorch twins (bench/python/twins.py), driven from the bench: one `/usr/bin/python3`
 * process for the whole run, one JSON line per command, so rounds of attnkit and PyTorch can be
 * interleaved in one run. Inputs (config, initial weights in attnkit's `stateDict()` names, the
 * fixed batch) go through a temporary directory: `manifest.json` + `tensors.bin` (raw little-endian
 * float32/int32). Without torch the bench says why and runs the JS peers only.
 */
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface, type Interface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { Figure } from './figure.js';
import { type Check, check } from './harness.js';

const PYTHON = process.env.ATTNKIT_BENCH_PYTHON ?? '/usr/bin/python3';
const SCRIPT = fileURLToPath(new URL('../python/twins.py', import.meta.url));

export interface TorchInfo {
  torch: string;
  /** BLAS shared libraries mapped into the twin's process after a product ran (real paths). */
  blas: string[];
  blasInfo: string[];
  threads: number;
  python: string;
}

export type TwinTensor = { data: Float32Array | Int32Array; shape: readonly number[] };

/** One `run` answer: per-step wall times (ms) and losses. */
export interface TwinRun {
  times: number[];
  losses: number[];
}

export class TorchTwins {
  readonly info: TorchInfo;
  readonly #proc: ChildProcessWithoutNullStreams;
  readonly #lines: Interface;
  readonly #pending: ((line: string) => void)[];
  readonly #dirs: string[] = [];
  #next = 0;

  private constructor(
    proc: ChildProcessWithoutNullStreams,
    lines: Interface,
    pending: ((line: string) => void)[],
    info: TorchInfo,
  ) {
    this.#proc = proc;
    this.#lines = lines;
    this.#pending = pending;
    this.info = info;
  }

  /** Starts the twin process, or returns why PyTorch is unavailable. */
  static async start(): Promise<TorchTwins | string> {
    const proc = spawn(PYTHON, [SCRIPT], { stdio: ['pipe', 'pipe', 'pipe'] });
    let stderr = '';
    proc.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    const lines = createInterface({ input: proc.stdout });
    const pending: ((line: string) => void)[] = [];
    lines.on('line', (line) => pending.shift()?.(line));
    const exited = new Promise<string>((resolve) => {
      proc.on('error', (e) => resolve(`${PYTHON} could not start: ${e.message}`));
      proc.on('exit', (code) => {
        const last = stderr.trim().split('\n').at(-1) ?? '';
        resolve(`${PYTHON} twins.py exited (${code}): ${last.slice(0, 200)}`);
      });
    });
    const first = new Promise<string>((resolve) => pending.push(resolve));
    proc.stdin.write(`${JSON.stringify({ cmd: 'info' })}\n`);
    const line = await Promise.race([first, exited.then((why) => ({ why }))]);
    if (typeof line !== 'string') {
      proc.kill();
      return /No module named 'torch'/.test(stderr) ? `${PYTHON} has no torch module` : line.why;
    }
    return new TorchTwins(proc, lines, pending, JSON.parse(line) as TorchInfo);
  }

  async #call<T>(msg: Record<string, unknown>): Promise<T> {
    const answer = new Promise<string>((resolve) => this.#pending.push(resolve));
    this.#proc.stdin.write(`${JSON.stringify(msg)}\n`);
    const out = JSON.parse(await answer) as T & { error?: string };
    if (out.error !== undefined) throw new Error(`PyTorch twin: ${out.error}`);
    return out;
  }

  /** Writes the inputs and builds twin `model`; returns its id for {@link run}. */
  async load(
    model: 'lm' | 'mha' | 'g2p',
    config: Record<string, unknown>,
    tensors: Record<string, TwinTensor>,
  ): Promise<string> {
    const dir = mkdtempSync(join(tmpdir(), 'attnkit-twin-'));
    this.#dirs.push(dir);
    const entries: Record<string, { dtype: string; shape: readonly number[]; offset: number }> = {};
    let offset = 0;
    for (const [name, t] of Object.entries(tensors)) {
      entries[name] = { dtype: t.data instanceof Int32Array ? 'int32' : 'float32', shape: t.shape, offset };
      offset += t.data.byteLength;
    }
    const bytes = new Uint8Array(offset);
    for (const [name, t] of Object.entries(tensors))
      bytes.set(new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength), entries[name]!.offset);
    writeFileSync(join(dir, 'tensors.bin'), bytes);
    writeFileSync(join(dir, 'manifest.json'), JSON.stringify({ config, tensors: entries }));
    const id = `${model}${this.#next++}`;
    await this.#call({ cmd: 'load', id, model, dir });
    return id;
  }

  run(id: string, steps: number, threads: number): Promise<TwinRun> {
    return this.#call<TwinRun>({ cmd: 'run', id, steps, threads });
  }

  async drop(id: string): Promise<void> {
    await this.#call({ cmd: 'drop', id });
  }

  close(): void {
    this.#proc.stdin.write(`${JSON.stringify({ cmd: 'quit' })}\n`);
    this.#proc.stdin.end();
    this.#lines.close();
    for (const dir of this.#dirs) rmSync(dir, { recursive: true, force: true });
  }

  /** One line for the report: torch version and the BLAS it loaded. */
  describe(): string {
    const blas = this.info.blas.length > 0 ? this.info.blas.join(', ') : 'no BLAS library mapped';
    return `torch ${this.info.torch} (python ${this.info.python}), eager, float32; BLAS loaded: ${blas}`;
  }
}

/** The weights of a module's `stateDict()` as twin tensors named `w:<key>`. */
export function weightTensors(
  state: Record<string, { toTypedArray(): ArrayLike<number>; shape: readonly number[] }>,
): Record<string, TwinTensor> {
  return Object.fromEntries(
    Object.entries(state).map(([k, v]) => [
      `w:${k}`,
      { data: Float32Array.from(v.toTypedArray()), shape: v.shape },
    ]),
  );
}

const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

/** An interleaved A/B measurement: rounds of attnkit then PyTorch steps. */
export interface Paired {
  rounds: number;
  stepsPerRound: number;
  /** Median step time over all timed steps (ms). */
  attnkitMs: number;
  torchMs: number;
  /** attnkit speed / PyTorch speed = torchMs / attnkitMs (above 1: attnkit is faster). */
  ratio: number;
  /** The same ratio per round (median of the round's steps): the spread across the host's drift. */
  roundRatios: number[];
  /** Losses of the first steps of each side, from the same initial weights and batch. */
  firstLosses: { attnkit: number[]; torch: number[] };
}

/**
 * Runs `warmup` steps of each side, then `rounds` rounds of `steps` attnkit steps followed by
 * `steps` PyTorch steps. `attnkitStep` returns the loss of its step.
 */
export async function interleave(
  attnkitStep: () => number,
  torch: { twins: TorchTwins; id: string; threads: number },
  options: { rounds: number; steps: number; warmup: number },
): Promise<Paired> {
  const a: number[] = [];
  const t: number[] = [];
  const roundRatios: number[] = [];
  const firstA: number[] = [];
  for (let i = 0; i < options.warmup; i++) firstA.push(attnkitStep());
  const warm = await torch.twins.run(torch.id, options.warmup, torch.threads);
  const firstT = [...warm.losses];
  for (let r = 0; r < options.rounds; r++) {
    const ra: number[] = [];
    for (let i = 0; i < options.steps; i++) {
      const t0 = performance.now();
      const loss = attnkitStep();
      ra.push(performance.now() - t0);
      if (firstA.length < 3) firstA.push(loss);
    }
    const rt = await torch.twins.run(torch.id, options.steps, torch.threads);
    if (firstT.length < 3) firstT.push(...rt.losses.slice(0, 3 - firstT.length));
    a.push(...ra);
    t.push(...rt.times);
    roundRatios.push(median(rt.times) / median(ra));
  }
  const attnkitMs = median(a);
  const torchMs = median(t);
  return {
    rounds: options.rounds,
    stepsPerRound: options.steps,
    attnkitMs,
    torchMs,
    ratio: torchMs / attnkitMs,
    roundRatios,
    firstLosses: { attnkit: firstA.slice(0, 3), torch: firstT.slice(0, 3) },
  };
}

/**
 * The PyTorch figure of an interleaved measurement (and, with `withAttnkit`, attnkit's figure from
 * the same rounds, for a case that has no other attnkit figure). `checks` compare the twin's first
 * losses with attnkit's (same weights, same batch).
 */
export function pairedFigures(
  meta: Pick<Figure, 'suite' | 'case' | 'params' | 'threads'>,
  paired: Paired,
  checks: Record<string, Check>,
  options: { tokens?: number; withAttnkit?: boolean } = {},
): Figure[] {
  const valid = Object.values(checks).every((c) => c.valid);
  const make = (library: 'attnkit' | 'pytorch', ms: number): Figure => {
    const fig: Figure = {
      ...meta,
      library,
      status: valid ? 'ok' : 'invalid',
      medianMs: ms,
      minMs: ms,
      samples: paired.rounds * paired.stepsPerRound,
      checks,
      paired,
      speedVsAttnkit: paired.attnkitMs / ms,
    };
    if (options.tokens !== undefined) fig.tokensPerSec = options.tokens / (ms / 1000);
    if (!valid)
      fig.note = Object.entries(checks)
        .filter(([, c]) => !c.valid)
        .map(
          ([k, c]) => `${k}: max err ${c.maxAbsErr.toExponential(2)} > tol ${c.tolerance.toExponential(2)}`,
        )
        .join('; ');
    return fig;
  };
  const out = [make('pytorch', paired.torchMs)];
  if (options.withAttnkit === true) out.unshift(make('attnkit', paired.attnkitMs));
  return out;
}

/** First-loss checks of a twin against attnkit: step 1 within `rtol`, steps 2–3 within 10·rtol. */
export function lossChecks(paired: Paired, rtol: number): Record<string, Check> {
  const { attnkit, torch } = paired.firstLosses;
  const checks: Record<string, Check> = {};
  torch.forEach((t, i) => {
    checks[`loss step ${i + 1} vs attnkit`] = check([t], [attnkit[i]!], i === 0 ? rtol : 10 * rtol, 0);
  });
  return checks;
}

/** `min–max` of the per-round ratios, for the console and the report. */
export function spread(p: Paired): string {
  const lo = Math.min(...p.roundRatios);
  const hi = Math.max(...p.roundRatios);
  return `${lo.toFixed(2)}–${hi.toFixed(2)}`;
}
