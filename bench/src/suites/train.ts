/**
 * Training throughput of the CLI's default model: what `attnkit train` without flags trains
 * (apps/cli/src/commands/train.ts). The configuration is read from the CLI itself at suite start:
 * `TRAIN_DEFAULTS` (64 hiddens, 4 heads, 2 blocks, context 64, batch 16, AdamW lr 1e-2, weight
 * decay 0.01, dropout 0, rotary positions, seed 0), the vocabulary of the CLI's corpus (Moby-Dick:
 * 90 symbols) and the CLI's first training batch (`randomWindows` over the training split with
 * the CLI's seed). What `train()` hard-codes rather than exports is copied below: FFN 4 × hiddens,
 * `maxLen` = context, AdamW betas (0.9, 0.99), gradient clipping at norm 1. The model is the
 * default TransformerLM otherwise: pre-norm, ReLU, untied head, no attention biases, embedding ·
 * √hiddens, RoPE on queries and keys in every attention (half-split pairs, all head features,
 * base 10000). One step: forward, cross-entropy, backward, clip, AdamW update; tokens/s =
 * batch·context / median step time. Every attnkit step runs as `fit` runs it: in `withArena` with
 * the run's own buffer pool (see {@link asFitStep}). The learning-rate schedule is left out (it
 * costs nothing per step).
 *
 * The tfjs peer is the same network written with tfjs ops (RoPE with attnkit's own cos/sin
 * tables), started from attnkit's float32 weights. Check: the first step's loss and clipped
 * gradients of every parameter against the same model in float64. ONNX Runtime has no autograd in
 * its npm builds, so it does not train.
 */
import { rotaryTables } from '@attnkit/positional';
import { BufferPool, Generator, type Tensor, tensor, withArena } from '@attnkit/tensor';
import { AdamW, clipGradNorm, crossEntropy, randomWindows, trainValSplit, Vocab } from '@attnkit/training';
import { TransformerLM, type TransformerLMOptions } from '@attnkit/transformer';
import { type Figure, measureFigure, type Task } from '../figure.js';
import { gcStats } from '../gc.js';
import { type Check, check, type TimerOptions } from '../harness.js';
import type { Libraries, LibraryName, Tf } from '../libs.js';
import { causalAdditiveMask } from '../onnx.js';
import { useBackend } from '../peers.js';
import { threadScaling } from '../scaling.js';
import { interleave, lossChecks, pairedFigures, spread, type TorchTwins, weightTensors } from '../torch.js';

// Hard-coded in train() of apps/cli/src/commands/train.ts (not part of TRAIN_DEFAULTS):
// `ffnNumHiddens: options.ffn ?? 4 * options.hiddens`, `betas: [0.9, 0.99]`, `clipNorm: 1`.
const FFN_FACTOR = 4;
const BETAS = [0.9, 0.99] as const;
const CLIP = 1;
const EPS = 1e-8; // AdamW's default eps (the CLI keeps it)
const LN_EPS = 1e-5; // LayerNorm's default eps

/** The CLI's default training run, as the suite reproduces it. */
export interface Setup {
  readonly hiddens: number;
  readonly heads: number;
  readonly blocks: number;
  readonly ffn: number;
  readonly context: number;
  readonly batch: number;
  readonly lr: number;
  readonly weightDecay: number;
  readonly positional: 'rotary' | 'sinusoidal';
  readonly seed: number;
  readonly vocab: number;
  /** The CLI's first batch, `(batch, context)` token ids, and its next-token targets. */
  readonly inputs: Int32Array;
  readonly targets: Int32Array;
}

/**
 * Reads the defaults, the corpus and the first batch from the built CLI (`@attnkit/cli` has no
 * exports map, so its dist modules are importable; neither module runs anything on import).
 * Imported here rather than at the top so the other suites do not load the CLI (jsdom, Plot).
 * Fails loudly if the defaults ask for something the tfjs peer does not implement.
 */
