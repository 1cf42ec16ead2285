/**
 * MultiHeadAttention forward + backward (self-attention, d_model 128, 4 heads, L 128, batch 16,
 * no bias, no mask): one step is forward, loss = Σ out ⊙ G for a fixed G, and the gradients of
 * W_q, W_k, W_v, W_o. ONNX Runtime has no autograd in its npm builds, so only attnkit and tfjs
 * run here. Reference: the same module in float64 with the float32 weights. The PyTorch twin is
 * paired twice: with attnkit's plain step, and with the step in a `withArena` scope (how `fit()`
 * runs a training step; case suffix "withArena").
 */
import { MultiHeadAttention } from '@attnkit/multihead';
import { Generator, mul, sum, type Tensor, tensor, withArena } from '@attnkit/tensor';
import { type Figure, measureFigure, type Task } from '../figure.js';
import { type Check, check, fillValues } from '../harness.js';
import type { Libraries, LibraryName } from '../libs.js';
import { tfRun, useBackend } from '../peers.js';
import { interleave, lossChecks, pairedFigures, spread, weightTensors } from '../torch.js';

const BATCH = 16;
const L = 128;
const HIDDENS = 128;
const HEADS = 4;
const RTOL = 1e-4;
const ATOL = 1e-5;
const NAMES = ['W_q', 'W_k', 'W_v', 'W_o'] as const;

interface StepResult {
  output: ArrayLike<number>;
  grads: ArrayLike<number>[];
}

function makeModule(dtype: 'float32' | 'float64'): MultiHeadAttention {
  return new MultiHeadAttention({
    numHiddens: HIDDENS,
    numHeads: HEADS,
    querySize: HIDDENS,
    keySize: HIDDENS,
    valueSize: HIDDENS,
    dtype,
    rng: new Generator(7),
  });
}

/** One forward + backward of attnkit's module; returns the output and the weight gradients. */
function attnkitStep(mha: MultiHeadAttention, X: Tensor, G: Tensor): StepResult {
  mha.zeroGrad();
  const out = mha.forward(X, X, X, undefined, { needWeights: false });
  sum(mul(out, G)).backward();
  return {
    output: out.toTypedArray(),
    grads: NAMES.map((n) => mha[n].weight.grad!.toTypedArray()),
  };
}

function compare(got: StepResult, ref: StepResult): Record<string, Check> {
  const checks: Record<string, Check> = { output: check(got.output, ref.output, RTOL, ATOL) };
  NAMES.forEach((n, i) => {
    checks[`d${n}`] = check(got.grads[i]!, ref.grads[i]!, RTOL, ATOL);
  });
  return checks;
}

function tfjsStep(
  tf: NonNullable<Libraries['tf']>,
  weights: Float32Array[],
  Xdata: Float32Array,
  Gdata: Float32Array,
): { step: () => StepResult; full: () => StepResult; dispose: () => void } {
  const dh = HIDDENS / HEADS;
  const x = tf.tensor2d(Xdata, [BATCH * L, HIDDENS]);
  const g = tf.tensor2d(Gdata, [BATCH * L, HIDDENS]);
  const w = weights.map((data) => tf.tensor2d(data, [HIDDENS, HIDDENS]));
  type T = import('@tensorflow/tfjs-core').Tensor;
  const split = (t: T) => tf.transpose(tf.reshape(t, [BATCH, L, HEADS, dh]), [0, 2, 1, 3]);
  const forward = (wq: T, wk: T, wv: T, wo: T) => {
    const q = split(tf.matMul(x, wq, false, true));
    const k = split(tf.matMul(x, wk, false, true));
    const v = split(tf.matMul(x, wv, false, true));
    const weightsAtt = tf.softmax(tf.mul(tf.matMul(q, k, false, true), 1 / Math.sqrt(dh)));
    const heads = tf.matMul(weightsAtt, v); // (batch, heads, L, dh)
    const merged = tf.reshape(tf.transpose(heads, [0, 2, 1, 3]), [BATCH * L, HIDDENS]);
    return tf.matMul(merged, wo, false, true) as import('@tensorflow/tfjs-core').Tensor2D;
  };
  const lossAndGrads = tf.valueAndGrads((wq: T, wk: T, wv: T, wo: T) =>
    tf.sum(tf.mul(forward(wq, wk, wv, wo), g)),
  );
  // Tensors leave tidy and are downloaded outside it (see tfRun).
  const step = (): StepResult => {
    const grads = tf.tidy(() => lossAndGrads(w).grads);
    const data = grads.map((t) => t.dataSync() as Float32Array);
    tf.dispose(grads);
    return { output: [], grads: data };
  };
  const full = (): StepResult => ({
    ...step(),
    output: tfRun(tf, () => forward(w[0]!, w[1]!, w[2]!, w[3]!)),
  });
  return { step, full, dispose: () => tf.dispose([x, g, ...w]) };
}

/** The step paired with PyTorch: forward, loss = Σ out ⊙ G, backward; returns the loss. */
function lossStep(mha: MultiHeadAttention, X: Tensor, G: Tensor): number {
  mha.zeroGrad();
  const loss = sum(mul(mha.forward(X, X, X, undefined, { needWeights: false }), G));
  const value = loss.item();
  loss.backward();
  return value;
}

