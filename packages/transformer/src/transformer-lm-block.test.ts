import {
  add,
  concat,
  Generator,
  InvalidArgumentError,
  mul,
  narrow,
  ShapeError,
  sum,
  tensor,
} from '@attnkit/tensor';
import { causalNoLeak, checkGradients, expectClose, tensors } from '@attnkit/testing';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { expectFloat32Close, flat, layerNormRef, parameterGradients, wave } from '../test/helpers.js';
import { TransformerEncoderBlock } from './transformer-encoder-block.js';
import { TransformerLMBlock, type TransformerLMBlockOptions } from './transformer-lm-block.js';

const H = 8;
const make = (options: Partial<TransformerLMBlockOptions> = {}, seed = 0) =>
  new TransformerLMBlock({
    numHiddens: H,
    numHeads: 2,
    ffnNumHiddens: 12,
    dtype: 'float64',
    rng: new Generator(seed),
    ...options,
  });
/** Per-query valid lengths 1..n: D2L's causal mask as validLens `(batch, n)`. */
const causalLens = (batch: number, n: number) =>
  tensor(
    Array.from({ length: batch * n }, (_, i) => (i % n) + 1),
    { shape: [batch, n], dtype: 'int32' },
  );
const X = (batch: number, n: number, phase = 0) =>
  tensor(wave(batch * n * H, phase), { shape: [batch, n, H], dtype: 'float64' });

