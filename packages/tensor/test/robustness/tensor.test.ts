import { type ErrorClass, expectThrows } from '@attnkit/testing';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  arange,
  checkOptions,
  eye,
  fusedAttention,
  GradientError,
  getMemoryLimit,
  InvalidArgumentError,
  linspace,
  MemoryLimitError,
  matmul,
  max,
  mean,
  ones,
  rand,
  randint,
  randn,
  ShapeError,
  setMemoryLimit,
  setNumThreads,
  suggestKey,
  sum,
  type Tensor,
  tensor,
  uniform,
  zeros,
} from '../../src/index.js';

/** One bad call: the call, the error class and a pattern naming the argument. */
type Case = readonly [string, () => unknown, ErrorClass, RegExp];

const expectCase = ([, call, cls, pattern]: Case): void => {
  expectThrows(call, cls, pattern);
};

const x = () =>
  tensor([
    [1, 2],
    [3, 4],
  ]);

describe('robustness: sizes are checked before allocating', () => {
  // A fixed limit, so the cases do not depend on the host's memory.
  beforeEach(() => setMemoryLimit(2 ** 30));
  afterEach(() => setMemoryLimit(undefined));

  const cases: Case[] = [
    [
      'zeros past the typed-array limit',
      () => zeros([1e5, 1e5]),
      MemoryLimitError,
      /^zeros: shape of shape \(100000, 100000\) needs/,
    ],
    [
      'randn of 40000²',
      () => randn([40000, 40000]),
      MemoryLimitError,
      /^randn: shape .*\(40000, 40000\).*bytes/,
    ],
    ['rand', () => rand([1e6, 1e6]), MemoryLimitError, /^rand: shape/],
    ['uniform', () => uniform([1e6, 1e6], -1, 1), MemoryLimitError, /^uniform: shape/],
    ['randint', () => randint(0, 3, [1e6, 1e6]), MemoryLimitError, /^randint: shape/],
    ['ones', () => ones([1e6, 1e6]), MemoryLimitError, /^ones: shape/],
    ['eye', () => eye(1e6), MemoryLimitError, /^eye: shape/],
    [
      'arange to 1e12',
      () => arange(0, 1e12),
      MemoryLimitError,
      /^arange: end - start of shape \(1000000000000\)/,
    ],
    ['linspace', () => linspace(0, 1, 2e10), MemoryLimitError, /^linspace: steps/],
  ];
  it.each(cases)('%s throws MemoryLimitError naming op and argument', (...c) => expectCase(c));

  it('checks op results against a lowered limit, naming the op and the shape', () => {
    setMemoryLimit(1024);
    const a = zeros([16, 1]);
    expect(() => matmul(a, zeros([1, 64]))).toThrow(MemoryLimitError);
    expect(() => matmul(a, zeros([1, 64]))).toThrow(
      /^matmul: result of shape \(16, 64\) needs 4.00 KiB \(4096 bytes\)/,
    );
    expect(() => zeros([257])).toThrow(/over the memory limit of 1.00 KiB/);
    expect(zeros([256]).numel()).toBe(256);
  });

  it('carries op, argument, shape and bytes on the error', () => {
    setMemoryLimit(100);
    try {
      zeros([5, 6], { dtype: 'float64' });
      expect.unreachable();
    } catch (e) {
      const err = e as MemoryLimitError;
      expect(err).toBeInstanceOf(InvalidArgumentError);
      expect([err.op, err.argument, err.shape, err.bytes, err.limit]).toEqual([
        'zeros',
        'shape',
        [5, 6],
        240,
        100,
      ]);
    }
  });

  it('defaults to a finite fraction of memory and rejects a bad limit', () => {
    expect(getMemoryLimit()).toBeGreaterThan(2 ** 20);
    expect(Number.isFinite(getMemoryLimit())).toBe(true);
    for (const bad of [0, -1, Number.NaN, '1' as unknown as number]) {
      expect(() => setMemoryLimit(bad)).toThrow(/setMemoryLimit: bytes/);
    }
  });

  it('never allocates past the limit for random shapes (property)', () => {
    setMemoryLimit(4096);
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 40 }), { minLength: 1, maxLength: 4 }), (shape) => {
        const bytes = shape.reduce((a, b) => a * b, 1) * 4;
        if (bytes > 4096) expect(() => zeros(shape)).toThrow(MemoryLimitError);
        else expect(zeros(shape).shape).toEqual(shape);
      }),
    );
  });
});