/** {@link lossStep} on this suite's module and data, in a `withArena` scope (bench profile). */
export function mhaTrainer(): () => number {
  const shape = [BATCH, L, HIDDENS];
  const mha = makeModule('float32');
  const X = tensor(fillValues(BATCH * L * HIDDENS, 31), { shape });
  const G = tensor(fillValues(BATCH * L * HIDDENS, 32), { shape });
  return () => withArena(() => lossStep(mha, X, G));
}

export async function mhaSuite(
  libs: Libraries,
  libraries: readonly LibraryName[],
  quick: boolean,
  log: (f: Figure) => void,
): Promise<Figure[]> {
  const n = BATCH * L * HIDDENS;
  const Xdata = fillValues(n, 31);
  const Gdata = fillValues(n, 32);
  const mha32 = makeModule('float32');
  const mha64 = makeModule('float64');
  mha64.loadStateDict(mha32.stateDict());
  const shape = [BATCH, L, HIDDENS];
  const ref = attnkitStep(
    mha64,
    tensor(Xdata, { shape, dtype: 'float64' }),
    tensor(Gdata, { shape, dtype: 'float64' }),
  );
  const weights = NAMES.map((name) => mha32[name].weight.toTypedArray() as Float32Array);

  const figures: Figure[] = [];
  for (const library of libraries.filter((l) => l !== 'attnkit-fused')) {
    if (library === 'ort-node' || library === 'ort-web') continue; // inference only: no autograd
    if (library === 'pytorch') continue; // the twin runs interleaved with attnkit below
    const prepare = async (): Promise<Task> => {
      if (library === 'attnkit') {
        const X = tensor(Xdata, { shape });
        const G = tensor(Gdata, { shape });
        let last: StepResult | null = null;
        return {
          run: () => {
            last = attnkitStep(mha32, X, G);
            return last.grads[0]!;
          },
          verify: () => compare(last!, ref),
        };
      }
      const tf = libs.tf!;
      await useBackend(tf, library === 'tfjs-cpu' ? 'cpu' : 'wasm');
      const { step, full, dispose } = tfjsStep(tf, weights, Xdata, Gdata);
      return {
        run: () => step().grads[0]!,
        verify: () => compare(full(), ref),
        dispose,
      };
    };
    const fig = await measureFigure(
      {
        suite: 'mha',
        case: `d_model=${HIDDENS} heads=${HEADS} L=${L} batch=${BATCH}`,
        params: { dModel: HIDDENS, heads: HEADS, L, batch: BATCH },
        library,
        threads: libs.threadCount,
      },
      prepare,
      quick ? { timer: { warmup: 1, budgetMs: 300, minRuns: 2, maxRuns: 3 } } : {},
    );
    figures.push(fig);
    log(fig);
  }
  const torch = libs.torch;
  if (torch !== null && libraries.includes('pytorch')) {
    const mha = makeModule('float32');
    mha.loadStateDict(mha32.stateDict());
    const X = tensor(Xdata, { shape });
    const G = tensor(Gdata, { shape });
    const step = (): number => lossStep(mha, X, G);
    const id = await torch.load(
      'mha',
      { hiddens: HIDDENS, heads: HEADS },
      {
        ...weightTensors(mha32.stateDict()),
        X: { data: Xdata, shape },
        G: { data: Gdata, shape },
      },
    );
    try {
      const paired = await interleave(
        step,
        { twins: torch, id, threads: libs.threadCount },
        quick ? { rounds: 2, steps: 2, warmup: 1 } : { rounds: 8, steps: 5, warmup: 3 },
      );
      // Σ out ⊙ G sums 262,144 products of order 1: compare to 1e-4 of the loss.
      const meta = {
        suite: 'mha' as const,
        case: `d_model=${HIDDENS} heads=${HEADS} L=${L} batch=${BATCH}`,
        params: { dModel: HIDDENS, heads: HEADS, L, batch: BATCH },
        threads: libs.threadCount,
      };
      for (const f of pairedFigures(meta, paired, lossChecks(paired, 1e-4))) {
        figures.push(f);
        log(f);
      }
      console.log(
        `mha       attnkit/PyTorch ×${libs.threadCount}: ${paired.ratio.toFixed(3)} (rounds ${spread(paired)})`,
      );
      // The same step in a withArena scope, as fit() runs a training step: its tensors' storage
      // comes back from the buffer pool instead of fresh (page-faulting) allocations and the GC.
      const arena = await interleave(
        () => withArena(step),
        { twins: torch, id, threads: libs.threadCount },
        quick ? { rounds: 2, steps: 2, warmup: 1 } : { rounds: 8, steps: 5, warmup: 3 },
      );
      const arenaMeta = { ...meta, case: `${meta.case} withArena` };
      for (const f of pairedFigures(arenaMeta, arena, lossChecks(arena, 1e-4), { withAttnkit: true })) {
        figures.push(f);
        log(f);
      }
      console.log(
        `mha       attnkit/PyTorch ×${libs.threadCount}, step in withArena: ${arena.ratio.toFixed(3)} (rounds ${spread(arena)})`,
      );
    } finally {
      await torch.drop(id);
    }
  }
  return figures;
}
