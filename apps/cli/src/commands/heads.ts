import { join } from 'node:path';
import { MultiHeadAttention, transposeQKV } from '@attnkit/multihead';
import { showHeatmaps } from '@attnkit/plot';
import { saveSvg } from '@attnkit/plot/node';
import {
  checkOptions,
  formatShape,
  Generator,
  noGrad,
  ones,
  randn,
  type Tensor,
  tensor,
} from '@attnkit/tensor';
import { trainValSplit } from '@attnkit/training';
import { type Checkpoint, loadCheckpoint } from '../checkpoint.js';
import { loadCorpus } from '../corpus.js';
import { CliError, UsageError } from '../errors.js';
import {
  type EvalBatch,
  evaluationBatches,
  evaluationWindows,
  meanLoss,
  spreadWindows,
} from '../internal/evaluate.js';
import { requireFinite } from '../internal/finite.js';
import { headMasks, withHeadMask } from '../internal/head-mask.js';
import { type Io, writeLine } from '../io.js';

/** Options of {@link heads} (the `attnkit heads` flags). */
export interface HeadsOptions {
  /** Output directory of the figures. */
  out: string;
  /** Seed of the demo layer's weights and random inputs. */
  seed: number;
  /** A trained checkpoint to analyse head by head. */
  checkpoint?: string;
  /** Text to evaluate on (default: the checkpoint's training data); its held-out split is used. */
  data?: string;
  /** Validation windows used to measure the loss. */
  evalWindows: number;
  /** Number of least important heads to prune (default a quarter of all heads, at least 1). */
  prune?: number;
}

export const HEADS_DEFAULTS = { out: join('runs', 'heads'), seed: 0, evalWindows: 32 } as const;

/** The shapes of D2L §11.5's multi-head attention example. */
export interface HeadShapes {
  readonly queries: readonly number[];
  readonly keys: readonly number[];
  readonly perHeadQueries: readonly number[];
  readonly attentionWeights: readonly number[];
  readonly headWeights: readonly number[];
  readonly output: readonly number[];
}

/** Head ablation and pruning of a checkpoint. */
export interface HeadImportance {
  /** Validation loss (nats/char) with every head on. */
  readonly baseLoss: number;
  /** `[block][head]`: validation loss with only that head masked. */
  readonly maskedLoss: readonly (readonly number[])[];
  /** The pruned heads, least important first. */
  readonly pruned: readonly (readonly [number, number])[];
  /** Validation loss with all pruned heads masked. */
  readonly prunedLoss: number;
  /** Forward-only tokens/s before and after pruning. */
  readonly tokensPerSecond: { readonly before: number; readonly after: number };
  readonly predictions: number;
}

/** What {@link heads} returns. */
export interface HeadsReport {
  readonly shapes: HeadShapes;
  readonly importance: HeadImportance | null;
  readonly files: readonly string[];
}

/**
 * `attnkit heads`: D2L §11.5's multi-head attention example (the shapes through the layer and the
 * attention weights of every head), and with a checkpoint, head importance by ablation — the
 * validation loss with each head masked through `headMask` — and the loss and speed after
 * pruning the least important heads.
 *
 * @throws {@link CliError} if the checkpoint cannot be loaded, the data is too short, or `prune`
 *   is not below the number of heads.
 */
export async function heads(options: HeadsOptions, io: Io): Promise<HeadsReport> {
  checkOptions(
    'heads',
    options,
    {
      out: 'string',
      seed: 'number',
      checkpoint: 'string',
      data: 'string',
      evalWindows: 'number',
      prune: 'number',
    },
    { required: true },
  );
  const files: string[] = [];
  // Load and check the checkpoint first, so a bad one fails before anything is written.
  const loaded = options.checkpoint === undefined ? null : await loadCheckpoint(options.checkpoint);
  const prune = loaded === null ? 0 : checkPrune(loaded, options.prune);
  const shapes = await demo(options, io, files);
  let importance: HeadImportance | null = null;
  if (loaded !== null) importance = await ablate(options, loaded, prune, io, files);
  writeLine(io.out, 'figures:');
  for (const file of files) writeLine(io.out, `  ${file}`);
  return { shapes, importance, files };
}