export async function cliSetup(): Promise<Setup> {
  const [{ TRAIN_DEFAULTS: d }, { loadCorpus }] = await Promise.all([
    import('@attnkit/cli/dist/commands/train.js'),
    import('@attnkit/cli/dist/corpus.js'),
  ]);
  const positional: string = d.positional;
  const dropout: number = d.dropout;
  if ((positional !== 'rotary' && positional !== 'sinusoidal') || dropout !== 0) {
    throw new Error(
      `bench train: the tfjs peer implements rotary or sinusoidal positions without dropout; the CLI's TRAIN_DEFAULTS now have positional '${positional}' and dropout ${dropout}. Update bench/src/suites/train.ts.`,
    );
  }
  // As train() does: the whole corpus defines the vocabulary, batches come from the training split.
  const { text } = await loadCorpus();
  const vocab = Vocab.fromText(text);
  const { train } = trainValSplit(vocab.encode(text), { valFraction: d.valFraction });
  const first = randomWindows(train, {
    contextLength: d.context,
    batchSize: d.batch,
    rng: new Generator(d.seed + 1),
  })();
  return {
    hiddens: d.hiddens,
    heads: d.heads,
    blocks: d.blocks,
    ffn: FFN_FACTOR * d.hiddens,
    context: d.context,
    batch: d.batch,
    lr: d.lr,
    weightDecay: d.weightDecay,
    positional,
    seed: d.seed,
    vocab: vocab.size,
    inputs: first.inputs.toTypedArray() as Int32Array,
    targets: first.targets.toTypedArray() as Int32Array,
  };
}

export const options = (s: Setup, dtype: 'float32' | 'float64'): TransformerLMOptions => ({
  vocabSize: s.vocab,
  numHiddens: s.hiddens,
  numHeads: s.heads,
  numBlks: s.blocks,
  ffnNumHiddens: s.ffn,
  maxLen: s.context,
  dropout: 0,
  positional: s.positional,
  dtype,
  rng: new Generator(s.seed),
});

interface Gradients {
  loss: number;
  grads: ArrayLike<number>[];
}

/**
 * Runs `step` as `fit` runs a training step (packages/training/src/fit.ts): in a `withArena` scope
 * with one buffer pool per training run, so the bench measures what users of `fit` and
 * `attnkit train` get (intermediates' storage reused across steps; ADR 0011).
 */
export function asFitStep<T>(step: () => T): () => T {
  const pool = new BufferPool();
  return () => withArena(step, { pool });
}

/** One attnkit step without the optimizer update: loss, backward, clip. */
function attnkitGradients(model: TransformerLM, s: Setup): Gradients {
  const shape = [s.batch, s.context];
  model.zeroGrad();
  const loss = crossEntropy(
    model.forward(tensor(s.inputs, { shape, dtype: 'int32' })),
    tensor(s.targets, { shape, dtype: 'int32' }),
  );
  const value = loss.item();
  loss.backward();
  clipGradNorm(model.parameters(), CLIP);
  return { loss: value, grads: model.parameters().map((p) => p.grad!.toTypedArray()) };
}

function compare(names: string[], got: Gradients, ref: Gradients): Record<string, Check> {
  const checks: Record<string, Check> = { loss: check([got.loss], [ref.loss], 1e-5, 0) };
  names.forEach((name, i) => {
    checks[`d(${name})`] = check(got.grads[i]!, ref.grads[i]!, 1e-3, 1e-7);
  });
  return checks;
}

/**
 * Position information for the tfjs peer, taken from attnkit: the sinusoidal table
 * `(maxLen, hiddens)` added to the input, or the RoPE tables `(context, headDim / 2)`.
 */
type Positions =
  | { kind: 'sinusoidal'; P: Float32Array }
  | { kind: 'rotary'; cos: Float32Array; sin: Float32Array };

