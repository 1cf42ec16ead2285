import { join } from 'node:path';
import { plot, showHeatmaps } from '@attnkit/plot';
import { saveSvg } from '@attnkit/plot/node';
import { NWKernelRegression, nadarayaWatson } from '@attnkit/scoring';
import {
  add,
  arange,
  checkOptions,
  full,
  Generator,
  mean,
  mul,
  noGrad,
  pow,
  rand,
  randn,
  reshape,
  sin,
  type Tensor,
  tensor,
} from '@attnkit/tensor';
import { fit, mseLoss, SGD } from '@attnkit/training';
import { requireFinite } from '../internal/finite.js';
import { type Io, writeLine } from '../io.js';

/** Options of {@link nw} (the `attnkit nw` flags). */
export interface NwOptions {
  /** Output directory of the figures. */
  out: string;
  /** Seed of the data (training inputs and noise) and of the initial `w`. */
  seed: number;
  /** Number of training points (D2L: 50). */
  trainPoints: number;
  /** SGD epochs of the parametric model (D2L: 5). */
  epochs: number;
  /** SGD learning rate (D2L: 0.5). */
  lr: number;
  /** Initial inverse bandwidth `w` of the parametric model (1: it starts as the non-parametric one). */
  initW: number;
}

export const NW_DEFAULTS = {
  out: join('runs', 'nw'),
  seed: 0,
  trainPoints: 50,
  epochs: 5,
  lr: 0.5,
  initW: 1,
} as const;

/** What {@link nw} returns. */
export interface NwReport {
  /** Mean squared error against the noise-free truth on the test inputs. */
  readonly mse: { readonly average: number; readonly nonParametric: number; readonly parametric: number };
  /** Training loss (sum of squared errors) of each parametric epoch, before its update. */
  readonly losses: readonly number[];
  /** The learned inverse bandwidth `w`. */
  readonly w: number;
  readonly files: readonly string[];
}

/** D2L's target function f(x) = 2 sin(x) + x^0.8. */
function f(x: Tensor): Tensor {
  return add(mul(sin(x), 2), pow(x, 0.8));
}

/**
 * `attnkit nw`: D2L §11.2 attention pooling on a 1-D regression problem: 50 training points
 * x ~ U(0, 5) sorted, y = 2 sin x + x^0.8 + ε with ε ~ N(0, 0.5²), and test inputs 0, 0.1, …, 4.9.
 * Compares average pooling, non-parametric Nadaraya–Watson (Gaussian kernel) and the parametric
 * version with a learned bandwidth (SGD from `initW`, each training point attending to the others), and writes
 * the prediction plots and attention-weight heatmaps as SVG.
 */
