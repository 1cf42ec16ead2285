import cliProgress from 'cli-progress';
import { type Io, writeJson } from '../io.js';

/** What the progress display is told after each optimizer step. */
export interface StepProgress {
  readonly step: number;
  readonly loss: number;
  readonly lr: number;
  /** Training tokens per second so far (evaluation time excluded). */
  readonly tokensPerSecond: number;
  readonly elapsedSeconds: number;
}

/** Live training progress: a bar on a terminal, JSON lines otherwise. */
export interface Progress {
  step(info: StepProgress): void;
  eval(step: number, valLoss: number): void;
  stop(): void;
}

/**
 * A progress display for `total` steps: on a terminal a cli-progress bar with the loss, the last
 * validation loss, tokens/s and the ETA; otherwise one JSON object per step and per evaluation
 * (`{"event":"step",…}`, `{"event":"eval",…}`) on `io.out`.
 */
export function createProgress(io: Io, total: number): Progress {
  if (io.terminal === undefined) {
    return {
      step: (info) => writeJson(io.out, { event: 'step', ...round(info) }),
      eval: (step, valLoss) => writeJson(io.out, { event: 'eval', step, valLoss: round4(valLoss) }),
      stop: () => {},
    };
  }
  const bar = new cliProgress.SingleBar(
    {
      stream: io.terminal,
      format:
        'train {bar} {value}/{total} | loss {loss} | val {val} | {tps} tok/s | lr {lr} | {duration_formatted} elapsed, ETA {eta_formatted}',
      barsize: 24,
      hideCursor: true,
      etaBuffer: 20,
      fps: 4,
    },
    cliProgress.Presets.shades_classic,
  );
  bar.start(total, 0, { loss: '-', val: '-', tps: '-', lr: '-' });
  return {
    step: (info) =>
      bar.update(info.step, {
        loss: info.loss.toFixed(3),
        tps: Math.round(info.tokensPerSecond).toLocaleString('en-US'),
        lr: info.lr.toExponential(1),
      }),
    eval: (_step, valLoss) => bar.update({ val: valLoss.toFixed(3) }),
    stop: () => bar.stop(),
  };
}

function round4(x: number): number {
  return Math.round(x * 1e4) / 1e4;
}

function round(info: StepProgress): Record<string, number> {
  return {
    step: info.step,
    loss: round4(info.loss),
    lr: Number(info.lr.toPrecision(4)),
    tokensPerSecond: Math.round(info.tokensPerSecond),
    elapsedSeconds: Math.round(info.elapsedSeconds * 10) / 10,
  };
}
