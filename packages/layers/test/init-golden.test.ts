// Golden test: modules created right after manualSeed(seed) start from nn.Linear's and
// nn.Embedding's initial weights for torch.manual_seed(seed). The fixture comes from
// tools/golden/rng.py (regenerate with `/usr/bin/python3 tools/golden/rng.py`).
import { readFileSync } from 'node:fs';
import { Generator, manualSeed } from '@attnkit/tensor';
import { describe, expect, it } from 'vitest';
import { Embedding, Linear } from '../src/index.js';

interface FixtureTensor {
  shape: number[];
  data: number[];
}

interface InitCase {
  seed: number;
  module: 'Linear' | 'Embedding';
  inFeatures?: number;
  outFeatures?: number;
  bias?: boolean;
  numEmbeddings?: number;
  embeddingDim?: number;
  state: Record<string, FixtureTensor>;
}

const fixture = JSON.parse(readFileSync(new URL('./fixtures/init.json', import.meta.url), 'utf8')) as {
  cases: InitCase[];
};

function stateOf(m: {
  stateDict(): Record<string, { shape: readonly number[]; toTypedArray(): ArrayLike<number> }>;
}) {
  return Object.fromEntries(
    Object.entries(m.stateDict()).map(([k, t]) => [
      k,
      { shape: [...t.shape], data: Array.from(t.toTypedArray()) },
    ]),
  );
}

function expected(state: Record<string, FixtureTensor>) {
  return Object.fromEntries(
    Object.entries(state).map(([k, t]) => [
      k,
      { shape: t.shape, data: Array.from(new Float32Array(t.data)) },
    ]),
  );
}

describe('module initialisation against PyTorch', () => {
  for (const c of fixture.cases) {
    it(`${c.module} after manualSeed(${c.seed}) has PyTorch's initial weights`, () => {
      const rng = new Generator(c.seed);
      const m =
        c.module === 'Linear'
          ? new Linear({ inFeatures: c.inFeatures!, outFeatures: c.outFeatures!, bias: c.bias!, rng })
          : new Embedding({ numEmbeddings: c.numEmbeddings!, embeddingDim: c.embeddingDim!, rng });
      expect(stateOf(m)).toEqual(expected(c.state));
    });
  }

  it('draws from the default generator after manualSeed when no rng is given', () => {
    const c = fixture.cases[0]!;
    manualSeed(c.seed);
    const m = new Linear({ inFeatures: c.inFeatures!, outFeatures: c.outFeatures!, bias: c.bias! });
    expect(stateOf(m)).toEqual(expected(c.state));
  });
});
