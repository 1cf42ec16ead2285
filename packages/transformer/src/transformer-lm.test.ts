import {
  div,
  Generator,
  InvalidArgumentError,
  logSoftmax,
  mul,
  narrow,
  neg,
  oneHot,
  ShapeError,
  sum,
  type Tensor,
  tensor,
} from '@attnkit/tensor';
import { expectClose } from '@attnkit/testing';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { expectFloat32Close, flat, parameterGradients, sgdStep } from '../test/helpers.js';
import { type LMPositional, TransformerLM, type TransformerLMOptions } from './transformer-lm.js';

const SCHEMES: readonly LMPositional[] = ['sinusoidal', 'learned', 'rotary', 'alibi'];
const ids = (values: readonly number[], shape: number[]) => tensor(values.slice(), { shape, dtype: 'int32' });
const tiny = (options: Partial<TransformerLMOptions> = {}, seed = 0) =>
  new TransformerLM({
    vocabSize: 7,
    numHiddens: 8,
    numHeads: 2,
    numBlks: 2,
    ffnNumHiddens: 12,
    maxLen: 10,
    dtype: 'float64',
    rng: new Generator(seed),
    ...options,
  });

/** Index of the largest of `row`, by an explicit loop (first on ties). */
const argmaxOf = (row: ArrayLike<number>) => {
  let best = 0;
  for (let i = 1; i < row.length; i++) if (row[i]! > row[best]!) best = i;
  return best;
};
/** The logits of the last position of `forward(tokens)`, `(vocab)`. */
const lastLogits = (lm: TransformerLM, tokens: readonly number[]) => {
  const logits = flat(lm.forward(ids(tokens, [1, tokens.length])));
  return logits.slice(logits.length - lm.config.vocabSize);
};
/** Mean cross-entropy of next-token prediction. */
const crossEntropy = (logits: Tensor, targets: Tensor, vocab: number) =>
  div(neg(sum(mul(logSoftmax(logits), oneHot(targets, vocab, { dtype: 'float32' })))), targets.numel());

