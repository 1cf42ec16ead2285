// PyTorch fixtures from tools/golden/scoring.py (keys in FIXTURES.md): D2L's DotProductAttention
// and AdditiveAttention examples (§11.3) with outputs, weights and gradients, and D2L's
// Nadaraya–Watson regression (§11.2), compared with atol 1e-5 / rtol 1e-4.
import { readFileSync } from 'node:fs';
import { paddingMask } from '@attnkit/masking';
import {
  broadcastTo,
  type DType,
  mean,
  mul,
  noGrad,
  square,
  sub,
  sum,
  type Tensor,
  tensor,
} from '@attnkit/tensor';
import { expectClose } from '@attnkit/testing';
import { describe, expect, it } from 'vitest';
import {
  AdditiveAttention,
  DotProductAttention,
  NWKernelRegression,
  nadarayaWatson,
  scaledDotProductAttention,
} from '../src/index.js';

interface Fixed {
  shape: number[];
  dtype: DType;
  data: number[];
}
interface AttentionCase {
  queries: Fixed;
  keys: Fixed;
  values: Fixed;
  validLens: Fixed | null;
  output: Fixed;
  attentionWeights: Fixed;
  R: Fixed;
  grads: Record<string, Fixed>;
}
interface Fixture {
  dotProductAttention: AttentionCase & { dropout: number };
  dotProductAttentionUnmasked: AttentionCase;
  additiveAttention: AttentionCase & {
    numHiddens: number;
    dropout: number;
    stateDict: Record<string, Fixed>;
  };
  nadarayaWatson: {
    xTrain: Fixed;
    yTrain: Fixed;
    xTest: Fixed;
    averagePooling: { yHat: Fixed };
    nonparametric: { attentionWeights: Fixed; yHat: Fixed };
    parametric: {
      w0: number;
      lr: number;
      epochs: number;
      trainKeys: Fixed;
      trainValues: Fixed;
      history: { loss: number[]; wGrad: number[]; w: number[] };
      wFinal: number;
      attentionWeights: Fixed;
      yHat: Fixed;
    };
  };
}

const fixture = JSON.parse(
  readFileSync(new URL('./fixtures/scoring.json', import.meta.url), 'utf8'),
) as Fixture;

const load = (f: Fixed, requiresGrad = false): Tensor =>
  tensor(f.data, { shape: f.shape, dtype: f.dtype, requiresGrad });

const TOL = { atol: 1e-5, rtol: 1e-4 };
const close = (actual: Tensor | null, expected: Fixed): void => {
  expect(actual).not.toBeNull();
  expectClose(actual as Tensor, load(expected), TOL);
};

/** Leaves for queries, keys and values of a case. */
const inputs = (c: AttentionCase): [Tensor, Tensor, Tensor] => [
  load(c.queries, true),
  load(c.keys, true),
  load(c.values, true),
];

describe('DotProductAttention (PyTorch golden)', () => {
  it.each([
    ['with validLens [2, 6]', 'dotProductAttention'],
    ['without validLens', 'dotProductAttentionUnmasked'],
  ] as const)('matches D2L DotProductAttention, its weights and gradients %s', (_, key) => {
    const c = fixture[key];
    const attention = new DotProductAttention({ dropout: fixture.dotProductAttention.dropout }).eval();
    const [q, k, v] = inputs(c);
    const out = attention.forward(q, k, v, c.validLens === null ? undefined : load(c.validLens));
    close(out, c.output);
    close(attention.attentionWeights, c.attentionWeights);
    out.backward(load(c.R));
    close(q.grad, c.grads.queries!);
    close(k.grad, c.grads.keys!);
    close(v.grad, c.grads.values!);
  });
});

describe('scaledDotProductAttention (PyTorch golden)', () => {
  it.each([
    ['validLens', 'dotProductAttention'],
    ['no mask', 'dotProductAttentionUnmasked'],
  ] as const)('reproduces D2L DotProductAttention with %s, and its gradients', (_, key) => {
    const c = fixture[key];
    const [q, k, v] = inputs(c);
    const { output, attentionWeights } = scaledDotProductAttention(
      q,
      k,
      v,
      c.validLens === null ? {} : { validLens: load(c.validLens) },
    );
    close(output, c.output);
    close(attentionWeights, c.attentionWeights);
    output.backward(load(c.R));
    close(q.grad, c.grads.queries!);
    close(k.grad, c.grads.keys!);
    close(v.grad, c.grads.values!);
  });

  it('reproduces D2L DotProductAttention with the equivalent paddingMask', () => {
    const c = fixture.dotProductAttention;
    const mask = paddingMask(load(c.validLens as Fixed), c.keys.shape[1]!);
    const { output, attentionWeights } = scaledDotProductAttention(
      load(c.queries),
      load(c.keys),
      load(c.values),
      {
        mask,
      },
    );
    close(output, c.output);
    close(attentionWeights, c.attentionWeights);
  });
});