/** D2L §11.5: num_hiddens 100, 5 heads, batch 2, 4 queries, 6 key-value pairs, valid_lens [3, 2]. */
async function demo(options: HeadsOptions, io: Io, files: string[]): Promise<HeadShapes> {
  const rng = new Generator(options.seed);
  const numHiddens = 100;
  const numHeads = 5;
  const attention = new MultiHeadAttention({ numHiddens, numHeads, dropout: 0.5, rng }).eval();
  const validLens = tensor([3, 2], { dtype: 'int32' });
  const X = ones([2, 4, numHiddens]);
  const Y = ones([2, 6, numHiddens]);
  const shapes = noGrad((): HeadShapes => {
    const output = attention.forward(X, Y, Y, validLens);
    return {
      queries: X.shape,
      keys: Y.shape,
      perHeadQueries: transposeQKV(attention.W_q.forward(X), numHeads).shape,
      attentionWeights: (attention.attentionWeights as Tensor).shape,
      headWeights: attention.headWeights().shape,
      output: output.shape,
    };
  });
  writeLine(
    io.out,
    `multi-head attention (D2L §11.5): numHiddens ${numHiddens}, numHeads ${numHeads}, validLens [3, 2]`,
  );
  writeLine(io.out, `  queries X                          ${formatShape(shapes.queries)}`);
  writeLine(io.out, `  keys = values Y                    ${formatShape(shapes.keys)}`);
  writeLine(
    io.out,
    `  per-head queries transposeQKV(W_q X) ${formatShape(shapes.perHeadQueries)}  (batch·heads, queries, hiddens/heads)`,
  );
  writeLine(
    io.out,
    `  attentionWeights                   ${formatShape(shapes.attentionWeights)}  (batch·heads, queries, keys)`,
  );
  writeLine(
    io.out,
    `  headWeights()                      ${formatShape(shapes.headWeights)}  (batch, heads, queries, keys)`,
  );
  writeLine(
    io.out,
    `  output                             ${formatShape(shapes.output)}  (batch, queries, hiddens)`,
  );

  // With all-ones inputs every head's weights are uniform over the valid keys; random inputs show the heads differ.
  const weights = noGrad(() => {
    const Xr = randn([2, 4, numHiddens], { rng });
    const Yr = randn([2, 6, numHiddens], { rng });
    attention.forward(Xr, Yr, Yr, validLens);
    return attention.headWeights();
  });
  files.push(
    await saveSvg(
      join(options.out, 'heads-weights.svg'),
      // (batch, heads, queries, keys): one row of panels per batch element, one column per head.
      await showHeatmaps(weights, {
        title:
          'Attention weights per head (random queries and keys; rows: batch 0 and 1, valid lengths 3 and 2)',
        titles: headTitles(numHeads),
        ...ATTENTION_FIGURE,
        figsize: [1.6 * numHeads, 2.6],
      }),
    ),
  );
  return shapes;
}

/** The axes and colour scale of both per-head attention-weight figures. */
const ATTENTION_FIGURE = { xlabel: 'Keys', ylabel: 'Queries', cmap: 'Reds', vmin: 0, vmax: 1 } as const;

/** `head 0`, `head 1`, …: the column titles of the per-head figures. */
function headTitles(numHeads: number): string[] {
  return Array.from({ length: numHeads }, (_, h) => `head ${h}`);
}

/** The number of heads to prune: `prune`, or a quarter of all heads (at least 1). */
function checkPrune({ model }: Checkpoint, prune: number | undefined): number {
  const total = model.config.numBlks * model.config.numHeads;
  const count = prune ?? Math.max(1, Math.floor(total / 4));
  if (!Number.isInteger(count) || count < 1 || count >= total) {
    throw new UsageError(`--prune must be an integer in [1, ${total - 1}] for ${total} heads; got ${count}.`);
  }
  return count;
}

