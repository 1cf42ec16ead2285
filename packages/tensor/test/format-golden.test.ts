// Golden tests: Tensor#toString prints what PyTorch's str(tensor) prints. The fixture comes from
// tools/golden/format.py (regenerate with `/usr/bin/python3 tools/golden/format.py`); attnkit
// spells dtypes without the `torch.` prefix.
import { readFileSync } from 'node:fs';
import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { type DType, tensor } from '../src/index.js';

interface FormatCase {
  name: string;
  shape: number[];
  dtype: DType;
  requires_grad: boolean;
  data: (number | boolean | string)[];
  str: string;
}

const fixture = JSON.parse(readFileSync(new URL('./fixtures/format.json', import.meta.url), 'utf8')) as {
  cases: FormatCase[];
};

function build(c: FormatCase) {
  // JSON has no nan/inf: the fixture writes them as Python's 'nan', 'inf', '-inf'.
  const special: Record<string, number> = {
    nan: Number.NaN,
    inf: Number.POSITIVE_INFINITY,
    '-inf': Number.NEGATIVE_INFINITY,
  };
  const values = c.data.map((v) => (typeof v === 'string' ? special[v]! : Number(v)));
  return tensor(values, { shape: c.shape, dtype: c.dtype, requiresGrad: c.requires_grad });
}

describe('Tensor#toString against PyTorch', () => {
  it('covers at least 36 cases', () => {
    expect(fixture.cases.length).toBeGreaterThanOrEqual(36);
  });

  for (const c of fixture.cases) {
    it(`prints ${c.name} as str(tensor)`, () => {
      expect(build(c).toString()).toBe(c.str.replaceAll('dtype=torch.', 'dtype='));
    });
  }

  it('is what console.log and util.inspect show', () => {
    const c = fixture.cases[0]!;
    expect(inspect(build(c))).toBe(c.str);
    expect(inspect({ x: build(c) })).toContain('tensor([[');
  });
});
