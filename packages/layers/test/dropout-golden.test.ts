// Golden test: dropout draws PyTorch's CPU mask for the same seed. The fixture comes from
// tools/golden/rng.py (regenerate with `/usr/bin/python3 tools/golden/rng.py`):
// torch.manual_seed(seed); F.dropout(x, p, training=True).
import { readFileSync } from 'node:fs';
import { Generator, tensor } from '@attnkit/tensor';
import { describe, expect, it } from 'vitest';
import { dropout } from '../src/index.js';

interface FixtureTensor {
  shape: number[];
  dtype: 'float32' | 'float64';
  data: number[];
}

const fixture = JSON.parse(readFileSync(new URL('./fixtures/dropout.json', import.meta.url), 'utf8')) as {
  cases: { seed: number; p: number; input: FixtureTensor; output: FixtureTensor }[];
};

function valuesOf(t: FixtureTensor): number[] {
  return t.dtype === 'float32' ? Array.from(new Float32Array(t.data)) : t.data;
}

describe('dropout against PyTorch', () => {
  for (const c of fixture.cases) {
    it(`gives F.dropout's output after torch.manual_seed(${c.seed}), p = ${c.p}, ${c.input.dtype}`, () => {
      const x = tensor(c.input.data, { shape: c.input.shape, dtype: c.input.dtype });
      const out = dropout(x, c.p, { rng: new Generator(c.seed) });
      expect(out.shape).toEqual(c.output.shape);
      expect(Array.from(out.toTypedArray())).toEqual(valuesOf(c.output));
    });
  }
});
