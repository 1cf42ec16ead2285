import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { plot } from '@attnkit/plot';
import { saveSvg } from '@attnkit/plot/node';
import { checkOptions, Generator, getNumThreads, NonFiniteError, setNumThreads } from '@attnkit/tensor';
import {
  AdamW,
  CosineWithWarmup,
  crossEntropy,
  fit,
  randomWindows,
  trainValSplit,
  Vocab,
} from '@attnkit/training';
import { type LMPositional, TransformerLM } from '@attnkit/transformer';
import { type NgramBaselines, ngramBaselines } from '../baselines.js';
import { saveCheckpoint, type TrainingRecord } from '../checkpoint.js';
import { loadCorpus, MOBY_DICK } from '../corpus.js';
import { CliError, UsageError } from '../errors.js';
import { evaluationBatches, evaluationWindows, meanLoss, spreadWindows } from '../internal/evaluate.js';
import { generateWithin } from '../internal/generate.js';
import { prepareOutputDir } from '../internal/output-dir.js';
import { createProgress } from '../internal/progress.js';
import { listenForStop, type StopSignal } from '../internal/stop-signals.js';
import { type Io, writeJson, writeLine } from '../io.js';
import { timestamp } from '../options.js';

/** Options of {@link train} (the `attnkit train` flags). */
export interface TrainOptions {
  /** A UTF-8 text file; Moby-Dick when omitted. */
  data?: string;
  /** Width of the model, `numHiddens`. */
  hiddens: number;
  /** Attention heads per block; must divide `hiddens`. */
  heads: number;
  /** Transformer blocks. */
  blocks: number;
  /** Hidden width of each FFN (default 4 × hiddens). */
  ffn?: number;
  /** Characters per training window (and the model's `maxLen`). */
  context: number;
  /** Windows per step. */
  batch: number;
  /** Optimizer steps. */
  steps: number;
  /** Peak learning rate of AdamW. */
  lr: number;
  /** Warm-up steps (default 5% of the steps, at most 100). */
  warmup?: number;
  /** AdamW decoupled weight decay. */
  weightDecay: number;
  /** Dropout probability. */
  dropout: number;
  /** Position scheme. */
  positional: LMPositional;
  /** Seed of the initial weights, the batches, dropout and the sample. */
  seed: number;
  /** Output directory (default `runs/<timestamp>`). */
  out?: string;
  /** Validate every this many steps (default steps / 10). */
  evalEvery?: number;
  /** Validation windows (spread evenly over the split) used by the periodic evaluations. */
  evalWindows: number;
  /** Validation windows of the final evaluation; 0 for the whole split. */
  finalEvalWindows: number;
  /** Fraction of the text held out at the end for validation. */
  valFraction: number;
  /** Characters generated for the sample at the end. */
  sampleLength: number;
  /**
   * Threads of the float32 kernels (`setNumThreads`; default 1): large products and attention
   * split over worker threads. Restored to the previous count when training ends. The default
   * model's products are small: on the project's 2-vCPU machine a second thread did not make
   * training reliably faster (see the README), so threads are opt-in.
   */
  threads?: number;
  /** Stops training cleanly (the last checkpoint is kept). */
  signal?: AbortSignal;
  /** Stop on Ctrl-C (SIGINT) as on `signal` (the CLI sets it; tests do not). */
  handleSigint?: boolean;
}

/**
 * The defaults of `attnkit train`, sized to finish in about 5 minutes on 2 CPU cores (see the
 * README for the measured throughput).
 */
export const TRAIN_DEFAULTS = {
  hiddens: 64,
  heads: 4,
  blocks: 2,
  context: 64,
  batch: 16,
  steps: 1500,
  lr: 1e-2,
  weightDecay: 0.01,
  dropout: 0,
  positional: 'rotary',
  seed: 0,
  evalWindows: 64,
  finalEvalWindows: 256,
  valFraction: 0.1,
  sampleLength: 300,
  threads: 1,
} as const satisfies Partial<TrainOptions>;