/** The same pre-norm decoder-only LM in tfjs, trained with the same AdamW and clipping. */
function tfjsTrainer(
  tf: Tf,
  s: Setup,
  state: Record<string, Float32Array>,
  shapes: Record<string, readonly number[]>,
  names: string[],
  positions: Positions,
  embedding: 'gather' | 'one-hot',
) {
  type T = import('@tensorflow/tfjs-core').Tensor;
  const { batch, context, hiddens, heads } = s;
  const dh = hiddens / heads;
  const vars = names.map((n) => tf.variable(tf.tensor(state[n]!, shapes[n]!.slice()), true, `bench_${n}`));
  const byName = Object.fromEntries(names.map((n, i) => [n, vars[i]!]));
  const w = (n: string): T => byName[n]!;
  const m = vars.map((v) => tf.variable(tf.zerosLike(v), false));
  const v2 = vars.map((v) => tf.variable(tf.zerosLike(v), false));
  const tokens = tf.tensor1d(s.inputs, 'int32');
  const tokensOneHot = embedding === 'one-hot' ? tf.oneHot(tokens, s.vocab).toFloat() : null;
  const labels = tf.oneHot(tf.tensor1d(s.targets, 'int32'), s.vocab);
  const mask = tf.tensor2d(causalAdditiveMask(context), [context, context]);
  const pos =
    positions.kind === 'sinusoidal'
      ? tf.tensor3d(positions.P.subarray(0, context * hiddens), [1, context, hiddens])
      : null;
  // (context, dh/2): one column per frequency, broadcast over batch and heads.
  const cos = positions.kind === 'rotary' ? tf.tensor2d(positions.cos, [context, dh / 2]) : null;
  const sin = positions.kind === 'rotary' ? tf.tensor2d(positions.sin, [context, dh / 2]) : null;

  const layerNorm = (x: T, prefix: string): T => {
    const { mean, variance } = tf.moments(x, -1, true);
    return tf.add(
      tf.mul(tf.mul(tf.sub(x, mean), tf.rsqrt(tf.add(variance, LN_EPS))), w(`${prefix}.weight`)),
      w(`${prefix}.bias`),
    );
  };
  const linear = (x: T, prefix: string, bias: boolean): T => {
    const y = tf.matMul(x, w(`${prefix}.weight`), false, true);
    return bias ? tf.add(y, w(`${prefix}.bias`)) : y;
  };
  const split = (x: T): T => tf.transpose(tf.reshape(x, [batch, context, heads, dh]), [0, 2, 1, 3]);
  // applyRotaryEmbedding's default layout (half-split, "rotate_half"): pair j is (x_j, x_{j+dh/2}),
  // (a, b) -> (a cos − b sin, b cos + a sin), on all dh features of each head.
  const rope = (x: T): T => {
    if (cos === null || sin === null) return x;
    const [a, b] = tf.split(x, 2, -1) as [T, T];
    return tf.concat([tf.sub(tf.mul(a, cos), tf.mul(b, sin)), tf.add(tf.mul(b, cos), tf.mul(a, sin))], -1);
  };
  const lossFn = (): import('@tensorflow/tfjs-core').Scalar => {
    const E = w('embedding.weight');
    const rows = tokensOneHot === null ? tf.gather(E, tokens) : tf.matMul(tokensOneHot, E);
    // TransformerLM scales the embedding by √hiddens whatever the position scheme.
    let X = tf.mul(tf.reshape(rows, [batch, context, hiddens]), Math.sqrt(hiddens));
    if (pos !== null) X = tf.add(X, pos);
    let H = tf.reshape(X, [batch * context, hiddens]);
    for (let b = 0; b < s.blocks; b++) {
      const p = `blks.${b}`;
      const h = layerNorm(H, `${p}.ln1`);
      const q = rope(split(linear(h, `${p}.attention.W_q`, false)));
      const k = rope(split(linear(h, `${p}.attention.W_k`, false)));
      const v = split(linear(h, `${p}.attention.W_v`, false));
      const scores = tf.add(tf.mul(tf.matMul(q, k, false, true), 1 / Math.sqrt(dh)), mask);
      const att = tf.reshape(tf.transpose(tf.matMul(tf.softmax(scores), v), [0, 2, 1, 3]), [
        batch * context,
        hiddens,
      ]);
      H = tf.add(H, linear(att, `${p}.attention.W_o`, false));
      const f = linear(
        tf.relu(linear(layerNorm(H, `${p}.ln2`), `${p}.ffn.dense1`, true)),
        `${p}.ffn.dense2`,
        true,
      );
      H = tf.add(H, f);
    }
    const logits = linear(layerNorm(H, 'ln_f'), 'dense', true);
    return tf.neg(
      tf.mean(tf.sum(tf.mul(labels, tf.logSoftmax(logits)), -1)),
    ) as import('@tensorflow/tfjs-core').Scalar;
  };

  let t = 0;
  let captured: Gradients | null = null;
  const step = (capture: boolean): number => {
    t += 1;
    const [b1, b2] = BETAS;
    const { lr, weightDecay } = s;
    return tf.tidy(() => {
      const { value, grads } = tf.variableGrads(lossFn, vars);
      const g = vars.map((v) => grads[v.name]!);
      const norm = tf.sqrt(tf.addN(g.map((x) => tf.sum(tf.square(x)))));
      const coef = tf.minimum(tf.div(CLIP, tf.add(norm, 1e-6)), 1);
      const clipped = g.map((x) => tf.mul(x, coef));
      const loss = value.dataSync()[0]!;
      if (capture) captured = { loss, grads: clipped.map((x) => x.dataSync().slice()) };
      clipped.forEach((gi, i) => {
        m[i]!.assign(tf.add(tf.mul(m[i]!, b1), tf.mul(gi, 1 - b1)));
        v2[i]!.assign(tf.add(tf.mul(v2[i]!, b2), tf.mul(tf.square(gi), 1 - b2)));
        const denom = tf.add(tf.div(tf.sqrt(v2[i]!), Math.sqrt(1 - b2 ** t)), EPS);
        const update = tf.mul(tf.div(m[i]!, denom), lr / (1 - b1 ** t));
        vars[i]!.assign(tf.sub(tf.mul(vars[i]!, 1 - lr * weightDecay), update));
      });
      // Reading one updated weight waits for the whole step.
      vars[vars.length - 1]!.dataSync();
      return loss;
    });
  };
  return {
    step,
    captured: () => captured,
    dispose: () =>
      tf.dispose([
        ...vars,
        ...m,
        ...v2,
        tokens,
        labels,
        mask,
        ...[pos, cos, sin, tokensOneHot].filter((x): x is T => x !== null),
      ]),
  };
}

