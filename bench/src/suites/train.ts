/**
 * Training throughput of the CLI's default model (`attnkit train` defaults in
 * apps/cli/src/commands/train.ts: TransformerLM, 128 hiddens, 4 heads, 2 blocks, FFN 4 × 128,
 * context 64, batch 16, sinusoidal positions, pre-norm, ReLU, no dropout; AdamW lr 3e-3,
 * betas (0.9, 0.99), weight decay 0.01, gradient clipping at norm 1). One step: forward,
 * cross-entropy, backward, clip, AdamW update; tokens/s = batch·context / median step time.
 * The vocabulary is 96 symbols of synthetic text (the CLI's Moby-Dick has a similar count), and the
 * learning-rate schedule is left out (it costs nothing per step).
 *
 * The tfjs peer is the same network written with tfjs ops, started from attnkit's float32 weights.
 * Check: the first step's loss and clipped gradients of every parameter against the same model in
 * float64. ONNX Runtime has no autograd in its npm builds, so it does not train.
 */
import { Generator, type Tensor, tensor } from '@attnkit/tensor';
import { AdamW, clipGradNorm, crossEntropy } from '@attnkit/training';
import { TransformerLM, type TransformerLMOptions } from '@attnkit/transformer';
import { type Figure, measureFigure, type Task } from '../figure.js';
import { type Check, check, type TimerOptions } from '../harness.js';
import type { Libraries, LibraryName, Tf } from '../libs.js';
import { causalAdditiveMask } from '../onnx.js';
import { useBackend } from '../peers.js';

const CLI = { hiddens: 128, heads: 4, blocks: 2, context: 64, batch: 16, lr: 3e-3, weightDecay: 0.01 };
const VOCAB = 96;
const BETAS = [0.9, 0.99] as const;
const EPS = 1e-8;
const LN_EPS = 1e-5;

const options = (dtype: 'float32' | 'float64'): TransformerLMOptions => ({
  vocabSize: VOCAB,
  numHiddens: CLI.hiddens,
  numHeads: CLI.heads,
  numBlks: CLI.blocks,
  ffnNumHiddens: 4 * CLI.hiddens,
  maxLen: CLI.context,
  dropout: 0,
  positional: 'sinusoidal',
  dtype,
  rng: new Generator(0),
});

/** Deterministic token windows: inputs `(batch, context)` and the next tokens as targets. */
function batchTokens(): { inputs: Int32Array; targets: Int32Array } {
  const { batch, context } = CLI;
  const inputs = new Int32Array(batch * context);
  const targets = new Int32Array(batch * context);
  const token = (b: number, t: number) => (Math.imul(b * 1009 + t + 1, 2654435761) >>> 20) % VOCAB;
  for (let b = 0; b < batch; b++) {
    for (let t = 0; t < context; t++) {
      inputs[b * context + t] = token(b, t);
      targets[b * context + t] = token(b, t + 1);
    }
  }
  return { inputs, targets };
}

interface Gradients {
  loss: number;
  grads: ArrayLike<number>[];
}

/** One attnkit step without the optimizer update: loss, backward, clip. */
function attnkitGradients(model: TransformerLM, inputs: Int32Array, targets: Int32Array): Gradients {
  const shape = [CLI.batch, CLI.context];
  model.zeroGrad();
  const loss = crossEntropy(
    model.forward(tensor(inputs, { shape, dtype: 'int32' })),
    tensor(targets, { shape, dtype: 'int32' }),
  );
  const value = loss.item();
  loss.backward();
  clipGradNorm(model.parameters(), 1);
  return { loss: value, grads: model.parameters().map((p) => p.grad!.toTypedArray()) };
}

function compare(names: string[], got: Gradients, ref: Gradients): Record<string, Check> {
  const checks: Record<string, Check> = { loss: check([got.loss], [ref.loss], 1e-5, 0) };
  names.forEach((name, i) => {
    checks[`d(${name})`] = check(got.grads[i]!, ref.grads[i]!, 1e-3, 1e-7);
  });
  return checks;
}

