// PyTorch fixtures from tools/golden/transformer.py (keys in FIXTURES.md): D2L §11.7
// PositionWiseFFN, LayerNorm, AddNorm and the encoder and decoder blocks with loaded weights,
// outputs and gradients, compared with atol 1e-5 / rtol 1e-4.
import { readFileSync } from 'node:fs';
import { LayerNorm } from '@attnkit/layers';
import { ones, type Tensor, tensor } from '@attnkit/tensor';
import { expectClose } from '@attnkit/testing';
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

/** A fixture's PyTorch values as float64, so the comparison sees them unrounded. */
const expected = (f: Fixed): Tensor => tensor(f.data, { shape: f.shape, dtype: 'float64' });

/** Float32 tolerances against PyTorch: |actual − expected| ≤ 1e-5 + 1e-4·|expected|. */
const pytorch = { atol: 1e-5, rtol: 1e-4 };

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
    expectClose(ffn.forward(load(c.X)), expected(c.output), pytorch);
    expectClose(ffn.forward(ones([2, 3, 4])), expected(c.onesOutput), pytorch);
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
    expectClose(ln.forward(load(c.X)), expected(c.output), pytorch);
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
    expectClose(out, expected(c.output), pytorch);
    out.backward(load(c.R));
    expectClose(X.grad!, expected(c.grads.X), pytorch);
    expectClose(Y.grad!, expected(c.grads.Y), pytorch);
    expectClose(addNorm.ln.weight!.grad!, expected(c.grads['ln.weight']), pytorch);
    expectClose(addNorm.ln.bias!.grad!, expected(c.grads['ln.bias']), pytorch);
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
    expectClose(out, expected(c.output), pytorch);
    out.backward(load(c.R));
    expectClose(X.grad!, expected(c.grads.X), pytorch);
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
    expectClose(out, expected(c.output), pytorch);
    expect(newState).toBe(state);
    expectClose(state.keyValues[0]!, expected(c.newKeyValues), pytorch);
    out.backward(load(c.R!));
    expectClose(X.grad!, expected(c.grads!.X), pytorch);
    expectClose(encOutputs.grad!, expected(c.grads!.encOutputs), pytorch);
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
    expectClose(out, expected(c.output), pytorch);
    expectClose(state.keyValues[0]!, expected(c.newKeyValues), pytorch);
  });
});
