// PyTorch fixtures from tools/golden/transformer.py (keys in FIXTURES.md): D2L §11.7
// PositionWiseFFN, LayerNorm, AddNorm and the encoder and decoder blocks with loaded weights,
// outputs and gradients, compared with atol 1e-5 / rtol 1e-4.
import { readFileSync } from 'node:fs';
import { LayerNorm } from '@attnkit/layers';
import { ones, type Tensor } from '@attnkit/tensor';
import { describe, expect, it } from 'vitest';
import {
  AddNorm,
  PositionWiseFFN,
  TransformerDecoderBlock,
  type TransformerDecoderState,
  TransformerEncoderBlock,
} from '../src/index.js';
import { type Fixed, load } from './helpers.js';

type StateDict = Record<string, Fixed>;
interface DecoderCase {
  X: Fixed;
  state: { encOutputs: Fixed; encValidLens: Fixed; keyValues: (Fixed | null)[] };
  output: Fixed;
  newKeyValues: Fixed;
  R?: Fixed;
  grads?: { X: Fixed; encOutputs: Fixed };
}
interface Fixture {
  positionWiseFFN: {
    ffnNumHiddens: number;
    ffnNumOutputs: number;
    stateDict: StateDict;
    X: Fixed;
    output: Fixed;
    onesOutput: Fixed;
  };
  layerNorm: { normalizedShape: number; eps: number; X: Fixed; output: Fixed };
  addNorm: {
    normShape: number;
    dropout: number;
    eps: number;
    stateDict: StateDict;
    X: Fixed;
    Y: Fixed;
    output: Fixed;
    R: Fixed;
    grads: Record<'X' | 'Y' | 'ln.weight' | 'ln.bias', Fixed>;
  };
  encoderBlock: {
    numHiddens: number;
    ffnNumHiddens: number;
    numHeads: number;
    dropout: number;
    stateDict: StateDict;
    X: Fixed;
    validLens: Fixed;
    output: Fixed;
    R: Fixed;
    grads: { X: Fixed };
  };
  decoderBlock: {
    numHiddens: number;
    ffnNumHiddens: number;
    numHeads: number;
    dropout: number;
    i: number;
    stateDict: StateDict;
    training: DecoderCase;
    predictionStep: DecoderCase;
  };
}

const fixture = JSON.parse(
  readFileSync(new URL('./fixtures/transformer.json', import.meta.url), 'utf8'),
) as Fixture;

const tensors = (dict: StateDict): Record<string, Tensor> =>
  Object.fromEntries(Object.entries(dict).map(([k, v]) => [k, load(v)]));

/** Every |actual − expected| ≤ atol + rtol·|expected|, and the shapes agree. */
function expectAllClose(actual: Tensor | null, expected: Fixed, atol = 1e-5, rtol = 1e-4): void {
  expect(actual).not.toBeNull();
  const t = actual as Tensor;
  expect(t.shape).toEqual(expected.shape);
  const a = t.toTypedArray();
  expected.data.forEach((e, i) => {
    const diff = Math.abs(a[i]! - e);
    if (!(diff <= atol + rtol * Math.abs(e))) {
      throw new Error(`index ${i}: got ${a[i]}, PyTorch ${e} (diff ${diff}).`);
    }
  });
}

function decoderBlock(): TransformerDecoderBlock {
  const c = fixture.decoderBlock;
  const block = new TransformerDecoderBlock({
    numHiddens: c.numHiddens,
    ffnNumHiddens: c.ffnNumHiddens,
    numHeads: c.numHeads,
    dropout: c.dropout,
    i: c.i,
  });
  block.loadStateDict(tensors(c.stateDict));
  return block;
}

describe('PositionWiseFFN (PyTorch golden)', () => {
  const c = fixture.positionWiseFFN;
  const ffn = new PositionWiseFFN({ ffnNumHiddens: c.ffnNumHiddens, ffnNumOutputs: c.ffnNumOutputs });
  ffn.loadStateDict(tensors(c.stateDict));
  ffn.eval();

  it('matches D2L PositionWiseFFN(4, 8) on random X and on D2L ones((2, 3, 4))', () => {
    expectAllClose(ffn.forward(load(c.X)), c.output);
    expectAllClose(ffn.forward(ones([2, 3, 4])), c.onesOutput);
  });

  it('has exactly the PyTorch state-dict keys and shapes', () => {
    const ours = Object.entries(ffn.stateDict()).map(([k, v]) => [k, v.shape]);
    expect(ours).toEqual(Object.entries(c.stateDict).map(([k, v]) => [k, v.shape]));
  });
});