const TIMER: TimerOptions = { warmup: 2, budgetMs: 6000, minRuns: 5, maxRuns: 20 };

export async function trainSuite(
  libs: Libraries,
  libraries: readonly LibraryName[],
  quick: boolean,
  log: (f: Figure) => void,
): Promise<Figure[]> {
  const s = await cliSetup();
  const model32 = new TransformerLM(options(s, 'float32'));
  const initial = model32.stateDict();
  const names = model32.namedParameters().map(([n]) => n);
  const model64 = new TransformerLM(options(s, 'float64'));
  model64.loadStateDict(initial);
  const ref = attnkitGradients(model64, s);
  const state = Object.fromEntries(names.map((n) => [n, initial[n]!.toTypedArray().slice() as Float32Array]));
  const shapes = Object.fromEntries(names.map((n) => [n, initial[n]!.shape]));
  let positions: Positions;
  if (s.positional === 'rotary') {
    // The float32 model's tables: attnkit computes the angles in float64 and rounds cos/sin to
    // float32, as rotaryTables does (rotaryDim = head size, base 10000: MultiHeadAttention's defaults).
    const tables = rotaryTables(s.context, s.hiddens / s.heads, { dtype: 'float32' });
    positions = {
      kind: 'rotary',
      cos: tables.cos.toTypedArray() as Float32Array,
      sin: tables.sin.toTypedArray() as Float32Array,
    };
  } else {
    // The sinusoidal table of PositionalEncoding, (1, maxLen, hiddens).
    const P = (model32.posEncoding as unknown as { P: Tensor }).P.toTypedArray() as Float32Array;
    positions = { kind: 'sinusoidal', P };
  }
  const tokensPerStep = s.batch * s.context;
  const params = {
    hiddens: s.hiddens,
    heads: s.heads,
    blocks: s.blocks,
    ffn: s.ffn,
    context: s.context,
    batch: s.batch,
    vocab: s.vocab,
    positional: s.positional,
    lr: s.lr,
    betas: BETAS.join('/'),
    weightDecay: s.weightDecay,
    clip: CLIP,
  };

  const figures: Figure[] = [];
  for (const library of libraries.filter((l) => l !== 'attnkit-fused')) {
    if (library === 'ort-node' || library === 'ort-web') continue; // inference only: no autograd
    if (library === 'pytorch') continue; // the twin runs interleaved with attnkit below
    const prepare = async (): Promise<Task> => {
      if (library === 'attnkit') {
        const model = new TransformerLM(options(s, 'float32'));
        model.loadStateDict(initial);
        const optimizer = new AdamW(model.parameters(), {
          lr: s.lr,
          betas: [...BETAS],
          weightDecay: s.weightDecay,
        });
        let first: Gradients | null = null;
        const run = asFitStep(() => {
          optimizer.zeroGrad();
          const g = attnkitGradients(model, s);
          first ??= { loss: g.loss, grads: g.grads.map((x) => Float32Array.from(x)) };
          optimizer.step();
          return [g.loss];
        });
        return {
          run,
          verify: () => compare(names, first!, ref),
        };
      }
      const tf = libs.tf!;
      await useBackend(tf, library === 'tfjs-cpu' ? 'cpu' : 'wasm');
      // tfjs-wasm has no UnsortedSegmentSum (the gradient of gather): it embeds by one-hot × matrix.
      const embedding = library === 'tfjs-wasm' ? 'one-hot' : 'gather';
      const trainer = tfjsTrainer(tf, s, state, shapes, names, positions, embedding);
      let capture = true;
      return {
        run: () => {
          const loss = trainer.step(capture);
          capture = false;
          return [loss];
        },
        verify: () => compare(names, trainer.captured()!, ref),
        dispose: trainer.dispose,
      };
    };
    const fig = await measureFigure(
      {
        suite: 'train',
        case: `TransformerLM ${s.blocks}×${s.heads} heads, ${s.hiddens} hiddens, ${s.positional}, context ${s.context}, batch ${s.batch}`,
        params,
        library,
        threads: libs.threadCount,
      },
      prepare,
      { tokens: tokensPerStep, timer: quick ? { warmup: 1, budgetMs: 500, minRuns: 2, maxRuns: 3 } : TIMER },
    );
    if (library === 'attnkit' && fig.status !== 'failed') {
      // GC share and heap growth over a longer run of the same step (untimed by the figure).
      const step = attnkitTrainer(s, initial);
      fig.gc = await gcStats(step, quick ? 10 : 50, quick ? 40 : 250);
      console.log(`train     attnkit×${libs.threadCount} ${describeGc(fig.gc)}`);
      if (libs.threadCount === 2 && libs.setAttnkitThreads !== null) {
        // 1 vs 2 threads in interleaved rounds, so the speed-up is not at the mercy of the passes' drift.
        fig.scaling = await threadScaling(
          attnkitTrainer(s, initial),
          libs.setAttnkitThreads,
          quick ? { rounds: 2, steps: 2 } : { rounds: 6, steps: 5 },
        );
        const sc = fig.scaling;
        console.log(
          `train     attnkit 2 threads / 1 thread, interleaved: ${sc.ratio.toFixed(3)} (rounds ${Math.min(...sc.roundRatios).toFixed(2)}–${Math.max(...sc.roundRatios).toFixed(2)}; ${sc.oneMs.toFixed(1)} vs ${sc.twoMs.toFixed(1)} ms/step)`,
        );
      }
    }
    figures.push(fig);
    log(fig);
  }
  const torch = libs.torch;
  if (torch !== null && libraries.includes('pytorch')) {
    const meta = {
      suite: 'train' as const,
      case: `TransformerLM ${s.blocks}×${s.heads} heads, ${s.hiddens} hiddens, ${s.positional}, context ${s.context}, batch ${s.batch}`,
      params,
      threads: libs.threadCount,
    };
    const paired = await lmTwin(torch, s, initial, libs.threadCount, quick);
    for (const f of pairedFigures(meta, paired, lossChecks(paired, 1e-4), { tokens: tokensPerStep })) {
      figures.push(f);
      log(f);
    }
    console.log(
      `train     attnkit/PyTorch ×${libs.threadCount}: ${paired.ratio.toFixed(3)} (rounds ${spread(paired)}); first losses attnkit ${paired.firstLosses.attnkit.map((x) => x.toFixed(5)).join(', ')} · torch ${paired.firstLosses.torch.map((x) => x.toFixed(5)).join(', ')}`,
    );
    for (const f of await g2pTwin(torch, libs.threadCount, quick)) {
      figures.push(f);
      log(f);
    }
  }
  return figures;
}

