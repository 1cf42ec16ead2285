// PyTorch fixtures from tools/golden/multihead.py (keys in FIXTURES.md): D2L MultiHeadAttention
// with loaded state dicts (outputs, attention weights and gradients) and the two transposes,
// compared with atol 1e-5 / rtol 1e-4.
import { readFileSync } from 'node:fs';
import { type DType, ones, type Tensor, tensor } from '@attnkit/tensor';
import { expectClose } from '@attnkit/testing';
import { describe, expect, it } from 'vitest';
import { MultiHeadAttention, transposeOutput, transposeQKV } from '../src/index.js';

interface Fixed {
  shape: number[];
  dtype: DType;
  data: number[];
}
type StateDict = Record<'W_q.weight' | 'W_k.weight' | 'W_v.weight' | 'W_o.weight', Fixed>;
interface D2LCase {
  queries?: Fixed;
  keys?: Fixed;
  validLens: Fixed;
  output: Fixed;
  attentionWeights: Fixed;
}
interface SmallCase {
  queries: Fixed;
  keys: Fixed;
  values?: Fixed;
  validLens: Fixed | null;
  output: Fixed;
  attentionWeights: Fixed;
  R: Fixed;
  grads: Record<string, Fixed>;
}
interface Fixture {
  d2l: {
    numHiddens: number;
    numHeads: number;
    dropout: number;
    stateDict: StateDict;
    random: D2LCase;
    ones: D2LCase;
  };
  small: {
    numHiddens: number;
    numHeads: number;
    dropout: number;
    stateDict: StateDict;
    selfKeysValues: SmallCase;
    validLens2d: SmallCase;
    noValidLens: SmallCase;
  };
  transposes: { numHeads: number; X: Fixed; transposeQKV: Fixed; transposeOutput: Fixed };
}

const fixture = JSON.parse(
  readFileSync(new URL('./fixtures/multihead.json', import.meta.url), 'utf8'),
) as Fixture;

const load = (f: Fixed, requiresGrad = false): Tensor =>
  tensor(f.data, { shape: f.shape, dtype: f.dtype, requiresGrad });

const close = (actual: Tensor | null, expected: Fixed): void => {
  expect(actual).not.toBeNull();
  expectClose(actual as Tensor, load(expected), { atol: 1e-5, rtol: 1e-4 });
};

/** D2L's module in eval mode (dropout off) with the fixture's weights, created lazily as in D2L. */
function d2lModule(config: { numHiddens: number; numHeads: number; dropout: number; stateDict: StateDict }) {
  const attention = new MultiHeadAttention({
    numHiddens: config.numHiddens,
    numHeads: config.numHeads,
    dropout: config.dropout,
  });
  const state = Object.fromEntries(Object.entries(config.stateDict).map(([k, v]) => [k, load(v)]));
  attention.loadStateDict(state);
  return attention.eval();
}

describe('MultiHeadAttention (PyTorch golden)', () => {
  it("matches D2L's example MultiHeadAttention(100, 5, 0.5) on random X (2, 4, 100) and Y (2, 6, 100)", () => {
    const c = fixture.d2l.random;
    const attention = d2lModule(fixture.d2l);
    const Y = load(c.keys as Fixed);
    const out = attention.forward(load(c.queries as Fixed), Y, Y, load(c.validLens));
    expect(out.shape).toEqual([2, 4, 100]);
    close(out, c.output);
    close(attention.attentionWeights, c.attentionWeights);
  });

  it("matches D2L's literal inputs ones(2, 4, 100), ones(2, 6, 100) with validLens [3, 2]", () => {
    const c = fixture.d2l.ones;
    const attention = d2lModule(fixture.d2l);
    const Y = ones([2, 6, 100]);
    close(attention.forward(ones([2, 4, 100]), Y, Y, load(c.validLens)), c.output);
    close(attention.attentionWeights, c.attentionWeights);
  });

  it.each(['selfKeysValues', 'validLens2d', 'noValidLens'] as const)(
    'matches PyTorch outputs, weights and gradients w.r.t. inputs and every weight: %s',
    (name) => {
      const c = fixture.small[name];
      const attention = d2lModule(fixture.small);
      const queries = load(c.queries, true);
      const keys = load(c.keys, true);
      const values = c.values === undefined ? keys : load(c.values, true);
      const validLens = c.validLens === null ? undefined : load(c.validLens);
      const out = attention.forward(queries, keys, values, validLens);
      close(out, c.output);
      close(attention.attentionWeights, c.attentionWeights);
      out.backward(load(c.R));
      close(queries.grad, c.grads.queries as Fixed);
      close(keys.grad, c.grads.keys as Fixed); // through both paths when values are the keys
      if (c.values !== undefined) close(values.grad, c.grads.values as Fixed);
      const params = Object.fromEntries(attention.namedParameters());
      for (const key of ['W_q.weight', 'W_k.weight', 'W_v.weight', 'W_o.weight']) {
        close(params[key]?.grad ?? null, c.grads[key] as Fixed);
      }
    },
  );
});

describe('transposeQKV and transposeOutput (PyTorch golden)', () => {
  it("match D2L's transpose_qkv and transpose_output on arange(48).reshape(2, 3, 8)", () => {
    const { numHeads, X, transposeQKV: qkv, transposeOutput: output } = fixture.transposes;
    const folded = transposeQKV(load(X), numHeads);
    expect(folded.shape).toEqual(qkv.shape);
    expect(Array.from(folded.toTypedArray())).toEqual(qkv.data);
    const back = transposeOutput(folded, numHeads);
    expect(back.shape).toEqual(output.shape);
    expect(Array.from(back.toTypedArray())).toEqual(output.data);
  });
});