describe('robustness: options objects are checked', () => {
  const q = () => tensor(new Float32Array(8), { shape: [1, 2, 4] });
  const cases: Case[] = [
    [
      'sum(x, 0) positional axis',
      () => sum(x(), 0 as never),
      InvalidArgumentError,
      /^sum: options must be an options object \{ axis\?, keepDim\? \} \(e\.g\. sum\(x, \{ axis: 0 \}\)\); got 0/,
    ],
    [
      'mean(x, [0]) positional',
      () => mean(x(), [0] as never),
      InvalidArgumentError,
      /^mean: options must be an options object/,
    ],
    [
      'max(x, { dim })',
      () => max(x(), { dim: 0 } as never),
      InvalidArgumentError,
      /unknown option 'dim'.*Did you mean 'axis'/,
    ],
    [
      'sum keepdim',
      () => sum(x(), { keepdim: true } as never),
      InvalidArgumentError,
      /Did you mean 'keepDim'/,
    ],
    [
      'sum keepDim: 1',
      () => sum(x(), { keepDim: 1 } as never),
      InvalidArgumentError,
      /options\.keepDim must be a boolean/,
    ],
    [
      'fused causal',
      () => fusedAttention(q(), q(), q(), { causal: true } as never),
      InvalidArgumentError,
      /unknown option 'causal'.*'isCausal'/,
    ],
    [
      'fused isCausal: "no"',
      () => fusedAttention(q(), q(), q(), { isCausal: 'no' } as never),
      InvalidArgumentError,
      /options\.isCausal must be a boolean/,
    ],
    [
      'fused isCausal: 1',
      () => fusedAttention(q(), q(), q(), { isCausal: 1 } as never),
      InvalidArgumentError,
      /options\.isCausal must be a boolean/,
    ],
    [
      'fused mask',
      () => fusedAttention(q(), q(), q(), { mask: q() } as never),
      InvalidArgumentError,
      /unknown option 'mask'/,
    ],
    [
      'tensor requires_grad',
      () => tensor([1], { requires_grad: true } as never),
      InvalidArgumentError,
      /Did you mean 'requiresGrad'/,
    ],
    [
      'zeros requiresGrad: "yes"',
      () => zeros([1], { requiresGrad: 'yes' } as never),
      InvalidArgumentError,
      /requiresGrad must be a boolean/,
    ],
    [
      'randn rng: 1',
      () => randn([1], { rng: 1 } as never),
      InvalidArgumentError,
      /options\.rng must be a Generator/,
    ],
  ];
  it.each(cases)('%s', (...c) => expectCase(c));

  it('suggests camelCase for snake_case and aliases (property over declared keys)', () => {
    const keys = ['numHeads', 'numHiddens', 'isCausal', 'validLens', 'keepDim'];
    expect(suggestKey('num_heads', keys)).toBe('numHeads');
    expect(suggestKey('causal', keys)).toBe('isCausal');
    expect(suggestKey('valid_lens', keys)).toBe('validLens');
    expect(suggestKey('zzz', keys)).toBeUndefined();
    fc.assert(
      fc.property(fc.constantFrom(...keys), (k) => {
        const snake = k.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
        expect(suggestKey(snake, keys)).toBe(k);
      }),
    );
  });

  it('accepts only real booleans, whatever the value (property)', () => {
    fc.assert(
      fc.property(fc.anything(), (v) => {
        const ok = v === undefined || typeof v === 'boolean';
        const call = () => checkOptions('f', { flag: v }, { flag: 'boolean' });
        if (ok) expect(call).not.toThrow();
        else expect(call).toThrow(/^f: options\.flag must be a boolean/);
      }),
    );
  });
});