function describeGc(g: import('../gc.js').GcStats): string {
  const mb = (x: number) => (x / 2 ** 20).toFixed(2);
  return `GC ${(100 * g.share).toFixed(1)}% of steps ${g.from}–${g.to} (${g.gcMs.toFixed(0)} of ${g.stepMs.toFixed(0)} ms; ${g.collections.minor} minor, ${g.collections.major} major, ${g.collections.incremental} incremental); after forced GC heap ${mb(g.heapUsed[0])} → ${mb(g.heapUsed[1])} MB, arrayBuffers ${mb(g.arrayBuffers[0])} → ${mb(g.arrayBuffers[1])} MB: ${(g.growthPerStep / 1024).toFixed(2)} kB/step`;
}

/**
 * A fresh float32 model from `initial` and its AdamW: one call = one training step as `fit` runs
 * it (in `withArena` with the run's own pool, model and optimizer `zeroGrad()` first), returns
 * the loss. `arena: false` runs the step with plain allocation (for A/B runs).
 */
export function attnkitTrainer(
  s: Setup,
  initial: Record<string, Tensor>,
  { arena = true }: { arena?: boolean } = {},
): () => number {
  const model = new TransformerLM(options(s, 'float32'));
  model.loadStateDict(initial);
  const optimizer = new AdamW(model.parameters(), {
    lr: s.lr,
    betas: [...BETAS],
    weightDecay: s.weightDecay,
  });
  const shape = [s.batch, s.context];
  const inputs = tensor(s.inputs, { shape, dtype: 'int32' });
  const targets = tensor(s.targets, { shape, dtype: 'int32' });
  const step = () => {
    model.zeroGrad();
    optimizer.zeroGrad();
    const loss = crossEntropy(model.forward(inputs), targets);
    const value = loss.item();
    loss.backward();
    clipGradNorm(model.parameters(), CLIP);
    optimizer.step();
    return value;
  };
  return arena ? asFitStep(step) : step;
}

