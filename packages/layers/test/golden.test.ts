// PyTorch fixtures from tools/golden/gru.py (keys in FIXTURES.md): nn.GRU (multi-layer, h0,
// batch_first, no bias) and nn.GRUCell with outputs, states and gradients of every input and
// parameter, compared with atol 1e-5 / rtol 1e-4 (float32).
import { readFileSync } from 'node:fs';
import { add, type DType, mul, sum, type Tensor, tensor } from '@attnkit/tensor';
import { expectClose } from '@attnkit/testing';
import { describe, expect, it } from 'vitest';
import { GRU, GRUCell } from '../src/index.js';

interface Fixed {
  shape: number[];
  dtype: DType;
  data: number[];
}
interface GRUCase {
  options: { inputSize: number; hiddenSize: number; numLayers: number; batchFirst: boolean; bias: boolean };
  stateDict: Record<string, Fixed>;
  stateKeys: string[];
  inputs: Fixed;
  h0: Fixed | null;
  outputs: Fixed;
  state: Fixed;
  R_outputs: Fixed;
  R_state: Fixed;
  grads: Record<string, Fixed>;
}
interface CellCase {
  options: { inputSize: number; hiddenSize: number };
  stateDict: Record<string, Fixed>;
  stateKeys: string[];
  x: Fixed;
  h: Fixed;
  output: Fixed;
  R: Fixed;
  grads: Record<string, Fixed>;
}
interface Fixture {
  twoLayers: GRUCase;
  batchFirstNoBias: GRUCase;
  threeLayersLong: GRUCase;
  cell: CellCase;
}

const fixture = JSON.parse(readFileSync(new URL('./fixtures/gru.json', import.meta.url), 'utf8')) as Fixture;
const t = (f: Fixed, requiresGrad = false): Tensor =>
  tensor(f.data, { shape: f.shape, dtype: f.dtype, requiresGrad });
const close = { atol: 1e-5, rtol: 1e-4 };

describe('GRU (golden, PyTorch nn.GRU)', () => {
  for (const name of ['twoLayers', 'batchFirstNoBias', 'threeLayersLong'] as const) {
    const c = fixture[name];
    it(`${name}: has PyTorch's state-dict keys and matches outputs, state and gradients`, () => {
      const gru = new GRU(c.options);
      expect(Object.keys(gru.stateDict())).toEqual(c.stateKeys);
      gru.loadStateDict(Object.fromEntries(Object.entries(c.stateDict).map(([k, v]) => [k, t(v)])));
      const x = t(c.inputs, true);
      const h0 = c.h0 === null ? undefined : t(c.h0, true);
      const [outputs, state] = gru.forward(x, h0);
      expectClose(outputs, t(c.outputs), close);
      expectClose(state, t(c.state), close);
      add(sum(mul(outputs, t(c.R_outputs))), sum(mul(state, t(c.R_state)))).backward();
      expectClose(x.grad!, t(c.grads.inputs!), close);
      if (h0 !== undefined) expectClose(h0.grad!, t(c.grads.h0!), close);
      for (const [key, p] of gru.namedParameters()) expectClose(p.grad!, t(c.grads[`params.${key}`]!), close);
    });
  }
});

describe('GRUCell (golden, PyTorch nn.GRUCell)', () => {
  it("has PyTorch's state-dict keys and matches the step and its gradients", () => {
    const c = fixture.cell;
    const cell = new GRUCell(c.options);
    expect(Object.keys(cell.stateDict())).toEqual(c.stateKeys);
    cell.loadStateDict(Object.fromEntries(Object.entries(c.stateDict).map(([k, v]) => [k, t(v)])));
    const x = t(c.x, true);
    const h = t(c.h, true);
    const out = cell.forward(x, h);
    expectClose(out, t(c.output), close);
    sum(mul(out, t(c.R))).backward();
    expectClose(x.grad!, t(c.grads.x!), close);
    expectClose(h.grad!, t(c.grads.h!), close);
    for (const [key, p] of cell.namedParameters()) expectClose(p.grad!, t(c.grads[`params.${key}`]!), close);
  });
});
