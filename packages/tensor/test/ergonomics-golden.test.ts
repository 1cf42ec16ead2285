// Golden tests: repeat, tile, chunk, maskedSelect and maskedScatter against PyTorch (outputs and
// gradients of sum(out · R)). The fixture comes from tools/golden/ergonomics.py (regenerate with
// `/usr/bin/python3 tools/golden/ergonomics.py`).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  chunk,
  maskedScatter,
  maskedSelect,
  mul,
  repeat,
  sum,
  type Tensor,
  tensor,
  tile,
} from '../src/index.js';

interface FixtureTensor {
  shape: number[];
  dtype: 'float32' | 'bool';
  data: (number | boolean)[];
}

interface Case {
  name: string;
  op: 'repeat' | 'tile' | 'chunk' | 'maskedSelect' | 'maskedScatter';
  args: { repeats?: number[]; reps?: number[]; chunks?: number; axis?: number };
  inputs: FixtureTensor[];
  masks: FixtureTensor[];
  outputs: FixtureTensor[];
  R: FixtureTensor[];
  grads: FixtureTensor[];
}

const fixture = JSON.parse(readFileSync(new URL('./fixtures/ergonomics.json', import.meta.url), 'utf8')) as {
  cases: Case[];
};

const load = (t: FixtureTensor, requiresGrad = false) =>
  tensor(t.data as number[], { shape: t.shape, dtype: t.dtype, requiresGrad });
const values = (t: FixtureTensor) => Array.from(new Float32Array(t.data as number[]));

function run(c: Case, inputs: Tensor[]): Tensor[] {
  const mask = c.masks[0] === undefined ? undefined : load(c.masks[0]);
  switch (c.op) {
    case 'repeat':
      return [repeat(inputs[0]!, c.args.repeats!)];
    case 'tile':
      return [tile(inputs[0]!, c.args.reps!)];
    case 'chunk':
      return chunk(inputs[0]!, c.args.chunks!, c.args.axis);
    case 'maskedSelect':
      return [maskedSelect(inputs[0]!, mask!)];
    case 'maskedScatter':
      return [maskedScatter(inputs[0]!, mask!, inputs[1]!)];
  }
}

describe('repeat, tile, chunk, maskedSelect, maskedScatter against PyTorch', () => {
  for (const c of fixture.cases) {
    it(`matches ${c.name}: outputs and gradients`, () => {
      const inputs = c.inputs.map((t) => load(t, true));
      const outs = run(c, inputs);
      expect(outs.map((o) => o.shape)).toEqual(c.outputs.map((o) => o.shape));
      outs.forEach((o, i) => {
        expect(Array.from(o.toTypedArray())).toEqual(values(c.outputs[i]!));
      });
      const loss = outs.map((o, i) => sum(mul(o, load(c.R[i]!)))).reduce((a, b) => a.add(b));
      loss.backward();
      inputs.forEach((x, i) => {
        const g = Array.from(x.grad!.toTypedArray());
        const expected = values(c.grads[i]!);
        g.forEach((v, k) => {
          expect(v).toBeCloseTo(expected[k]!, 5);
        });
      });
    });
  }
});