export async function nw(options: NwOptions, io: Io): Promise<NwReport> {
  checkOptions(
    'nw',
    options,
    { out: 'string', seed: 'number', trainPoints: 'number', epochs: 'number', lr: 'number', initW: 'number' },
    { required: true },
  );
  const rng = new Generator(options.seed);
  const n = options.trainPoints;
  const xTrain = tensor(Float32Array.from(mul(rand([n], { rng }), 5).toTypedArray()).sort(), {
    dtype: 'float32',
  });
  const yTrain = add(f(xTrain), mul(randn([n], { rng }), 0.5));
  const xTest = arange(0, 5, 0.1);
  const yTruth = f(xTest);
  const nTest = xTest.shape[0]!;
  writeLine(
    io.out,
    `Nadaraya–Watson attention pooling (D2L §11.2): ${n} training points x ~ U(0, 5), y = 2 sin x + x^0.8 + N(0, 0.5²); ${nTest} test inputs 0, 0.1, …, ${(0.1 * (nTest - 1)).toFixed(1)}`,
  );

  // Average pooling: every query gets the mean of the training targets.
  const yAverage = full([nTest], mean(yTrain).item());
  // Non-parametric: softmax(−(x − x_i)² / 2) weights.
  const nonParametric = nadarayaWatson(xTest, xTrain, yTrain);

  // Parametric: each training input is a query over the other n − 1 training points.
  const xs = xTrain.toTypedArray();
  const ys = yTrain.toTypedArray();
  const others = (values: ArrayLike<number>): Tensor => {
    const out = new Float32Array(n * (n - 1));
    let k = 0;
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) if (j !== i) out[k++] = values[j]!;
    return tensor(out, { shape: [n, n - 1] });
  };
  const keys = others(xs);
  const values = others(ys);
  // D2L draws w ~ U(0, 1); the gradient in w is proportional to w, so a draw near 0 barely moves.
  // Starting at w = 1 (the non-parametric kernel) makes the run independent of that draw.
  const net = new NWKernelRegression({ w: options.initW });
  const { lossHistory } = await fit({
    model: net,
    optimizer: new SGD(net.parameters(), { lr: options.lr }),
    data: () => null,
    steps: options.epochs,
    lossFn: (m) => mseLoss(m.forward(xTrain, keys, values), yTrain, { reduction: 'sum' }),
    callbacks: {
      onStep: ({ step, loss }) => writeLine(io.out, `parametric: epoch ${step}, loss ${loss.toFixed(3)}`),
    },
  });
  const w = net.w.item();
  const yParametric = noGrad(() => net.forward(xTest, xTrain, yTrain));
  const parametricWeights = net.attentionWeights as Tensor;

  const mse = {
    average: mseLoss(yAverage, yTruth).item(),
    nonParametric: mseLoss(nonParametric.output, yTruth).item(),
    parametric: mseLoss(yParametric, yTruth).item(),
  };
  requireFinite('nw', {
    'learned w': w,
    'mean squared error': Object.values(mse),
    'training loss': lossHistory,
  });
  writeLine(io.out, `learned w = ${w.toFixed(3)} (the Gaussian's width is 1/w = ${(1 / w).toFixed(3)})`);
  writeLine(io.out, 'mean squared error against the truth on the test inputs:');
  writeLine(io.out, `  average pooling              ${mse.average.toFixed(4)}`);
  writeLine(io.out, `  non-parametric (Gaussian)    ${mse.nonParametric.toFixed(4)}`);
  writeLine(io.out, `  parametric (learned w)       ${mse.parametric.toFixed(4)}`);

  // D2L §11.2: d2l.plot(x_val, [y_val, y_hat], 'x', 'y', legend=['Truth', 'Pred'], xlim=[0, 5],
  // ylim=[-1, 5]) plus the training data as points, and show_heatmaps of the weights.
  const prediction = (title: string, yHat: Tensor): Promise<string> =>
    plot([xTest, xTest, xTrain], [yTruth, yHat, yTrain], {
      title,
      xlabel: 'x',
      ylabel: 'y',
      legend: ['Truth', 'Pred', 'training data'],
      fmts: ['-', 'm--', 'o'],
      xlim: [0, 5],
      ylim: [-1, 5],
      figsize: [5, 3.5],
    });
  const weights = (title: string, a: Tensor): Promise<string> =>
    showHeatmaps(reshape(a, [1, 1, a.shape[0]!, a.shape[1]!]), {
      title,
      xlabel: 'Sorted training inputs',
      ylabel: 'Sorted testing inputs',
      figsize: [4.5, 4.5],
    });
  const dir = options.out;
  const files = [
    await saveSvg(join(dir, 'nw-average.svg'), await prediction('Average pooling', yAverage)),
    await saveSvg(
      join(dir, 'nw-nonparametric.svg'),
      await prediction('Non-parametric Nadaraya–Watson', nonParametric.output),
    ),
    await saveSvg(
      join(dir, 'nw-parametric.svg'),
      await prediction(`Parametric Nadaraya–Watson (w = ${w.toFixed(2)})`, yParametric),
    ),
    await saveSvg(
      join(dir, 'nw-nonparametric-weights.svg'),
      await weights('Non-parametric attention weights', nonParametric.attentionWeights),
    ),
    await saveSvg(
      join(dir, 'nw-parametric-weights.svg'),
      await weights('Parametric attention weights', parametricWeights),
    ),
    await saveSvg(
      join(dir, 'nw-loss.svg'),
      await plot(
        lossHistory.map((_, i) => i + 1),
        lossHistory,
        {
          title: 'Parametric Nadaraya–Watson: training loss',
          xlabel: 'epoch',
          ylabel: 'sum of squared errors',
          fmts: ['-o'],
        },
      ),
    ),
  ];
  writeLine(io.out, 'figures:');
  for (const file of files) writeLine(io.out, `  ${file}`);
  return { mse, losses: lossHistory, w, files };
}
