// Golden tests: @attnkit/tensor against PyTorch. The fixture comes from tools/golden/tensor.py
// (regenerate with `/usr/bin/python3 tools/golden/tensor.py`); every case holds float32 inputs, the
// op's output, a random R and the gradients of sum(output * R) with respect to each input.
import { readFileSync } from 'node:fs';
import { expectClose } from '@attnkit/testing';
import { describe, expect, it } from 'vitest';
import type { Tensor } from '../src/index.js';
import * as attnkit from '../src/index.js';

interface FixtureTensor {
  shape: number[];
  dtype: 'float32' | 'float64' | 'int32' | 'bool';
  data: number[];
}

interface GoldenOptions {
  axis?: number | number[];
  keepDim?: boolean;
  approximate?: 'none' | 'tanh';
  axis0?: number;
  axis1?: number;
  axes?: number[];
  targets?: number[];
  reduction?: 'mean' | 'sum' | 'none';
  labelSmoothing?: number;
}

interface GoldenCase {
  name: string;
  op: string;
  options: GoldenOptions;
  inputs: FixtureTensor[];
  output: FixtureTensor;
  R: FixtureTensor;
  grads: FixtureTensor[];
}

interface Fixture {
  meta: { torch: string; seed: number };
  cases: GoldenCase[];
}

const fixture = JSON.parse(
  readFileSync(new URL('./fixtures/tensor.json', import.meta.url), 'utf8'),
) as Fixture;

// Float32 tolerances: |actual - expected| <= atol + rtol * |expected|.
const pytorch = { atol: 1e-5, rtol: 1e-4 };

// Ops are looked up by their contract name (docs/tensor-api.md) so a case whose op is not exported
// yet is reported as todo instead of breaking the whole file.
type AnyOp = (...args: unknown[]) => Tensor;
const api = attnkit as unknown as Record<string, AnyOp | undefined>;
const op = (name: string): AnyOp => api[name] as AnyOp;

function reduceOptions(o: GoldenOptions): { axis?: number | number[]; keepDim?: boolean } {
  return {
    ...(o.axis !== undefined ? { axis: o.axis } : {}),
    ...(o.keepDim !== undefined ? { keepDim: o.keepDim } : {}),
  };
}

interface Runner {
  /** Contract names the case calls. */
  uses: string[];
  run: (x: Tensor[], o: GoldenOptions) => Tensor;
}

const binary = (name: string): Runner => ({ uses: [name], run: ([a, b]) => op(name)(a, b) });
const unary = (name: string): Runner => ({ uses: [name], run: ([x]) => op(name)(x) });
const alongAxis = (name: string): Runner => ({ uses: [name], run: ([x], o) => op(name)(x, o.axis) });
const reduction = (name: string): Runner => ({
  uses: [name],
  run: ([x], o) => op(name)(x, reduceOptions(o)),
});

const runners: Record<string, Runner> = {
  add: binary('add'),
  sub: binary('sub'),
  mul: binary('mul'),
  div: binary('div'),
  matmul: binary('matmul'),
  linear: { uses: ['linear'], run: ([x, w, b]) => op('linear')(x, w, b ?? null) },
  linearRelu: {
    uses: ['linear'],
    run: ([x, w, b]) => op('linear')(x, w, b, { activation: 'relu' }),
  },
  softmaxCrossEntropy: {
    uses: ['softmaxCrossEntropy'],
    run: ([x], o) =>
      op('softmaxCrossEntropy')(
        x,
        attnkit.tensor(o.targets!, { shape: x!.shape.slice(0, -1), dtype: 'int32' }),
        { reduction: o.reduction, labelSmoothing: o.labelSmoothing },
      ),
  },
  exp: unary('exp'),
  log: unary('log'),
  tanh: unary('tanh'),
  sigmoid: unary('sigmoid'),
  relu: unary('relu'),
  gelu: { uses: ['gelu'], run: ([x], o) => op('gelu')(x, { approximate: o.approximate }) },
  softmax: alongAxis('softmax'),
  logSoftmax: alongAxis('logSoftmax'),
  logsumexp: reduction('logsumexp'),
  sum: reduction('sum'),
  mean: reduction('mean'),
  max: reduction('max'),
  transpose: { uses: ['transpose'], run: ([x], o) => op('transpose')(x, o.axis0, o.axis1) },
  permute: { uses: ['permute'], run: ([x], o) => op('permute')(x, o.axes) },
  transposeMatmul: {
    uses: ['matmul', 'transpose'],
    run: ([a, b], o) => op('matmul')(a, op('transpose')(b, o.axis0, o.axis1)),
  },
  permuteMatmul: {
    uses: ['matmul', 'permute'],
    run: ([a, b], o) => op('matmul')(op('permute')(a, o.axes), b),
  },
};

function fromFixture(t: FixtureTensor, requiresGrad = false): Tensor {
  return attnkit.tensor(t.data, { shape: t.shape, requiresGrad });
}

/** A fixture tensor's PyTorch values as float64, so the comparison sees them unrounded. */
function expected(t: FixtureTensor): Tensor {
  return attnkit.tensor(t.data, { shape: t.shape, dtype: 'float64' });
}

const byOp = new Map<string, GoldenCase[]>();
for (const c of fixture.cases) byOp.set(c.op, [...(byOp.get(c.op) ?? []), c]);

describe('tensor golden fixture', () => {
  it('has a runner for every op it covers', () => {
    expect(fixture.cases.length).toBeGreaterThan(40);
    expect([...byOp.keys()].filter((name) => runners[name] === undefined)).toEqual([]);
  });

  it('checks closeness element by element (a perturbed output fails)', () => {
    const c = fixture.cases[0]!;
    const off = { ...c.output, data: c.output.data.map((v, i) => (i === 1 ? v + 1e-3 : v)) };
    expect(() => expectClose(fromFixture(c.output), expected(off), pytorch)).toThrow(
      /: 1 of \d+ elements differ/,
    );
  });
});

for (const [name, cases] of byOp) {
  const runner = runners[name];
  if (runner === undefined) continue;
  const missing = runner.uses.filter((n) => typeof api[n] !== 'function');
  describe(name, () => {
    for (const c of cases) {
      if (missing.length > 0) {
        it.todo(`matches PyTorch: ${c.name} (awaits ${missing.join(', ')})`);
        continue;
      }
      it(`matches PyTorch: ${c.name}`, () => {
        const out = runner.run(
          c.inputs.map((t) => fromFixture(t)),
          c.options,
        );
        expect(out.dtype).toBe('float32');
        expectClose(out, expected(c.output), pytorch);
      });
    }
    for (const c of cases) {
      if (missing.length > 0) continue;
      it(`matches PyTorch gradients: ${c.name}`, () => {
        const inputs = c.inputs.map((t) => fromFixture(t, true));
        runner.run(inputs, c.options).backward(fromFixture(c.R));
        inputs.forEach((x, i) => {
          expect(x.grad, `grad of input ${i}`).not.toBeNull();
          expect(
            () => expectClose(x.grad!, expected(c.grads[i]!), pytorch),
            `grad of input ${i}`,
          ).not.toThrow();
        });
      });
    }
  });
}