/** The same pre-norm decoder-only LM in tfjs, trained with the same AdamW and clipping. */
function tfjsTrainer(
  tf: Tf,
  state: Record<string, Float32Array>,
  shapes: Record<string, readonly number[]>,
  names: string[],
  P: Float32Array,
  inputs: Int32Array,
  targets: Int32Array,
  embedding: 'gather' | 'one-hot',
) {
  type T = import('@tensorflow/tfjs-core').Tensor;
  const { batch, context, hiddens, heads } = CLI;
  const dh = hiddens / heads;
  const vars = names.map((n) => tf.variable(tf.tensor(state[n]!, shapes[n]!.slice()), true, `bench_${n}`));
  const byName = Object.fromEntries(names.map((n, i) => [n, vars[i]!]));
  const w = (n: string): T => byName[n]!;
  const m = vars.map((v) => tf.variable(tf.zerosLike(v), false));
  const s = vars.map((v) => tf.variable(tf.zerosLike(v), false));
  const tokens = tf.tensor1d(inputs, 'int32');
  const tokensOneHot = embedding === 'one-hot' ? tf.oneHot(tokens, VOCAB).toFloat() : null;
  const labels = tf.oneHot(tf.tensor1d(targets, 'int32'), VOCAB);
  const pos = tf.tensor3d(P.subarray(0, context * hiddens), [1, context, hiddens]);
  const mask = tf.tensor2d(causalAdditiveMask(context), [context, context]);

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
  const lossFn = (): import('@tensorflow/tfjs-core').Scalar => {
    const E = w('embedding.weight');
    const rows = tokensOneHot === null ? tf.gather(E, tokens) : tf.matMul(tokensOneHot, E);
    let X = tf.reshape(rows, [batch, context, hiddens]);
    X = tf.add(tf.mul(X, Math.sqrt(hiddens)), pos);
    let H = tf.reshape(X, [batch * context, hiddens]);
    for (let b = 0; b < CLI.blocks; b++) {
      const p = `blks.${b}`;
      const h = layerNorm(H, `${p}.ln1`);
      const q = split(linear(h, `${p}.attention.W_q`, false));
      const k = split(linear(h, `${p}.attention.W_k`, false));
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
    const { lr, weightDecay } = CLI;
    return tf.tidy(() => {
      const { value, grads } = tf.variableGrads(lossFn, vars);
      const g = vars.map((v) => grads[v.name]!);
      const norm = tf.sqrt(tf.addN(g.map((x) => tf.sum(tf.square(x)))));
      const coef = tf.minimum(tf.div(1, tf.add(norm, 1e-6)), 1);
      const clipped = g.map((x) => tf.mul(x, coef));
      const loss = value.dataSync()[0]!;
      if (capture) captured = { loss, grads: clipped.map((x) => x.dataSync().slice()) };
      clipped.forEach((gi, i) => {
        m[i]!.assign(tf.add(tf.mul(m[i]!, b1), tf.mul(gi, 1 - b1)));
        s[i]!.assign(tf.add(tf.mul(s[i]!, b2), tf.mul(tf.square(gi), 1 - b2)));
        const denom = tf.add(tf.div(tf.sqrt(s[i]!), Math.sqrt(1 - b2 ** t)), EPS);
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
        ...s,
        tokens,
        labels,
        pos,
        mask,
        ...(tokensOneHot === null ? [] : [tokensOneHot]),
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
  const { inputs, targets } = batchTokens();
  const model32 = new TransformerLM(options('float32'));
  const initial = model32.stateDict();
  const names = model32.namedParameters().map(([n]) => n);
  const model64 = new TransformerLM(options('float64'));
  model64.loadStateDict(initial);
  const ref = attnkitGradients(model64, inputs, targets);
  const state = Object.fromEntries(names.map((n) => [n, initial[n]!.toTypedArray().slice() as Float32Array]));
  const shapes = Object.fromEntries(names.map((n) => [n, initial[n]!.shape]));
  // The sinusoidal table of PositionalEncoding, (1, maxLen, hiddens).
  const P = (model32.posEncoding as unknown as { P: Tensor }).P.toTypedArray() as Float32Array;
  const tokensPerStep = CLI.batch * CLI.context;

  const figures: Figure[] = [];
  for (const library of libraries.filter((l) => l !== 'attnkit-fused')) {
    if (library === 'ort-node' || library === 'ort-web') continue; // inference only: no autograd
    const prepare = async (): Promise<Task> => {
      if (library === 'attnkit') {
        const model = new TransformerLM(options('float32'));
        model.loadStateDict(initial);
        const optimizer = new AdamW(model.parameters(), {
          lr: CLI.lr,
          betas: [...BETAS],
          weightDecay: CLI.weightDecay,
        });
        let first: Gradients | null = null;
        return {
          run: () => {
            const g = attnkitGradients(model, inputs, targets);
            first ??= { loss: g.loss, grads: g.grads.map((x) => Float32Array.from(x)) };
            optimizer.step();
            return [g.loss];
          },
          verify: () => compare(names, first!, ref),
        };
      }
      const tf = libs.tf!;
      await useBackend(tf, library === 'tfjs-cpu' ? 'cpu' : 'wasm');
      // tfjs-wasm has no UnsortedSegmentSum (the gradient of gather): it embeds by one-hot × matrix.
      const embedding = library === 'tfjs-wasm' ? 'one-hot' : 'gather';
      const trainer = tfjsTrainer(tf, state, shapes, names, P, inputs, targets, embedding);
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
        case: `TransformerLM ${CLI.blocks}×${CLI.heads} heads, ${CLI.hiddens} hiddens, context ${CLI.context}, batch ${CLI.batch}`,
        params: { ...CLI, vocab: VOCAB, ffn: 4 * CLI.hiddens },
        library,
        threads: libs.threadCount,
      },
      prepare,
      { tokens: tokensPerStep, timer: quick ? { warmup: 1, budgetMs: 500, minRuns: 2, maxRuns: 3 } : TIMER },
    );
    figures.push(fig);
    log(fig);
  }
  return figures;
}
