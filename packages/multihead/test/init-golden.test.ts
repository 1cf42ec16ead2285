// Golden test: D2L's MultiHeadAttention (§11.5) created right after torch.manual_seed(0) and
// attnkit's created right after manualSeed(0) hold the same weights and give the same output.
// The fixture comes from tools/golden/rng.py (regenerate with `/usr/bin/python3 tools/golden/rng.py`).
import { readFileSync } from 'node:fs';
import { manualSeed, tensor } from '@attnkit/tensor';
import { expectClose } from '@attnkit/testing';
import { describe, expect, it } from 'vitest';
import { MultiHeadAttention } from '../src/index.js';

interface FixtureTensor {
  shape: number[];
  dtype: 'float32' | 'int32';
  data: number[];
}

const fixture = JSON.parse(readFileSync(new URL('./fixtures/init.json', import.meta.url), 'utf8')) as {
  numHiddens: number;
  numHeads: number;
  queries: FixtureTensor;
  keys: FixtureTensor;
  validLens: FixtureTensor;
  state: Record<string, FixtureTensor>;
  output: FixtureTensor;
};

const load = (t: FixtureTensor) => tensor(t.data, { shape: t.shape, dtype: t.dtype });

describe('MultiHeadAttention initialisation against PyTorch', () => {
  it("starts from D2L's weights after manualSeed(0) and gives its output", () => {
    manualSeed(0);
    const { numHiddens, numHeads } = fixture;
    const attention = new MultiHeadAttention({
      numHiddens,
      numHeads,
      dropout: 0.5,
      querySize: numHiddens,
      keySize: numHiddens,
      valueSize: numHiddens,
    });
    attention.eval();
    const state = attention.stateDict();
    expect(Object.keys(state).sort()).toEqual(Object.keys(fixture.state).sort());
    for (const [name, t] of Object.entries(fixture.state)) {
      expect(Array.from(state[name]!.toTypedArray()), name).toEqual(Array.from(new Float32Array(t.data)));
    }
    const keys = load(fixture.keys);
    const out = attention.forward(load(fixture.queries), keys, keys, load(fixture.validLens));
    expectClose(out, load(fixture.output), { atol: 1e-6, rtol: 1e-5 });
  });
});