describe('LayerNorm (PyTorch golden, D2L §11.7.2)', () => {
  it('normalises D2L [[1, 2], [2, 3]] to ±0.99998', () => {
    const c = fixture.layerNorm;
    const ln = new LayerNorm({ normalizedShape: c.normalizedShape, eps: c.eps });
    expectAllClose(ln.forward(load(c.X)), c.output);
  });
});

describe('AddNorm (PyTorch golden)', () => {
  it('matches D2L AddNorm(4, 0.5) in eval mode and its gradients', () => {
    const c = fixture.addNorm;
    const addNorm = new AddNorm({ normShape: c.normShape, dropout: c.dropout, eps: c.eps });
    addNorm.loadStateDict(tensors(c.stateDict));
    addNorm.eval();
    expect(Object.keys(addNorm.stateDict())).toEqual(Object.keys(c.stateDict));
    const X = load(c.X, true);
    const Y = load(c.Y, true);
    const out = addNorm.forward(X, Y);
    expectAllClose(out, c.output);
    out.backward(load(c.R));
    expectAllClose(X.grad, c.grads.X);
    expectAllClose(Y.grad, c.grads.Y);
    expectAllClose(addNorm.ln.weight?.grad ?? null, c.grads['ln.weight']);
    expectAllClose(addNorm.ln.bias?.grad ?? null, c.grads['ln.bias']);
  });
});

describe('TransformerEncoderBlock (PyTorch golden)', () => {
  const c = fixture.encoderBlock;
  const block = new TransformerEncoderBlock({
    numHiddens: c.numHiddens,
    ffnNumHiddens: c.ffnNumHiddens,
    numHeads: c.numHeads,
    dropout: c.dropout,
  });

  it('has exactly the PyTorch state-dict keys, in order, with their shapes', () => {
    const ours = Object.entries(block.stateDict()).map(([k, v]) => [k, v.shape]);
    expect(ours).toEqual(Object.entries(c.stateDict).map(([k, v]) => [k, v.shape]));
  });

  it('matches D2L TransformerEncoderBlock(24, 48, 8) with loaded weights, and d/dX', () => {
    block.loadStateDict(tensors(c.stateDict));
    block.eval();
    const X = load(c.X, true);
    const out = block.forward(X, load(c.validLens));
    expectAllClose(out, c.output);
    out.backward(load(c.R));
    expectAllClose(X.grad, c.grads.X);
  });
});

describe('TransformerDecoderBlock (PyTorch golden)', () => {
  it('has exactly the PyTorch state-dict keys, in order, with their shapes', () => {
    const ours = Object.entries(decoderBlock().stateDict()).map(([k, v]) => [k, v.shape]);
    expect(ours).toEqual(Object.entries(fixture.decoderBlock.stateDict).map(([k, v]) => [k, v.shape]));
  });

  it('matches D2L in training mode (causal dec_valid_lens), with d/dX and d/dencOutputs', () => {
    const c = fixture.decoderBlock.training;
    const block = decoderBlock().train();
    const X = load(c.X, true);
    const encOutputs = load(c.state.encOutputs, true);
    const state: TransformerDecoderState = {
      encOutputs,
      encValidLens: load(c.state.encValidLens),
      keyValues: [null],
    };
    const [out, newState] = block.forward(X, state);
    expectAllClose(out, c.output);
    expect(newState).toBe(state);
    expectAllClose(state.keyValues[0] ?? null, c.newKeyValues);
    out.backward(load(c.R!));
    expectAllClose(X.grad, c.grads!.X);
    expectAllClose(encOutputs.grad, c.grads!.encOutputs);
  });

  it('matches D2L for one prediction step in eval mode with cached inputs', () => {
    const c = fixture.decoderBlock.predictionStep;
    const block = decoderBlock().eval();
    const state: TransformerDecoderState = {
      encOutputs: load(c.state.encOutputs),
      encValidLens: load(c.state.encValidLens),
      keyValues: c.state.keyValues.map((kv) => (kv === null ? null : load(kv))),
    };
    const [out] = block.forward(load(c.X), state);
    expectAllClose(out, c.output);
    expectAllClose(state.keyValues[0] ?? null, c.newKeyValues);
  });
});