describe('TransformerLM', () => {
  it('maps (batch, positions) tokens to (batch, positions, vocabSize) logits for every scheme', () => {
    for (const positional of SCHEMES) {
      for (const norm of ['pre', 'post'] as const) {
        const lm = tiny({ positional, norm, dtype: 'float32' });
        expect(lm.forward(ids([1, 2, 3, 4, 5, 6], [2, 3])).shape).toEqual([2, 3, 7]);
      }
    }
  });

  it('names its state as PyTorch would: embedding, pos_encoding, blks.0…, ln_f, dense', () => {
    const keys = Object.keys(tiny({ numBlks: 1, positional: 'learned' }).stateDict());
    expect(keys).toEqual([
      'embedding.weight',
      'pos_encoding.weight',
      'blks.0.ln1.weight',
      'blks.0.ln1.bias',
      'blks.0.attention.W_q.weight',
      'blks.0.attention.W_k.weight',
      'blks.0.attention.W_v.weight',
      'blks.0.attention.W_o.weight',
      'blks.0.ln2.weight',
      'blks.0.ln2.bias',
      'blks.0.ffn.dense1.weight',
      'blks.0.ffn.dense1.bias',
      'blks.0.ffn.dense2.weight',
      'blks.0.ffn.dense2.bias',
      'ln_f.weight',
      'ln_f.bias',
      'dense.weight',
      'dense.bias',
    ]);
    const post = Object.keys(
      tiny({ numBlks: 1, norm: 'post', positional: 'rotary', tieWeights: true }).stateDict(),
    );
    expect(post.filter((k) => !k.startsWith('blks.0.'))).toEqual(['embedding.weight']);
    expect(post).toContain('blks.0.addnorm2.ln.bias');
    expect(tiny({ numKVHeads: 1 }).stateDict()['blks.1.attention.W_k.weight']?.shape).toEqual([4, 8]);
  });

  it('ties the output head to the embedding: one shared parameter, gradients from both uses', () => {
    const tied = tiny({ tieWeights: true });
    expect(tied.outputWeight).toBe(tied.embedding.weight);
    expect(tied.outputWeight.nd.data).toBe(tied.embedding.weight.nd.data);
    expect(tied.parameters().filter((p) => p === tied.embedding.weight)).toHaveLength(1);
    expect(tied.numParameters()).toBe(tiny().numParameters() - 7 * 8 - 7);
    // Token 6 never occurs in the input, so only the head can give its embedding row a gradient.
    for (const [lm, expectRow6] of [
      [tied, true],
      [tiny(), false],
    ] as const) {
      sum(mul(lm.forward(ids([1, 2, 3], [1, 3])), lm.forward(ids([3, 2, 1], [1, 3])).detach())).backward();
      const row6 = flat(lm.embedding.weight.grad!).slice(6 * 8, 7 * 8);
      expect(Math.max(...row6.map(Math.abs)) > 0).toBe(expectRow6);
    }
  });

  it('rebuilds from its JSON config and state dict with identical logits', () => {
    const lm = tiny({
      positional: 'learned',
      norm: 'post',
      tieWeights: true,
      numKVHeads: 1,
      activation: 'gelu',
      dropout: 0.1,
    });
    const json = JSON.stringify(lm.config);
    expect(JSON.parse(json)).toEqual({
      vocabSize: 7,
      numHiddens: 8,
      numHeads: 2,
      numBlks: 2,
      ffnNumHiddens: 12,
      maxLen: 10,
      dropout: 0.1,
      positional: 'learned',
      norm: 'post',
      tieWeights: true,
      numKVHeads: 1,
      activation: 'gelu',
      dtype: 'float64',
    });
    const copy = TransformerLM.fromConfig(JSON.parse(json), { rng: new Generator(99) });
    const tokens = ids([1, 2, 3, 4, 0, 6], [2, 3]);
    expect(() =>
      expectClose(flat(copy.eval().forward(tokens)), flat(lm.eval().forward(tokens)), {
        atol: 1e-3,
        rtol: 0,
      }),
    ).toThrow(/elements differ/);
    copy.loadStateDict(lm.stateDict());
    expectClose(flat(copy.forward(tokens)), flat(lm.forward(tokens)), { atol: 0, rtol: 0 });
  });

  it('decodes greedily: each new token is the argmax of the full forward over the sequence so far', () => {
    for (const positional of SCHEMES) {
      const lm = tiny({ positional }, 1);
      const out = lm.generate([3, 1], { maxNewTokens: 6, temperature: 0 });
      expect(out).toBeInstanceOf(Int32Array);
      expect(Array.from(out.subarray(0, 2))).toEqual([3, 1]);
      for (let t = 2; t < 8; t++)
        expect(out[t]).toBe(argmaxOf(lastLogits(lm, Array.from(out.subarray(0, t)))));
    }
  });

  it('slides a window of maxLen tokens once an absolute-position sequence outgrows maxLen', () => {
    const lm = tiny({ maxLen: 4 }, 2);
    const out = Array.from(lm.generate([1, 2, 3], { maxNewTokens: 5, temperature: 0 }));
    expect(out).toHaveLength(8);
    for (let t = 3; t < 8; t++)
      expect(out[t]).toBe(argmaxOf(lastLogits(lm, out.slice(Math.max(0, t - 4), t))));
  });

  it('samples reproducibly under a seed; topK 1 is greedy; the training mode is restored', () => {
    const lm = tiny({ dropout: 0.2 }, 3);
    const a = lm.generate([0], { maxNewTokens: 8, rng: new Generator(7), temperature: 1.5 });
    const b = lm.generate([0], { maxNewTokens: 8, rng: new Generator(7), temperature: 1.5 });
    expect(Array.from(a)).toEqual(Array.from(b));
    expect(lm.training).toBe(true);
    const greedy = lm.generate([0], { maxNewTokens: 8, temperature: 0 });
    const top1 = lm.generate([0], { maxNewTokens: 8, temperature: 2, topK: 1, rng: new Generator(1) });
    expect(Array.from(top1)).toEqual(Array.from(greedy));
    const seeds = [1, 2, 3, 4, 5].map((s) =>
      Array.from(lm.generate([0], { maxNewTokens: 8, temperature: 3, rng: new Generator(s) })).join(),
    );
    expect(new Set(seeds).size).toBeGreaterThan(1);
  });

  it('does not let logits at position t depend on tokens after t (every scheme and norm)', () => {
    const cases = fc
      .record({
        positional: fc.constantFrom(...SCHEMES),
        norm: fc.constantFrom('pre' as const, 'post' as const),
        n: fc.integer({ min: 2, max: 6 }),
        seed: fc.nat(50),
      })
      .chain((c) =>
        fc.record({
          c: fc.constant(c),
          a: fc.array(fc.integer({ min: 0, max: 6 }), { minLength: c.n, maxLength: c.n }),
          b: fc.array(fc.integer({ min: 0, max: 6 }), { minLength: c.n, maxLength: c.n }),
          p: fc.integer({ min: 0, max: c.n - 2 }),
        }),
      );
    fc.assert(
      fc.property(cases, ({ c, a, b, p }) => {
        const lm = tiny({ positional: c.positional, norm: c.norm, numBlks: 1 }, c.seed);
        const changed = a.map((v, i) => (i > p ? b[i]! : v));
        const before = narrow(lm.forward(ids(a, [1, c.n])), 1, 0, p + 1);
        const after = narrow(lm.forward(ids(changed, [1, c.n])), 1, 0, p + 1);
        expectClose(flat(before), flat(after), { atol: 1e-10, rtol: 0 });
      }),
      { numRuns: 40 },
    );
  });

  it('gives the full forward when decoding chunk by chunk with the KV cache (every scheme)', () => {
    const cases = fc.record({
      positional: fc.constantFrom(...SCHEMES),
      norm: fc.constantFrom('pre' as const, 'post' as const),
      numHeads: fc.constantFrom(1, 2, 4),
      kvDivisor: fc.constantFrom(1, 2),
      numBlks: fc.integer({ min: 1, max: 2 }),
      tieWeights: fc.boolean(),
      batch: fc.integer({ min: 1, max: 2 }),
      chunks: fc.array(fc.integer({ min: 1, max: 3 }), { minLength: 1, maxLength: 4 }),
      seed: fc.nat(50),
    });
    fc.assert(
      fc.property(
        cases,
        ({ positional, norm, numHeads, kvDivisor, numBlks, tieWeights, batch, chunks, seed }) => {
          const n = chunks.reduce((s, c) => s + c, 0);
          const lm = tiny(
            {
              positional,
              norm,
              numHeads,
              numKVHeads: Math.max(1, numHeads / kvDivisor),
              numBlks,
              tieWeights,
              maxLen: 12,
            },
            seed,
          );
          const values = Array.from({ length: batch * n }, (_, i) => (i * 5 + seed) % 7);
          const tokens = ids(values, [batch, n]);
          const whole = flat(lm.forward(tokens));
          const cache = lm.createCache();
          const pieces: number[] = [];
          let start = 0;
          const perRow: number[][] = Array.from({ length: batch }, () => []);
          for (const c of chunks) {
            const logits = flat(lm.forward(narrow(tokens, 1, start, c).contiguous(), { cache }));
            for (let b = 0; b < batch; b++) perRow[b]!.push(...logits.slice(b * c * 7, (b + 1) * c * 7));
            start += c;
          }
          for (const row of perRow) pieces.push(...row);
          expect(cache.length).toBe(n);
          expectClose(pieces, whole, { atol: 1e-10, rtol: 0 });
        },
      ),
      { numRuns: 40 },
    );
  });

  it('overfits a short repeated string with a few dozen plain SGD steps', () => {
    const text = 'hello world '.repeat(4);
    const chars = [...new Set(text)].sort();
    const encoded = [...text].map((ch) => chars.indexOf(ch));
    const lm = new TransformerLM({
      vocabSize: chars.length,
      numHiddens: 16,
      numHeads: 2,
      numBlks: 1,
      ffnNumHiddens: 32,
      maxLen: 16,
      rng: new Generator(0),
    });
    const windows = [0, 3, 5, 8, 10].map((s) => encoded.slice(s, s + 13));
    const inputs = ids(
      windows.flatMap((w) => w.slice(0, 12)),
      [windows.length, 12],
    );
    const targets = ids(
      windows.flatMap((w) => w.slice(1, 13)),
      [windows.length, 12],
    );
    const losses: number[] = [];
    for (let step = 0; step < 40; step++) {
      const loss = crossEntropy(lm.forward(inputs), targets, chars.length);
      losses.push(loss.item());
      loss.backward();
      sgdStep(lm.parameters(), 0.5);
    }
    // Starts near ln(8) ≈ 2.08 (uniform over the 8 characters) and ends far below it.
    expect(losses[0]).toBeGreaterThan(1.5);
    const last = losses.slice(-5).reduce((a, b) => a + b, 0) / 5;
    expect(last).toBeLessThan(0.35 * losses[0]!);
  });

  it("keeps no attention weights by default (fused kernel) and every block's with needWeights: true, with equal logits", () => {
    for (const positional of ['sinusoidal', 'learned', 'rotary'] as const) {
      const lm = tiny({ positional, dtype: 'float32', numKVHeads: 1 }, 3);
      const tokens = ids([1, 2, 3, 4, 5, 6, 0, 2, 4, 6], [2, 5]);
      const fused = flat(lm.forward(tokens));
      expect(lm.attentionWeights).toEqual([null, null]);
      const withWeights = flat(lm.forward(tokens, { needWeights: true }));
      expect(lm.attentionWeights.map((w) => w?.shape)).toEqual([
        [4, 5, 5],
        [4, 5, 5],
      ]);
      expectFloat32Close(fused, withWeights);
      // A later fused forward does not leave the weights of this one behind.
      lm.forward(tokens);
      expect(lm.attentionWeights).toEqual([null, null]);
    }
  });

  it('keeps the weights where attention cannot be fused: ALiBi, and dropout in training mode', () => {
    const tokens = ids([1, 2, 3, 4], [1, 4]);
    const alibi = tiny({ positional: 'alibi', dtype: 'float32' });
    alibi.forward(tokens);
    expect(alibi.attentionWeights.map((w) => w?.shape)).toEqual([
      [2, 4, 4],
      [2, 4, 4],
    ]);
    const dropped = tiny({ dropout: 0.1, dtype: 'float32' }).train();
    dropped.forward(tokens);
    expect(dropped.attentionWeights.every((w) => w !== null)).toBe(true);
    dropped.eval().forward(tokens);
    expect(dropped.attentionWeights).toEqual([null, null]);
  });

  it('gives the same loss gradients with the fused kernel as with the weights (float32)', () => {
    for (const positional of ['sinusoidal', 'rotary'] as const) {
      const lm = tiny(
        { positional, dtype: 'float32', numKVHeads: 1, tieWeights: positional === 'rotary' },
        4,
      );
      const inputs = ids([1, 2, 3, 4, 5, 6, 0, 2, 4, 6, 1, 3], [2, 6]);
      const targets = ids([2, 3, 4, 5, 6, 0, 2, 4, 6, 1, 3, 5], [2, 6]);
      const grads = (needWeights: boolean) =>
        parameterGradients(lm, () => crossEntropy(lm.forward(inputs, { needWeights }), targets, 7));
      const fused = grads(false);
      const materialised = grads(true);
      expect(Object.keys(fused)).toEqual(Object.keys(materialised));
      for (const [name, g] of Object.entries(materialised)) expectFloat32Close(fused[name]!, g);
    }
  });

  it('decodes with the KV cache and the fused kernel as one forward with the weights (float32)', () => {
    const lm = tiny({ positional: 'rotary', dtype: 'float32', numKVHeads: 1 }, 5);
    const values = [3, 1, 4, 1, 5, 2, 6];
    const whole = flat(lm.forward(ids(values, [1, 7]), { needWeights: true }));
    const cache = lm.createCache();
    const pieces: number[] = [];
    for (const [start, n] of [
      [0, 4],
      [4, 1],
      [5, 2],
    ] as const) {
      pieces.push(...flat(lm.forward(ids(values.slice(start, start + n), [1, n]), { cache })));
      expect(lm.attentionWeights).toEqual([null, null]);
    }
    expectFloat32Close(pieces, whole);
    const greedy = lm.generate([3, 1, 4], { maxNewTokens: 4, temperature: 0 });
    // Each generated token is the argmax of a full forward (with the weights) over the sequence so far.
    for (let t = 3; t < 7; t++) {
      const logits = flat(lm.forward(ids(Array.from(greedy.subarray(0, t)), [1, t]), { needWeights: true }));
      expect(greedy[t]).toBe(argmaxOf(logits.slice(logits.length - 7)));
    }
  });

  it('throws InvalidArgumentError when numHiddens is not divisible by numHeads, or for other bad configs', () => {
    expect(() => tiny({ numHeads: 3 })).toThrow(
      /TransformerLM: numHiddens must be divisible by numHeads; got numHiddens 8 and numHeads 3/,
    );
    expect(() => tiny({ numKVHeads: 3, numHeads: 4 })).toThrow(
      /numKVHeads must divide numHeads; got numKVHeads 3 and numHeads 4/,
    );
    expect(() => tiny({ positional: 'relative' as LMPositional })).toThrow(
      /positional must be one of 'sinusoidal', 'learned', 'rotary', 'alibi'/,
    );
    expect(() => tiny({ norm: 'none' as 'pre' })).toThrow(/norm must be one of 'pre', 'post'/);
    expect(() => tiny({ numHiddens: 6, numHeads: 2, positional: 'rotary' })).toThrow(
      /even head size numHiddens \/ numHeads; got 6 \/ 2 = 3/,
    );
    expect(() => tiny({ dropout: 2 })).toThrow(/dropout must be a number in \[0, 1\]/);
    expect(() => tiny({ maxLen: 0 })).toThrow(/maxLen must be an integer ≥ 1/);
    expect(() => tiny({ tieWeights: 'yes' as unknown as boolean })).toThrow(/tieWeights must be a boolean/);
    expect(() => tiny({ dtype: 'int32' as 'float32' })).toThrow(/dtype must be one of/);
    expect(() => TransformerLM.fromConfig({ ...tiny().config, heads: 2 } as never)).toThrow(
      /unknown keys \[heads\]/,
    );
    expect(() => TransformerLM.fromConfig(null as never)).toThrow(/config must be an object/);
  });

  it('throws InvalidArgumentError when a sequence exceeds maxLen with sinusoidal or learned positions', () => {
    for (const positional of ['sinusoidal', 'learned'] as const) {
      const lm = tiny({ positional, maxLen: 4 });
      expect(() => lm.forward(ids([1, 2, 3, 4, 5], [1, 5]))).toThrow(
        new RegExp(
          `positions must fit maxLen 4 with ${positional} positions; got offset 0 \\+ sequence length 5 = 5`,
        ),
      );
      expect(() => lm.forward(ids([1, 2], [1, 2]), { offset: 3 })).toThrow(
        /offset 3 \+ sequence length 2 = 5/,
      );
    }
    for (const positional of ['rotary', 'alibi'] as const) {
      expect(tiny({ positional, maxLen: 4 }).forward(ids([1, 2, 3, 4, 5], [1, 5])).shape).toEqual([1, 5, 7]);
    }
  });

  it('throws InvalidArgumentError for token ids outside [0, vocabSize), also in generate', () => {
    const lm = tiny();
    expect(() => lm.forward(ids([1, 7], [1, 2]))).toThrow(
      /token ids must be in \[0, vocabSize = 7\); got 7 at \(0, 1\)/,
    );
    expect(() => lm.forward(ids([-1], [1, 1]))).toThrow(InvalidArgumentError);
    expect(() => lm.forward(tensor([[1, 2]]))).toThrow(/tokens must have dtype int32/);
    expect(() => lm.generate([1, 9], { maxNewTokens: 1 })).toThrow(
      /token ids must be integers in \[0, vocabSize = 7\); got 9 at index 1/,
    );
  });

  it('throws InvalidArgumentError for bad generate options, offsets or caches', () => {
    const lm = tiny();
    expect(() => lm.generate([], { maxNewTokens: 1 })).toThrow(/prompt must have at least one token/);
    expect(() => lm.generate([1], { maxNewTokens: -1 })).toThrow(/maxNewTokens must be an integer ≥ 0/);
    expect(() => lm.generate([1], { maxNewTokens: 1, temperature: -1 })).toThrow(
      /temperature must be a finite number ≥ 0/,
    );
    expect(() => lm.generate([1], { maxNewTokens: 1, topK: 0 })).toThrow(/topK must be an integer ≥ 1/);
    expect(() => lm.forward(ids([1], [1, 1]), { offset: 1.5 })).toThrow(/offset must be an integer ≥ 0/);
    const cache = lm.createCache();
    lm.forward(ids([1, 2], [1, 2]), { cache });
    expect(() => lm.forward(ids([3], [1, 1]), { cache, offset: 0 })).toThrow(
      /offset must equal the cache length 2; got 0/,
    );
    expect(() => lm.forward(ids([3], [1, 1]), { cache: tiny({ numBlks: 1 }).createCache() })).toThrow(
      /cache must be a KVCache with at least 2 layers/,
    );
  });

  it('throws ShapeError when tokens are not 2-D or do not match the cached batch', () => {
    const lm = tiny();
    expect(() => lm.forward(ids([1, 2], [2]))).toThrow(ShapeError);
    const cache = lm.createCache();
    lm.forward(ids([1, 2], [2, 1]), { cache });
    expect(() => lm.forward(ids([1, 2, 3], [3, 1]), { cache })).toThrow(ShapeError);
  });
});
