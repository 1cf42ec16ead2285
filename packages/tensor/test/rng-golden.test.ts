// Golden tests: the default Generator draws PyTorch's CPU numbers. The fixture comes from
// tools/golden/rng.py (regenerate with `/usr/bin/python3 tools/golden/rng.py`): for each seed,
// torch.manual_seed(seed) and then a sequence of random calls whose outputs must match exactly
// (float64 results of the vectorised normal path within 4 ulps, nearly all exactly, see normal's remarks).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { DType, Tensor } from '../src/index.js';
import {
  bernoulli,
  Generator,
  manualSeed,
  normal,
  rand,
  randint,
  randn,
  randperm,
  uniform,
} from '../src/index.js';

interface FixtureTensor {
  shape: number[];
  dtype: 'float32' | 'float64' | 'int32' | 'bool';
  data: number[];
}

interface Call {
  op: string;
  shape?: number[];
  dt?: 'float32' | 'float64';
  mean?: number;
  std?: number;
  low?: number;
  high?: number;
  n?: number;
  p?: number;
}

interface Fixture {
  meta: { torch: string; cpu: string };
  cases: { seed: number; calls: { call: Call; output: FixtureTensor }[] }[];
  d2l: Record<string, FixtureTensor>;
}

const fixture = JSON.parse(readFileSync(new URL('./fixtures/rng.json', import.meta.url), 'utf8')) as Fixture;

function run(call: Call, rng: Generator): Tensor {
  const shape = call.shape ?? [];
  const opts = { rng, ...(call.dt === undefined ? {} : { dtype: call.dt as DType }) };
  switch (call.op) {
    case 'rand':
      return rand(shape, opts);
    case 'randn':
      return randn(shape, opts);
    case 'normal':
      return normal(call.mean!, call.std!, shape, opts);
    case 'uniform':
      return uniform(shape, call.low!, call.high!, opts);
    case 'randint':
      return randint(call.low!, call.high!, shape, { rng });
    case 'randperm':
      return randperm(call.n!, { rng });
    case 'bernoulli':
      return bernoulli(shape, call.p!, opts);
    case 'dropout': {
      // PyTorch: noise.bernoulli_(1 - p); noise.div_(1 - p); ones * noise.
      const keep = bernoulli(shape, 1 - call.p!, opts);
      const single = call.dt === 'float32';
      const scale = single ? Math.fround(1 / Math.fround(1 - call.p!)) : 1 / (1 - call.p!);
      return keep.mul(scale);
    }
    default:
      throw new Error(`unknown op ${call.op}`);
  }
}

/** The fixture's values as the JS numbers of its dtype (float32 decimals are shortest round-trips). */
function valuesOf(t: FixtureTensor): number[] {
  return t.dtype === 'float32' ? Array.from(new Float32Array(t.data)) : t.data;
}

/** Distance in units in the last place of float64. */
function ulps(a: number, b: number): number {
  if (a === b) return 0;
  const buf = new DataView(new ArrayBuffer(16));
  buf.setFloat64(0, a);
  buf.setFloat64(8, b);
  return Math.abs(Number(buf.getBigInt64(0) - buf.getBigInt64(8)));
}

describe('Generator against PyTorch', () => {
  // float64 values of the vectorised normal path, and how many of them differ from PyTorch's.
  let vectorisedFloat64 = 0;
  let offByUlps = 0;

  it('records a PyTorch build whose float32 normals come from the AVX2 kernel', () => {
    expect(fixture.meta.cpu).toBe('AVX2');
    expect(fixture.cases.length).toBeGreaterThanOrEqual(10);
  });

  for (const c of fixture.cases) {
    it(`replays torch.manual_seed(${c.seed}) and ${c.calls.length} calls in a row`, () => {
      const rng = new Generator(c.seed);
      for (const { call, output } of c.calls) {
        const got = run(call, rng);
        expect(got.shape, JSON.stringify(call)).toEqual(output.shape);
        const values = Array.from(got.toTypedArray() as ArrayLike<number>);
        const lenient =
          output.dtype === 'float64' && (call.op === 'randn' || call.op === 'normal') && values.length >= 16;
        if (!lenient) {
          expect(values, JSON.stringify(call)).toEqual(valuesOf(output));
          continue;
        }
        values.forEach((v, i) => {
          const d = ulps(v, output.data[i]!);
          expect(d, `${JSON.stringify(call)} [${i}]`).toBeLessThanOrEqual(4);
          vectorisedFloat64++;
          if (d > 0) offByUlps++;
        });
      }
    });
  }

  it('matches float64 normals of the vectorised path bit for bit in at least 99% of elements', () => {
    // Where glibc's log/sin/cos are not correctly rounded (~0.2% of arguments), ours differ.
    expect(vectorisedFloat64).toBeGreaterThan(500);
    expect(offByUlps / vectorisedFloat64).toBeLessThan(0.01);
  });

  it("prints D2L's first numbers after manualSeed(0)", () => {
    manualSeed(0);
    expect(Array.from(randn([2, 3]).toTypedArray())).toEqual(valuesOf(fixture.d2l.randn_2_3!));
    expect(Array.from(rand([3]).toTypedArray())).toEqual(valuesOf(fixture.d2l.rand_3!));
    manualSeed(0);
    const x = normal(0, 0.01, [1000, 2]);
    expect(Array.from(x.toTypedArray().subarray(0, 8))).toEqual(
      valuesOf(fixture.d2l['normal_0_0.01_1000_2_head']!),
    );
  });
});