/** What {@link train} returns. */
export interface TrainReport {
  readonly out: string;
  readonly data: {
    readonly source: string;
    readonly chars: number;
    readonly vocabSize: number;
    readonly train: number;
    readonly val: number;
  };
  readonly parameters: number;
  readonly steps: number;
  readonly aborted: boolean;
  /** The signal that stopped training (with `handleSigint`), or null. */
  readonly stoppedBy: StopSignal | null;
  /**
   * Final validation loss (nats/char) on the final evaluation windows, or the last periodic
   * estimate after an abort (null if there was none).
   */
  readonly valLoss: number | null;
  /** Whether `valLoss` is the final evaluation (false: a periodic estimate after an abort). */
  readonly valLossIsFinal: boolean;
  /** Baselines on exactly the characters of the final evaluation. */
  readonly baselines: NgramBaselines;
  /** Baselines on the whole validation split. */
  readonly fullSplitBaselines: NgramBaselines;
  readonly lossHistory: readonly number[];
  /** Periodic validation losses, starting with the untrained model's at step 0. */
  readonly valHistory: readonly { readonly step: number; readonly value: number }[];
  readonly tokensPerSecond: number;
  /** Threads the kernels ran on (1 where worker threads are unavailable). */
  readonly threads: number;
  readonly trainSeconds: number;
  readonly wallSeconds: number;
  readonly files: {
    readonly weights: string;
    readonly config: string;
    readonly lossCurve: string;
    readonly sample: string | null;
  };
  readonly sample: string | null;
}

/**
 * `attnkit train`: trains a character-level decoder-only Transformer on a text with AdamW,
 * warm-up and cosine decay; validates periodically on held-out text; writes a checkpoint, the
 * loss curve and a sample; reports the validation loss against unigram and bigram baselines.
 *
 * @throws {@link CliError} if the data cannot be read or is too short for the context, or an
 *   option is out of range (e.g. `heads` does not divide `hiddens`).
 */
export async function train(options: TrainOptions, io: Io): Promise<TrainReport> {
  checkTrainOptions(options);
  const before = getNumThreads();
  const threads = await setNumThreads(options.threads ?? TRAIN_DEFAULTS.threads);
  try {
    return await run(options, io, threads);
  } finally {
    await setNumThreads(before);
  }
}