/** The main model against its PyTorch twin (bench/python/twins.py `lm`), interleaved. */
async function lmTwin(
  torch: TorchTwins,
  s: Setup,
  initial: Record<string, Tensor>,
  threads: number,
  quick: boolean,
) {
  const dh = s.hiddens / s.heads;
  const tables = rotaryTables(s.context, dh, { dtype: 'float32' });
  const id = await torch.load(
    'lm',
    {
      hiddens: s.hiddens,
      heads: s.heads,
      blocks: s.blocks,
      ffn: s.ffn,
      context: s.context,
      vocab: s.vocab,
      lr: s.lr,
      betas: BETAS,
      eps: EPS,
      weightDecay: s.weightDecay,
    },
    {
      ...weightTensors(initial),
      cos: { data: tables.cos.toTypedArray() as Float32Array, shape: [s.context, dh / 2] },
      sin: { data: tables.sin.toTypedArray() as Float32Array, shape: [s.context, dh / 2] },
      inputs: { data: s.inputs, shape: [s.batch, s.context] },
      targets: { data: s.targets, shape: [s.batch, s.context] },
    },
  );
  try {
    return await interleave(
      attnkitTrainer(s, initial),
      { twins: torch, id, threads },
      quick ? { rounds: 2, steps: 2, warmup: 1 } : { rounds: 8, steps: 5, warmup: 3 },
    );
  } finally {
    await torch.drop(id);
  }
}

/**
 * The encoder–decoder Transformer of `attnkit g2p train` (preset transformer/default, built by the
 * CLI's own buildModel and trained on the CLI's first batch of CMUdict), against its PyTorch twin.
 * What the command hard-codes is copied from apps/cli/src/commands/g2p.ts: AdamW betas
 * (0.9, 0.98), weight decay 0.01, clipping at 1, MAX_LEN 48, untied, unshared embeddings; the
 * learning-rate schedule is left out (it costs nothing per step). steps/s on that fixed batch.
 */