describe('AdditiveAttention (PyTorch golden)', () => {
  const c = fixture.additiveAttention;

  it.each([
    ['given sizes', { keySize: 2, querySize: 20 }],
    ['lazy sizes', {}],
  ] as const)('matches D2L AdditiveAttention from its state dict (%s), with weight gradients', (_, sizes) => {
    const attention = new AdditiveAttention({
      numHiddens: c.numHiddens,
      dropout: c.dropout,
      ...sizes,
    }).eval();
    attention.loadStateDict(
      Object.fromEntries(Object.entries(c.stateDict).map(([name, f]) => [name, load(f)])),
    );
    expect(Object.keys(attention.stateDict())).toEqual(['W_k.weight', 'W_q.weight', 'w_v.weight']);
    const [q, k, v] = inputs(c);
    const out = attention.forward(q, k, v, load(c.validLens as Fixed));
    close(out, c.output);
    close(attention.attentionWeights, c.attentionWeights);
    out.backward(load(c.R));
    close(q.grad, c.grads.queries!);
    close(k.grad, c.grads.keys!);
    close(v.grad, c.grads.values!);
    close(attention.W_k.weight.grad, c.grads['W_k.weight']!);
    close(attention.W_q.weight.grad, c.grads['W_q.weight']!);
    close(attention.w_v.weight.grad, c.grads['w_v.weight']!);
  });
});

describe('nadarayaWatson (D2L §11.2 golden)', () => {
  const nw = fixture.nadarayaWatson;

  it('gives D2L average pooling with the constant kernel', () => {
    const { output, attentionWeights } = nadarayaWatson(load(nw.xTest), load(nw.xTrain), load(nw.yTrain), {
      kernel: 'constant',
    });
    close(output, nw.averagePooling.yHat);
    expectClose(attentionWeights, broadcastTo(tensor(1 / 50), [50, 50]), TOL);
  });

  it("gives D2L's nonparametric Gaussian attention weights and predictions", () => {
    const { output, attentionWeights } = nadarayaWatson(load(nw.xTest), load(nw.xTrain), load(nw.yTrain));
    close(attentionWeights, nw.nonparametric.attentionWeights);
    close(output, nw.nonparametric.yHat);
  });
});

describe('NWKernelRegression (D2L §11.2 golden)', () => {
  const nw = fixture.nadarayaWatson;
  const p = nw.parametric;

  it('trains like D2L: SGD lr 0.5, 5 epochs, summed squared loss; the loss history matches and falls', () => {
    const net = new NWKernelRegression({ w: p.w0 });
    const xTrain = load(nw.xTrain);
    const yTrain = load(nw.yTrain);
    const keys = load(p.trainKeys);
    const values = load(p.trainValues);
    const losses: number[] = [];
    const grads: number[] = [];
    const ws: number[] = [];
    for (let epoch = 0; epoch < p.epochs; epoch++) {
      net.zeroGrad();
      const l = sum(square(sub(net.forward(xTrain, keys, values), yTrain))); // MSELoss('none').sum()
      l.backward();
      const grad = net.w.grad as Tensor;
      // Plain SGD, w <- w - lr * grad (the training package does not exist yet).
      noGrad(() => net.loadStateDict({ w: sub(net.w, mul(grad, p.lr)) }));
      losses.push(l.item());
      grads.push(grad.item());
      ws.push(net.w.item());
    }
    expectClose(losses, p.history.loss, TOL);
    expectClose(grads, p.history.wGrad, TOL);
    expectClose(ws, p.history.w, TOL);
    for (let e = 1; e < losses.length; e++) expect(losses[e]).toBeLessThan(losses[e - 1]!);
  });

  it('predicts with the trained w like D2L, with per-query keys or shared keys', () => {
    const net = new NWKernelRegression({ w: p.wFinal });
    const xTrain = load(nw.xTrain);
    const yTrain = load(nw.yTrain);
    const n = nw.xTest.shape[0]!;
    // D2L: keys = x_train.repeat((n_test, 1)), values = y_train.repeat((n_test, 1)).
    const yHat = net.forward(load(nw.xTest), broadcastTo(xTrain, [n, 50]), broadcastTo(yTrain, [n, 50]));
    close(yHat, p.yHat);
    close(net.attentionWeights, p.attentionWeights);
    close(net.forward(load(nw.xTest), xTrain, yTrain), p.yHat);
    // Sanity: the trained model fits the training targets better than their mean does.
    const fit = mean(square(sub(net.forward(xTrain, load(p.trainKeys), load(p.trainValues)), yTrain))).item();
    const baseline = mean(square(sub(yTrain, mean(yTrain)))).item();
    expect(fit).toBeLessThan(baseline);
  });
});