describe('robustness: creation rejects bad data instead of coercing', () => {
  const cases: Case[] = [
    [
      "dtype 'float16'",
      () => tensor([1], { dtype: 'float16' } as never),
      InvalidArgumentError,
      /^tensor: options\.dtype must be one of/,
    ],
    ["tensor('abc')", () => tensor('abc' as never), InvalidArgumentError, /^tensor: data must be/],
    ['tensor(null)', () => tensor(null as never), InvalidArgumentError, /^tensor: data must be/],
    [
      'tensor([["a"]])',
      () => tensor([['a']] as never),
      InvalidArgumentError,
      /^tensor: data must hold numbers/,
    ],
    [
      'int32 1.7',
      () => tensor([1.7], { dtype: 'int32' }),
      InvalidArgumentError,
      /^tensor: data must hold integers .* int32; got 1\.7 at flat index 0/,
    ],
    ['int32 3e9', () => tensor([3e9], { dtype: 'int32' }), InvalidArgumentError, /got 3000000000/],
    [
      'int32 NaN',
      () => tensor([0, Number.NaN], { dtype: 'int32' }),
      InvalidArgumentError,
      /got NaN at flat index 1/,
    ],
    [
      'int32 full 2.5',
      () =>
        zeros([2], { dtype: 'int32' }).add(0) &&
        ones([1], { dtype: 'int32' }) &&
        tensor([2.5], { dtype: 'int32' }),
      InvalidArgumentError,
      /int32/,
    ],
    ['ragged', () => tensor([[1, 2], [3]]), ShapeError, /data must be a rectangular/],
  ];
  it.each(cases)('%s', (...c) => expectCase(c));
});

describe('robustness: validLens of the fused path', () => {
  const q = () => tensor(new Float32Array(16), { shape: [2, 2, 4] });
  const cases: Case[] = [
    [
      '1.5',
      () => fusedAttention(q(), q(), q(), { validLens: [1.5, 1] }),
      InvalidArgumentError,
      /validLens must hold integers in \[0, keys = 2\]; got 1\.5/,
    ],
    [
      'NaN',
      () => fusedAttention(q(), q(), q(), { validLens: [Number.NaN, 1] }),
      InvalidArgumentError,
      /validLens .*got NaN/,
    ],
    [
      '3e9',
      () => fusedAttention(q(), q(), q(), { validLens: [3e9, 1] }),
      InvalidArgumentError,
      /validLens .*got 3000000000/,
    ],
    [
      'nested 1.5',
      () =>
        fusedAttention(q(), q(), q(), {
          validLens: [
            [1, 1.5],
            [1, 1],
          ],
        }),
      InvalidArgumentError,
      /validLens .*got 1\.5/,
    ],
    [
      'bool tensor',
      () => fusedAttention(q(), q(), q(), { validLens: tensor([true, false]) }),
      InvalidArgumentError,
      /validLens .*dtype bool/,
    ],
    [
      'strings',
      () => fusedAttention(q(), q(), q(), { validLens: ['1', '2'] as never }),
      InvalidArgumentError,
      /validLens must hold numbers/,
    ],
  ];
  it.each(cases)('%s', (...c) => expectCase(c));
});

describe('robustness: autograd and threads', () => {
  it('throws GradientError on a second backward through the same graph unless retainGraph', () => {
    const w = tensor([1, 2], { requiresGrad: true });
    const loss = sum(w.mul(w));
    loss.backward();
    expect(() => loss.backward()).toThrow(GradientError);
    expect(() => loss.backward()).toThrow(/second time.*retainGraph: true/);
    const v = tensor([1, 2], { requiresGrad: true });
    const l2 = sum(v.mul(3));
    l2.backward({ retainGraph: true });
    l2.backward();
    expect(Array.from((v.grad as Tensor).toTypedArray())).toEqual([6, 6]);
  });

  it('rejects bad backward options', () => {
    const w = tensor([1], { requiresGrad: true });
    expect(() => sum(w).backward({ retain_graph: true } as never)).toThrow(/Did you mean 'retainGraph'/);
  });

  it.each([0, -1, 1e6, Number.NaN, '2', 2.5])('setNumThreads(%s) returns a rejected promise', async (n) => {
    let p: Promise<number> | undefined;
    expect(() => {
      p = setNumThreads(n as number);
    }).not.toThrow();
    await expect(p).rejects.toThrow(/^setNumThreads: n must be an integer in \[1, 64\]/);
  });
});