describe('TransformerLMBlock', () => {
  it('is, with post-norm, D2L’s encoder block with causal valid lengths (same state keys)', () => {
    const block = make({ norm: 'post' }, 1);
    const d2l = new TransformerEncoderBlock({
      numHiddens: H,
      ffnNumHiddens: 12,
      numHeads: 2,
      dtype: 'float64',
    });
    d2l.loadStateDict(block.stateDict());
    const x = X(2, 5, 1);
    expectClose(flat(block.forward(x)), flat(d2l.forward(x, causalLens(2, 5))), { atol: 1e-12, rtol: 0 });
  });

  it('computes, with pre-norm, X + attention(ln1(X)) then + ffn(ln2(·))', () => {
    const block = make({ norm: 'pre' }, 2);
    const state = block.stateDict();
    const ln = (t: number[], name: string) =>
      layerNormRef(t, H, flat(state[`${name}.weight`]!), flat(state[`${name}.bias`]!));
    const x = X(2, 4, 2);
    const h1 = tensor(ln(flat(x), 'ln1'), { shape: [2, 4, H], dtype: 'float64' });
    const y = add(x, block.attention.forward(h1, h1, h1, causalLens(2, 4)));
    const h2 = tensor(ln(flat(y), 'ln2'), { shape: [2, 4, H], dtype: 'float64' });
    const expected = add(y, block.ffn.forward(h2));
    expectClose(flat(make({ norm: 'pre' }, 2).forward(x)), flat(expected), { atol: 1e-12, rtol: 0 });
  });

  it('registers ln1, attention, ln2, ffn for pre-norm and attention, addnorm1, ffn, addnorm2 for post-norm', () => {
    const prefixes = (norm: 'pre' | 'post') => [
      ...new Set(Object.keys(make({ norm }).stateDict()).map((k) => k.split('.').slice(0, -1).join('.'))),
    ];
    expect(prefixes('pre')).toEqual([
      'ln1',
      'attention.W_q',
      'attention.W_k',
      'attention.W_v',
      'attention.W_o',
      'ln2',
      'ffn.dense1',
      'ffn.dense2',
    ]);
    expect(prefixes('post')).toEqual([
      'attention.W_q',
      'attention.W_k',
      'attention.W_v',
      'attention.W_o',
      'addnorm1.ln',
      'ffn.dense1',
      'ffn.dense2',
      'addnorm2.ln',
    ]);
  });

  it('does not let position t see inputs after t, for every norm and positional scheme', () => {
    for (const norm of ['pre', 'post'] as const) {
      for (const positional of ['none', 'rotary', 'alibi'] as const) {
        const block = make({ norm, positional }, 3);
        fc.assert(
          causalNoLeak((q) => block.forward(q), { d: H, v: 1, dtype: 'float64', atol: 1e-10 }),
          { numRuns: 15 },
        );
      }
    }
  });

  it('gives the full causal forward when fed chunk by chunk with a KV cache', () => {
    const cases = fc.record({
      positional: fc.constantFrom('none' as const, 'rotary' as const, 'alibi' as const),
      norm: fc.constantFrom('pre' as const, 'post' as const),
      numKVHeads: fc.constantFrom(1, 2),
      cut: fc.integer({ min: 1, max: 5 }),
      x: tensors({ shape: [2, 6, H], dtype: 'float64', min: -2, max: 2 }),
    });
    fc.assert(
      fc.property(cases, ({ positional, norm, numKVHeads, cut, x }) => {
        const block = make({ positional, norm, numKVHeads }, 4);
        const whole = block.forward(x);
        const cache = block.attention.createCache();
        const first = block.forward(narrow(x, 1, 0, cut), { cache });
        const rest = [];
        for (let t = cut; t < 6; t++) rest.push(block.forward(narrow(x, 1, t, 1), { cache }));
        expectClose(flat(concat([first, ...rest], 1)), flat(whole), { atol: 1e-10, rtol: 0 });
      }),
      { numRuns: 30 },
    );
  });

  it('has gradients in X that match finite differences (float64), for each norm and scheme', () => {
    for (const norm of ['pre', 'post'] as const) {
      for (const positional of ['none', 'rotary', 'alibi'] as const) {
        const block = new TransformerLMBlock({
          numHiddens: 4,
          numHeads: 2,
          ffnNumHiddens: 6,
          norm,
          positional,
          dtype: 'float64',
          rng: new Generator(5),
        });
        const x = tensor(wave(2 * 3 * 4, 6), { shape: [2, 3, 4], dtype: 'float64', requiresGrad: true });
        checkGradients((t) => block.forward(t), [x]);
      }
    }
  });

  it('runs the fused kernel unless needWeights: true, with the same output and gradients (float32)', () => {
    for (const norm of ['pre', 'post'] as const) {
      for (const positional of ['none', 'rotary'] as const) {
        const blk = make({ norm, positional, numKVHeads: 1, dtype: 'float32' }, 6);
        const R = tensor(wave(2 * 5 * H, 8), { shape: [2, 5, H] });
        const run = (needWeights?: boolean) => {
          const x = tensor(wave(2 * 5 * H, 7), { shape: [2, 5, H], requiresGrad: true });
          const grads = parameterGradients(blk, () =>
            sum(mul(blk.forward(x, needWeights === undefined ? {} : { needWeights }), R)),
          );
          return {
            out: flat(blk.forward(x, needWeights === undefined ? {} : { needWeights })),
            grads,
            dx: flat(x.grad!),
          };
        };
        const fused = run();
        expect(blk.attention.attentionWeights).toBeNull();
        const materialised = run(true);
        expect(blk.attention.attentionWeights?.shape).toEqual([4, 5, 5]);
        expectFloat32Close(fused.out, materialised.out);
        expectFloat32Close(fused.dx, materialised.dx);
        for (const [name, g] of Object.entries(materialised.grads)) expectFloat32Close(fused.grads[name]!, g);
      }
    }
  });

  it('throws InvalidArgumentError for a bad config', () => {
    expect(() => make({ numHeads: 3 })).toThrow(/numHiddens must be divisible by numHeads/);
    expect(() => make({ numKVHeads: 3 })).toThrow(InvalidArgumentError);
    expect(() => make({ norm: 'sandwich' as 'pre' })).toThrow(
      /norm must be one of 'pre', 'post'; got 'sandwich'/,
    );
    expect(() => make({ positional: 'sinusoidal' as 'none' })).toThrow(/positional must be one of/);
    expect(() => make({ numHiddens: 6, numHeads: 2, positional: 'rotary' })).toThrow(InvalidArgumentError);
  });

  it('throws ShapeError when X has the wrong width', () => {
    expect(() => make().forward(tensor(wave(12), { shape: [1, 3, 4], dtype: 'float64' }))).toThrow(
      ShapeError,
    );
  });
});