/** Ablation of every head of a checkpoint, then pruning of the `prune` least important ones. */
async function ablate(
  options: HeadsOptions,
  { model, vocab, config }: Checkpoint,
  prune: number,
  io: Io,
  files: string[],
): Promise<HeadImportance> {
  const dir = options.checkpoint ?? '';
  const { numBlks, numHeads, maxLen } = model.config;
  const corpus = await loadCorpus(options.data ?? config.training.data);
  const { val } = trainValSplit(vocab.encode(corpus.text), { valFraction: config.training.valFraction });
  const context = Math.min(config.training.context, maxLen);
  if (val.length < 2)
    throw new CliError(
      `the validation split of ${corpus.source} has ${val.length} characters; it needs at least 2.`,
    );
  const batches = evaluationBatches(
    val,
    spreadWindows(evaluationWindows(val, context), options.evalWindows),
    32,
  );
  const predictions = batches.reduce((n, b) => n + b.targets.numel(), 0);

  const lossWith = (masks: number[][]): number => withHeadMask(model, masks, () => meanLoss(model, batches));
  const baseLoss = meanLoss(model, batches);
  const maskedLoss = Array.from({ length: numBlks }, (_, b) =>
    Array.from({ length: numHeads }, (_, h) => lossWith(headMasks(numBlks, numHeads, [[b, h]]))),
  );
  requireFinite('heads', {
    'the validation loss': baseLoss,
    'the loss with a head masked': maskedLoss.flat(),
  });
  writeLine(
    io.out,
    `head importance of ${dir} (${numBlks} blocks × ${numHeads} heads) on ${predictions.toLocaleString('en-US')} held-out characters:`,
  );
  writeLine(io.out, `  all heads: validation loss ${baseLoss.toFixed(4)} nats/char`);
  for (let b = 0; b < numBlks; b++) {
    const row = maskedLoss[b]!.map((l) => `${l - baseLoss >= 0 ? '+' : ''}${(l - baseLoss).toFixed(4)}`).join(
      '  ',
    );
    writeLine(io.out, `  block ${b}, loss change with head 0…${numHeads - 1} masked: ${row}`);
  }

  const ranked = maskedLoss
    .flatMap((row, b) => row.map((loss, h) => ({ b, h, delta: loss - baseLoss })))
    .sort((x, y) => x.delta - y.delta);
  const pruned = ranked.slice(0, prune).map(({ b, h }) => [b, h] as const);
  const pruneMasks = headMasks(numBlks, numHeads, pruned);
  const prunedLoss = lossWith(pruneMasks);
  requireFinite('heads', { 'the loss after pruning': prunedLoss });
  const before = forwardSpeed(model, batches, headMasks(numBlks, numHeads));
  const after = forwardSpeed(model, batches, pruneMasks);
  writeLine(
    io.out,
    `pruning the ${prune} least important heads (${pruned.map(([b, h]) => `block ${b} head ${h}`).join(', ')}):`,
  );
  writeLine(io.out, `  validation loss ${baseLoss.toFixed(4)} → ${prunedLoss.toFixed(4)} nats/char`);
  writeLine(
    io.out,
    `  forward speed ${Math.round(before).toLocaleString('en-US')} → ${Math.round(after).toLocaleString('en-US')} tokens/s (headMask zeroes the heads' outputs; the masked heads are still computed, so the speed stays about the same)`,
  );

  files.push(
    await saveSvg(
      join(options.out, 'heads-importance.svg'),
      await showHeatmaps(
        tensor(Float32Array.from(maskedLoss.flatMap((row) => row.map((l) => l - baseLoss))), {
          shape: [1, 1, numBlks, numHeads],
          dtype: 'float32',
        }),
        {
          title: 'Head importance: validation loss increase when the head is masked (nats/char)',
          xlabel: 'head',
          ylabel: 'block',
          cmap: 'Oranges',
          figsize: [0.6 * numHeads + 1, 0.6 * numBlks + 0.6],
        },
      ),
    ),
  );

  // Attention patterns of the trained heads on the start of the held-out text.
  const n = Math.min(context, 24, val.length);
  const window = val.slice(0, n);
  // TransformerLM keeps no attention weights unless asked (it runs the fused kernel instead).
  noGrad(() => model.forward(tensor(window, { shape: [1, n], dtype: 'int32' }), { needWeights: true }));
  // One row of panels per block, one column per head: (blocks, heads, queries, keys).
  const perBlock = model.attentionWeights.map((w) => (w as Tensor).toTypedArray());
  const stacked = new Float32Array(perBlock.length * numHeads * n * n);
  for (const [b, w] of perBlock.entries()) stacked.set(w.subarray(0, numHeads * n * n), b * numHeads * n * n);
  const labels = Array.from(vocab.decode(window)).map((c) => (c === ' ' ? '␣' : c === '\n' ? '↵' : c));
  files.push(
    await saveSvg(
      join(options.out, 'heads-checkpoint-weights.svg'),
      await showHeatmaps(tensor(stacked, { shape: [perBlock.length, numHeads, n, n], dtype: 'float32' }), {
        title: 'Causal self-attention of the trained heads on held-out text (rows: blocks)',
        titles: headTitles(numHeads),
        ...ATTENTION_FIGURE,
        xticklabels: labels,
        yticklabels: labels,
        figsize: [2.4 * numHeads, 2.4 * perBlock.length],
      }),
    ),
  );
  return { baseLoss, maskedLoss, pruned, prunedLoss, tokensPerSecond: { before, after }, predictions };
}

/** Forward-only tokens per second over `batches` with the given head masks (best of 2 runs). */
function forwardSpeed(
  model: Parameters<typeof meanLoss>[0],
  batches: readonly EvalBatch[],
  masks: number[][],
): number {
  const tokens = batches.reduce((n, b) => n + b.inputs.numel(), 0);
  let best = Number.POSITIVE_INFINITY;
  for (let run = 0; run < 2; run++) {
    const t0 = performance.now();
    withHeadMask(model, masks, () => meanLoss(model, batches));
    best = Math.min(best, performance.now() - t0);
  }
  return tokens / (best / 1000);
}