async function run(options: TrainOptions, io: Io, threads: number): Promise<TrainReport> {
  const started = performance.now();
  const out = options.out ?? join('runs', timestamp());
  const json = io.terminal === undefined;
  // Checked before anything is loaded or trained, not at the first checkpoint minutes later.
  await prepareOutputDir(out, '--out');

  const corpus = await loadCorpus(options.data);
  const vocab = Vocab.fromText(corpus.text);
  const { train: trainTokens, val: valTokens } = trainValSplit(vocab.encode(corpus.text), {
    valFraction: options.valFraction,
  });
  const { context } = options;
  if (trainTokens.length < context + 1) {
    throw new CliError(
      `context ${context} is longer than the data: the training split has ${trainTokens.length} characters and needs at least context + 1 = ${context + 1}; use a smaller --context or more text.`,
    );
  }
  if (valTokens.length < 2) {
    throw new CliError(
      `the validation split has ${valTokens.length} characters; it needs at least 2 (use more text or a larger validation fraction).`,
    );
  }
  const allWindows = evaluationWindows(valTokens, context);
  const finalWindows = spreadWindows(allWindows, options.finalEvalWindows);
  const fullSplitBaselines = ngramBaselines(trainTokens, valTokens, vocab.size);
  const baselines = ngramBaselines(trainTokens, valTokens, vocab.size, finalWindows);
  const evalBatchSize = Math.max(options.batch, 32);
  const periodic = evaluationBatches(
    valTokens,
    spreadWindows(allWindows, options.evalWindows),
    evalBatchSize,
  );

  const model = new TransformerLM({
    vocabSize: vocab.size,
    numHiddens: options.hiddens,
    numHeads: options.heads,
    numBlks: options.blocks,
    ffnNumHiddens: options.ffn ?? 4 * options.hiddens,
    maxLen: context,
    dropout: options.dropout,
    positional: options.positional,
    rng: new Generator(options.seed),
  });
  const optimizer = new AdamW(model.parameters(), {
    lr: options.lr,
    betas: [0.9, 0.99],
    weightDecay: options.weightDecay,
  });
  const warmupSteps = Math.min(
    options.warmup ?? Math.min(100, Math.round(options.steps / 20)),
    options.steps,
  );
  const scheduler = new CosineWithWarmup(optimizer, {
    warmupSteps,
    totalSteps: options.steps,
    minLr: options.lr / 10,
  });
  const evalEvery = options.evalEvery ?? Math.max(1, Math.round(options.steps / 10));
  const record = (stepsDone: number): TrainingRecord => ({
    data: corpus.source,
    valFraction: options.valFraction,
    context,
    batch: options.batch,
    steps: options.steps,
    stepsDone,
    lr: options.lr,
    seed: options.seed,
  });

  const data = {
    source: corpus.source,
    chars: corpus.text.length,
    vocabSize: vocab.size,
    train: trainTokens.length,
    val: valTokens.length,
  };
  const parameters = model.numParameters();
  if (json) {
    writeJson(io.out, {
      event: 'start',
      out,
      data,
      model: model.config,
      parameters,
      training: {
        steps: options.steps,
        batch: options.batch,
        context,
        lr: options.lr,
        warmupSteps,
        evalEvery,
      },
      baselines,
      fullSplitBaselines,
    });
  } else {
    const name = corpus.source === MOBY_DICK ? 'Moby-Dick' : corpus.source;
    writeLine(
      io.out,
      `data: ${name}: ${fmt(data.chars)} characters, ${data.vocabSize} symbols; ${fmt(data.train)} for training, the last ${fmt(data.val)} held out`,
    );
    writeLine(
      io.out,
      `model: ${plural(options.blocks, 'block')} × ${plural(options.heads, 'head')}, ${options.hiddens} hiddens, context ${context}: ${fmt(parameters)} parameters`,
    );
    writeLine(
      io.out,
      `training: ${options.steps} steps × ${options.batch} windows × ${context} characters, AdamW lr ${options.lr} (warm-up ${warmupSteps} steps, cosine decay to ${Number((options.lr / 10).toPrecision(3))})`,
    );
    writeLine(
      io.out,
      `baselines on the validation split: unigram ${fullSplitBaselines.unigram.toFixed(3)}, bigram ${fullSplitBaselines.bigram.toFixed(3)} nats/char`,
    );
  }

  const signals = [options.signal].filter((s): s is AbortSignal => s !== undefined);
  const stop = options.handleSigint === true ? listenForStop() : undefined;
  if (stop !== undefined) signals.push(stop.signal);
  const signal = signals.length === 0 ? undefined : AbortSignal.any(signals);

  // The untrained model's loss (≈ log vocabSize) is the curve's starting point.
  const initialValLoss = meanLoss(model, periodic);
  const progress = createProgress(io, options.steps);
  progress.eval(0, initialValLoss);
  const tokensPerStep = options.batch * context;
  let evalMs = 0;
  const fitStarted = performance.now();
  const trainMs = (): number => performance.now() - fitStarted - evalMs;
  let files: { weights: string; config: string } = { weights: '', config: '' };
  let result: Awaited<ReturnType<typeof fit>>;
  try {
    result = await fit({
      model,
      optimizer,
      scheduler,
      clipNorm: 1,
      data: randomWindows(trainTokens, {
        contextLength: context,
        batchSize: options.batch,
        rng: new Generator(options.seed + 1),
      }),
      lossFn: (m, batch) => crossEntropy(m.forward(batch.inputs), batch.targets),
      steps: options.steps,
      evaluate: {
        every: evalEvery,
        fn: (m) => {
          const t0 = performance.now();
          const loss = meanLoss(m, periodic);
          evalMs += performance.now() - t0;
          return loss;
        },
      },
      callbacks: {
        onStep: (info) =>
          progress.step({
            step: info.step,
            loss: info.loss,
            lr: info.lr,
            tokensPerSecond: (info.step * tokensPerStep) / (trainMs() / 1000),
            elapsedSeconds: (performance.now() - started) / 1000,
          }),
        onEval: async (info) => {
          progress.eval(info.step, info.value);
          // Keep the latest checkpoint on disk, so an interrupted run loses little.
          const t0 = performance.now();
          files = await saveCheckpoint(out, model, vocab, record(info.step), { valLossEstimate: info.value });
          evalMs += performance.now() - t0;
        },
      },
      ...(signal === undefined ? {} : { signal }),
    });
  } catch (err) {
    if (err instanceof NonFiniteError) {
      // No checkpoint is written from the diverged run; the last periodic one (finite) stays.
      const kept =
        files.config === '' ? 'no checkpoint was written' : `the last checkpoint (${files.weights}) is kept`;
      throw new CliError(`training diverged: ${err.message} ${kept}.`);
    }
    throw err;
  } finally {
    progress.stop();
    stop?.dispose();
  }
  const trainSeconds = trainMs() / 1000;
  const valHistory = [{ step: 0, value: initialValLoss }, ...result.valHistory];

  // The final evaluation, unless interrupted (then the last periodic estimate stands).
  let valLoss: number | null = result.valHistory.at(-1)?.value ?? null;
  let valLossIsFinal = false;
  if (!result.aborted && result.steps > 0) {
    valLoss = meanLoss(model, evaluationBatches(valTokens, finalWindows, evalBatchSize));
    valLossIsFinal = true;
  }
  const metrics: Record<string, number> = { unigram: baselines.unigram, bigram: baselines.bigram };
  if (valLoss !== null) metrics[valLossIsFinal ? 'valLoss' : 'valLossEstimate'] = valLoss;
  files = await saveCheckpoint(out, model, vocab, record(result.steps), metrics);

  const lossCurve = await saveSvg(
    join(out, 'loss.svg'),
    await lossFigure(result.lossHistory, valHistory, valLossIsFinal ? valLoss : null, baselines, {
      steps: result.steps,
      aborted: result.aborted,
    }),
  );

  let sample: string | null = null;
  let samplePath: string | null = null;
  if (result.steps > 0 && options.sampleLength > 0) {
    const prompt = [...'The '].every((c) => vocab.tokens.includes(c)) ? 'The ' : corpus.text.slice(0, 1);
    const ids = generateWithin(model, vocab.encode(prompt), {
      maxNewTokens: options.sampleLength,
      temperature: 0.8,
      rng: new Generator(options.seed),
    });
    sample = vocab.decode(ids);
    samplePath = join(out, 'sample.txt');
    await writeFile(samplePath, `${sample}\n`);
  }

  const report: TrainReport = {
    out,
    data,
    parameters,
    steps: result.steps,
    aborted: result.aborted,
    stoppedBy: stop?.stoppedBy() ?? null,
    valLoss,
    valLossIsFinal,
    baselines,
    fullSplitBaselines,
    lossHistory: result.lossHistory,
    valHistory,
    tokensPerSecond: trainSeconds > 0 ? (result.steps * tokensPerStep) / trainSeconds : 0,
    threads,
    trainSeconds,
    wallSeconds: (performance.now() - started) / 1000,
    files: { ...files, lossCurve, sample: samplePath },
    sample,
  };
  if (json) writeJson(io.out, { event: 'end', ...summary(report) });
  else writeLine(io.out, formatTrainReport(report));
  return report;
}