export async function g2pSetup() {
  const [{ G2P_PRESETS, G2P_DEFAULTS: d, prepareData }, { buildModel }, { batchStream }] = await Promise.all([
    import('@attnkit/cli/dist/commands/g2p.js'),
    import('@attnkit/cli/dist/g2p/model.js'),
    import('@attnkit/cli/dist/g2p/batches.js'),
  ]);
  const p = G2P_PRESETS.transformer.default;
  const MAX_LEN = 48; // g2p.ts MAX_LEN
  const data = await prepareData({
    stress: d.stress,
    skipMalformed: d.skipMalformed,
    testFraction: d.testFraction,
    validWords: d.validWords,
    seed: d.seed,
  });
  const { vocabs } = data;
  const ids = { pad: vocabs.phonemes.tokenToId('<pad>'), bos: vocabs.phonemes.tokenToId('<bos>') };
  const b = batchStream(data.train, { batchSize: p.batch, rng: new Generator(d.seed + 1), ids }).next();
  const transformer = {
    srcVocabSize: vocabs.letters.size,
    tgtVocabSize: vocabs.phonemes.size,
    numHiddens: p.hiddens,
    ffnNumHiddens: p.ffn,
    numHeads: p.heads,
    numBlks: p.blocks,
    numDecoderBlks: p.blocks,
    dropout: p.dropout,
    maxLen: MAX_LEN,
    norm: p.norm,
    tieWeights: false,
    shareEmbeddings: false,
    dtype: 'float32' as const,
  };
  const model = buildModel({ kind: 'transformer', transformer }, d.seed, MAX_LEN);
  const initial = model.module.stateDict();
  const betas: [number, number] = [0.9, 0.98];
  const optimizer = new AdamW(model.module.parameters(), { lr: p.lr, betas, weightDecay: 0.01 });
  const step = asFitStep(() => {
    model.module.zeroGrad();
    optimizer.zeroGrad();
    const loss = crossEntropy(model.logits(b.src, b.decInput, b.srcValidLens), b.labels, {
      ignoreIndex: ids.pad,
      labelSmoothing: p.labelSmoothing,
    });
    const value = loss.item();
    loss.backward();
    clipGradNorm(model.module.parameters(), CLIP);
    optimizer.step();
    return value;
  });
  return { step, initial, p, transformer, ids, b, betas, MAX_LEN };
}

async function g2pTwin(torch: TorchTwins, threads: number, quick: boolean) {
  const { step, initial, p, transformer, ids, b, betas, MAX_LEN } = await g2pSetup();
  const int = (t: Tensor) => ({ data: t.toTypedArray() as Int32Array, shape: t.shape });
  const id = await torch.load(
    'g2p',
    {
      hiddens: p.hiddens,
      heads: p.heads,
      blocks: p.blocks,
      decoderBlocks: p.blocks,
      ffn: p.ffn,
      srcVocab: transformer.srcVocabSize,
      tgtVocab: transformer.tgtVocabSize,
      maxLen: MAX_LEN,
      pad: ids.pad,
      labelSmoothing: p.labelSmoothing,
      lr: p.lr,
      betas,
      eps: EPS,
      weightDecay: 0.01,
    },
    {
      ...weightTensors(initial),
      src: int(b.src),
      decInput: int(b.decInput),
      srcValidLens: int(b.srcValidLens),
      labels: int(b.labels),
    },
  );
  let paired: Awaited<ReturnType<typeof interleave>>;
  try {
    paired = await interleave(
      step,
      { twins: torch, id, threads },
      quick ? { rounds: 2, steps: 1, warmup: 1 } : { rounds: 6, steps: 2, warmup: 2 },
    );
  } finally {
    await torch.drop(id);
  }
  const [batch, srcLen] = b.src.shape as [number, number];
  const tgtLen = b.labels.shape[1]!;
  console.log(
    `train     G2P attnkit/PyTorch ×${threads}: ${paired.ratio.toFixed(3)} (rounds ${spread(paired)}); first losses attnkit ${paired.firstLosses.attnkit.map((x) => x.toFixed(5)).join(', ')} · torch ${paired.firstLosses.torch.map((x) => x.toFixed(5)).join(', ')}`,
  );
  return pairedFigures(
    {
      suite: 'train',
      case: `G2P Transformer ${p.blocks}+${p.blocks} blocks × ${p.heads} heads, ${p.hiddens} hiddens, FFN ${p.ffn}, ${p.norm}-norm, batch ${batch} (src ${srcLen}, tgt ${tgtLen})`,
      params: {
        model: 'g2p',
        hiddens: p.hiddens,
        heads: p.heads,
        blocks: p.blocks,
        ffn: p.ffn,
        batch,
        srcLen,
        tgtLen,
        labelTokens: b.tokens,
      },
      threads,
    },
    paired,
    lossChecks(paired, 1e-4),
    { withAttnkit: true },
  );
}