/** The report without the histories (they are in the loss curve). */
function summary(report: TrainReport): Record<string, unknown> {
  const { lossHistory: _l, valHistory: _v, ...rest } = report;
  return rest;
}

/** The human-readable end-of-run report. */
export function formatTrainReport(report: TrainReport): string {
  const { baselines, valLoss } = report;
  const lines: string[] = [];
  if (report.aborted) lines.push(`interrupted after ${report.steps} steps; checkpoint saved.`);
  const full = report.fullSplitBaselines;
  const whole = baselines.count === full.count;
  const scope = whole
    ? `all ${fmt(baselines.count)} held-out characters`
    : `${fmt(baselines.count)} held-out characters spread over the validation split`;
  lines.push(
    `validation loss in nats/char on ${scope}${report.valLossIsFinal ? '' : ' (transformer: last periodic estimate)'}:`,
  );
  const onFull = (x: number): string => (whole ? '' : `  (whole split: ${x.toFixed(3)})`);
  lines.push(`  unigram baseline  ${baselines.unigram.toFixed(3)}${onFull(full.unigram)}`);
  lines.push(`  bigram baseline   ${baselines.bigram.toFixed(3)}${onFull(full.bigram)}`);
  if (valLoss !== null) {
    const delta = valLoss - baselines.bigram;
    lines.push(
      `  transformer       ${valLoss.toFixed(3)}  (${delta <= 0 ? '' : '+'}${delta.toFixed(3)} vs bigram, ${(valLoss / Math.LN2).toFixed(3)} bits/char)`,
    );
  }
  lines.push(
    `throughput: ${fmt(Math.round(report.tokensPerSecond))} tokens/s over ${report.steps} steps on ${report.threads} thread${report.threads === 1 ? '' : 's'}; wall time ${duration(report.wallSeconds)} (training ${duration(report.trainSeconds)})`,
  );
  lines.push(`checkpoint: ${report.files.weights} and ${report.files.config}`);
  lines.push(`loss curve: ${report.files.lossCurve}`);
  if (report.sample !== null) {
    lines.push(`sample (temperature 0.8), also in ${report.files.sample}:`);
    lines.push(report.sample);
  }
  return lines.join('\n');
}

/** Validates option combinations the option parsers cannot see. */
function checkTrainOptions(o: TrainOptions): void {
  checkOptions(
    'train',
    o,
    {
      data: 'string',
      hiddens: 'number',
      heads: 'number',
      blocks: 'number',
      ffn: 'number',
      context: 'number',
      batch: 'number',
      steps: 'number',
      lr: 'number',
      warmup: 'number',
      weightDecay: 'number',
      dropout: 'number',
      positional: 'string',
      seed: 'number',
      out: 'string',
      evalEvery: 'number',
      evalWindows: 'number',
      finalEvalWindows: 'number',
      valFraction: 'number',
      sampleLength: 'number',
      threads: 'number',
      signal: 'object',
      handleSigint: 'boolean',
    },
    { required: true },
  );
  const ints: [string, number, number][] = [
    ['hiddens', o.hiddens, 1],
    ['heads', o.heads, 1],
    ['blocks', o.blocks, 1],
    ['context', o.context, 1],
    ['batch', o.batch, 1],
    ['steps', o.steps, 1],
    ['eval-windows', o.evalWindows, 1],
    ['final-eval-windows', o.finalEvalWindows, 0],
    ['sample-length', o.sampleLength, 0],
  ];
  if (o.ffn !== undefined) ints.push(['ffn', o.ffn, 1]);
  if (o.evalEvery !== undefined) ints.push(['eval-every', o.evalEvery, 1]);
  if (o.warmup !== undefined) ints.push(['warmup', o.warmup, 0]);
  if (o.threads !== undefined) ints.push(['threads', o.threads, 1]);
  for (const [name, value, min] of ints) {
    if (!Number.isInteger(value) || value < min) {
      throw new UsageError(`--${name} must be an integer ≥ ${min}; got ${value}.`);
    }
  }
  if (o.threads !== undefined && o.threads > 64) {
    throw new UsageError(`--threads must be at most 64; got ${o.threads}.`);
  }
  if (o.hiddens % o.heads !== 0) {
    throw new UsageError(`--heads must divide --hiddens; got ${o.heads} heads for ${o.hiddens} hiddens.`);
  }
  if (!(o.lr > 0) || !Number.isFinite(o.lr)) throw new UsageError(`--lr must be a number > 0; got ${o.lr}.`);
  if (!(o.valFraction > 0 && o.valFraction < 1)) {
    throw new UsageError(`the validation fraction must lie in (0, 1); got ${o.valFraction}.`);
  }
}

/** (1, 'block') → "1 block"; (2, 'block') → "2 blocks". */
function plural(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}

/** 1234567 → "1,234,567". */
function fmt(n: number): string {
  return n.toLocaleString('en-US');
}

/** Seconds → "4m 58s". */
function duration(seconds: number): string {
  const m = Math.floor(seconds / 60);
  const s = Math.round(seconds - 60 * m);
  return m > 0 ? `${m}m ${s}s` : `${(Math.round(seconds * 10) / 10).toFixed(1)}s`;
}

/**
 * The loss curve (D2L's `d2l.plot`): the training-batch loss per step, the validation loss at each
 * evaluation (and the final one), and the unigram and bigram baselines as dotted lines.
 */
function lossFigure(
  lossHistory: readonly number[],
  valHistory: readonly { step: number; value: number }[],
  finalValLoss: number | null,
  baselines: { unigram: number; bigram: number },
  run: { steps: number; aborted: boolean },
): Promise<string> {
  const last = Math.max(1, run.steps);
  const xs: number[][] = [
    lossHistory.map((_, i) => i + 1),
    valHistory.map((v) => v.step),
    [0, last],
    [0, last],
  ];
  const ys: number[][] = [
    [...lossHistory],
    valHistory.map((v) => v.value),
    [baselines.unigram, baselines.unigram],
    [baselines.bigram, baselines.bigram],
  ];
  const legend = [
    'training batch',
    'validation',
    `unigram ${baselines.unigram.toFixed(3)}`,
    `bigram ${baselines.bigram.toFixed(3)}`,
  ];
  const fmts = ['-', 'r-o', 'k:', 'g--'];
  if (finalValLoss !== null) {
    xs.push([run.steps]);
    ys.push([finalValLoss]);
    legend.push('validation (final)');
    fmts.push('ms');
  }
  return plot(xs, ys, {
    title: `Character-level Transformer LM: loss (nats/char)${run.aborted ? `, stopped at step ${run.steps}` : ''}`,
    xlabel: 'step',
    ylabel: 'cross-entropy (nats/char)',
    legend,
    fmts,
    figsize: [6.4, 3.2],
  });
}
