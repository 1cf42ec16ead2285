import {
  Generator,
  InvalidArgumentError,
  indexSelect,
  noGrad,
  ShapeError,
  type Tensor,
  tensor,
} from '@attnkit/tensor';
import { expectClose } from '@attnkit/testing';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Transformer, type TransformerDecodeStep, type TransformerOptions } from './transformer.js';

const base: TransformerOptions = {
  srcVocabSize: 11,
  tgtVocabSize: 9,
  numHiddens: 16,
  ffnNumHiddens: 24,
  numHeads: 4,
  numBlks: 2,
};

function ints(data: number[], shape: number[]): Tensor {
  return tensor(data, { shape, dtype: 'int32' });
}

function flat(t: Tensor): number[] {
  return Array.from(t.toTypedArray(), Number);
}

/** Logits of each target position decoded token by token through the caches. */
/** Feeds `tgt` (rows of equal length) one position at a time through the caches; each step's output. */
function decodeSteps(
  model: Transformer,
  src: Tensor,
  lens: Tensor,
  tgt: number[][],
): TransformerDecodeStep[] {
  let state = model.startDecoding(src, lens);
  return tgt[0]!.map((_, t) => {
    const step = model.decodeStep(
      ints(
        tgt.map((row) => row[t]!),
        [tgt.length],
      ),
      state,
    );
    state = step.state;
    return step;
  });
}

function cachedLogits(model: Transformer, src: Tensor, lens: Tensor, tgt: number[][]): number[][][] {
  const v = model.config.tgtVocabSize;
  const steps = decodeSteps(model, src, lens, tgt).map((s) => flat(s.logits));
  return tgt.map((_, b) => steps.map((l) => l.slice(b * v, (b + 1) * v)));
}

function fullLogits(model: Transformer, src: Tensor, lens: Tensor, tgt: number[][]): number[][][] {
  const steps = tgt[0]!.length;
  const v = model.config.tgtVocabSize;
  const l = flat(noGrad(() => model.forward(src, ints(tgt.flat(), [tgt.length, steps]), lens)));
  return tgt.map((_, b) =>
    Array.from({ length: steps }, (_, t) => l.slice((b * steps + t) * v, (b * steps + t + 1) * v)),
  );
}

describe('Transformer', () => {
  it('maps a padded source and a target to (batch, targetPositions, tgtVocabSize) logits', () => {
    const model = new Transformer({ ...base, rng: new Generator(0) });
    const logits = model.forward(
      ints([1, 2, 3, 0, 4, 5, 0, 0], [2, 4]),
      ints([1, 2, 3, 1, 4, 5], [2, 3]),
      ints([3, 2], [2]),
    );
    expect(logits.shape).toEqual([2, 3, 9]);
    expect(Object.keys(model.stateDict())).toContain('decoder.blks.block1.attention2.W_q.weight');
    expect(Object.keys(model.stateDict())).toContain('encoder.blks.block0.addnorm2.ln.bias');
  });

  it('ignores source padding beyond encValidLens', () => {
    const model = new Transformer({ ...base, rng: new Generator(1) }).eval();
    const tgt = ints([1, 2, 3], [1, 3]);
    const a = noGrad(() => model.forward(ints([4, 5, 6, 0, 0], [1, 5]), tgt, ints([3], [1])));
    const b = noGrad(() => model.forward(ints([4, 5, 6, 9, 7], [1, 5]), tgt, ints([3], [1])));
    expectClose(flat(a), flat(b), { atol: 1e-5, rtol: 0 });
  });

  it('is causal: a target position does not see later target tokens', () => {
    const model = new Transformer({ ...base, rng: new Generator(2) }).eval();
    const src = ints([4, 5, 6], [1, 3]);
    const lens = ints([3], [1]);
    const a = flat(noGrad(() => model.forward(src, ints([1, 2, 3], [1, 3]), lens)));
    const b = flat(noGrad(() => model.forward(src, ints([1, 2, 8], [1, 3]), lens)));
    expectClose(a.slice(0, 18), b.slice(0, 18), { atol: 1e-5, rtol: 0 });
    expect(a.slice(18).some((x, i) => Math.abs(x - b[18 + i]!) > 1e-4)).toBe(true);
  });

  it('ties the output layer to the decoder embedding and can share one embedding', () => {
    const tied = new Transformer({ ...base, tieWeights: true, rng: new Generator(0) });
    const untied = new Transformer({ ...base, rng: new Generator(0) });
    expect(untied.numParameters() - tied.numParameters()).toBe(9 * 16 + 9);
    expect(Object.keys(tied.stateDict())).not.toContain('decoder.dense.weight');
    const shared = new Transformer({
      ...base,
      srcVocabSize: 9,
      shareEmbeddings: true,
      rng: new Generator(0),
    });
    expect(shared.encoder.embedding).toBe(shared.decoder.embedding);
    const separate = new Transformer({ ...base, srcVocabSize: 9, rng: new Generator(0) });
    expect(separate.numParameters() - shared.numParameters()).toBe(9 * 16);
  });

  it('builds pre-norm stacks with a final LayerNorm each', () => {
    const model = new Transformer({ ...base, norm: 'pre', rng: new Generator(0) });
    const keys = Object.keys(model.stateDict());
    expect(keys).toContain('encoder.ln.weight');
    expect(keys).toContain('decoder.ln.bias');
  });

  it('round-trips its config', () => {
    const model = new Transformer({ ...base, norm: 'pre', tieWeights: true, maxLen: 40 });
    const copy = Transformer.fromConfig(JSON.parse(JSON.stringify(model.config)));
    expect(copy.config).toEqual(model.config);
    copy.loadStateDict(model.stateDict());
  });

  describe('cached decoding', () => {
    it('equals full recomputation (post-norm, pre-norm, tied), property', () => {
      fc.assert(
        fc.property(
          fc.integer({ min: 0, max: 1000 }),
          fc.constantFrom<'pre' | 'post'>('pre', 'post'),
          fc.boolean(),
          fc.integer({ min: 1, max: 5 }),
          (seed, norm, tieWeights, steps) => {
            const model = new Transformer({ ...base, norm, tieWeights, rng: new Generator(seed) }).eval();
            const rng = new Generator(seed + 1);
            const src = ints(
              Array.from({ length: 10 }, () => Math.floor(rng.random() * 11)),
              [2, 5],
            );
            const lens = ints([5, 1 + Math.floor(rng.random() * 4)], [2]);
            const tgt = [0, 1].map(() => Array.from({ length: steps }, () => Math.floor(rng.random() * 9)));
            const a = cachedLogits(model, src, lens, tgt);
            const b = fullLogits(model, src, lens, tgt);
            expectClose(a.flat(2), b.flat(2), { atol: 2e-5, rtol: 1e-4 });
          },
        ),
        { numRuns: 20 },
      );
    });

    it("keeps each step's cross-attention of every block and head: the teacher-forced weights, property", () => {
      fc.assert(
        fc.property(
          fc.integer({ min: 0, max: 1000 }),
          fc.constantFrom<'pre' | 'post'>('pre', 'post'),
          fc.integer({ min: 1, max: 5 }),
          (seed, norm, steps) => {
            const model = new Transformer({ ...base, norm, rng: new Generator(seed) }).eval();
            const rng = new Generator(seed + 1);
            const src = ints(
              Array.from({ length: 10 }, () => Math.floor(rng.random() * 11)),
              [2, 5],
            );
            const lens = ints([1 + Math.floor(rng.random() * 5), 1 + Math.floor(rng.random() * 5)], [2]);
            const tgt = [0, 1].map(() => Array.from({ length: steps }, () => Math.floor(rng.random() * 9)));
            // Decoding: (blocks, batch, heads, sourcePositions) per step.
            const cached = decodeSteps(model, src, lens, tgt).map(
              (s) => s.crossAttention.toArray() as number[][][][],
            );
            // Teacher forcing: each block's (batch, heads, targetPositions, sourcePositions).
            noGrad(() => model.forward(src, ints(tgt.flat(), [2, steps]), lens, { needWeights: true }));
            const lensOf = flat(lens);
            model.decoder.blks.forEach((blk, l) => {
              const full = blk.attention2.headWeights().toArray() as number[][][][];
              for (let t = 0; t < steps; t++) {
                for (let b = 0; b < 2; b++) {
                  for (let h = 0; h < base.numHeads; h++) {
                    const row = cached[t]![l]![b]![h]!;
                    expectClose(row, full[b]![h]![t]!, { atol: 1e-6, rtol: 1e-5 });
                    // Padding gets no weight; the valid keys share all of it.
                    expect(row.slice(lensOf[b]!).every((w) => w === 0)).toBe(true);
                    expectClose([row.reduce((a, w) => a + w, 0)], [1], { atol: 1e-5 });
                  }
                }
              }
            });
          },
        ),
        { numRuns: 20 },
      );
    });

    it('does not modify the state it is given, and selectState picks rows', () => {
      const model = new Transformer({ ...base, rng: new Generator(3) }).eval();
      const src = ints([1, 2, 3, 4, 5, 6], [2, 3]);
      const lens = ints([3, 2], [2]);
      const s0 = model.startDecoding(src, lens);
      const first = model.decodeStep(ints([1, 1], [2]), s0);
      const again = model.decodeStep(ints([1, 1], [2]), s0);
      expectClose(flat(first.logits), flat(again.logits), { atol: 0, rtol: 0 });
      expect(first.crossAttention.shape).toEqual([2, 2, 4, 3]);
      // Row 1 alone, selected from the batch, decodes as row 1 of the batch.
      const picked = model.selectState(first.state, ints([1, 1, 0], [3]));
      const next = model.decodeStep(ints([2, 2, 2], [3]), picked);
      const whole = model.decodeStep(ints([2, 2], [2]), first.state);
      const v = 9;
      expectClose(flat(next.logits).slice(0, v), flat(whole.logits).slice(v, 2 * v), { atol: 1e-5, rtol: 0 });
      expectClose(flat(next.logits).slice(2 * v), flat(whole.logits).slice(0, v), { atol: 1e-5, rtol: 0 });
    });

    it("decodes a source's beams, which share its encoder outputs and keys/values, as separate copies of the source (property)", () => {
      fc.assert(
        fc.property(
          fc.integer({ min: 0, max: 1000 }),
          fc.integer({ min: 1, max: 4 }),
          fc.integer({ min: 1, max: 4 }),
          fc.constantFrom<'pre' | 'post'>('pre', 'post'),
          (seed, beams, steps, norm) => {
            const model = new Transformer({ ...base, norm, rng: new Generator(seed) }).eval();
            const rng = new Generator(seed + 1);
            const draw = (n: number) => Math.floor(rng.random() * n);
            const batch = 3;
            const src = ints(
              Array.from({ length: batch * 4 }, () => draw(11)),
              [batch, 4],
            );
            const lens = ints([4, 1 + draw(4), 2], [batch]);
            // Beam search's expansion: rows s·beams … s·beams + beams − 1 decode source s.
            const rows = ints(
              Array.from({ length: batch * beams }, (_, r) => Math.floor(r / beams)),
              [batch * beams],
            );
            let shared = model.selectState(model.startDecoding(src, lens), rows);
            expect(shared.rowsPerSource).toBe(beams);
            expect(shared.encOutputs.shape[0]).toBe(batch);
            // The reference keeps one copy of its source per row (each row encoded as a source).
            let copies = model.startDecoding(indexSelect(src, 0, rows), indexSelect(lens, 0, rows));
            let live = batch;
            for (let t = 0; t < steps; t++) {
              const tokens = ints(
                Array.from({ length: live * beams }, () => draw(9)),
                [live * beams],
              );
              const a = model.decodeStep(tokens, shared);
              const b = model.decodeStep(tokens, copies);
              expectClose(flat(a.logits), flat(b.logits), { atol: 2e-5, rtol: 1e-4 });
              expect(a.crossAttention.shape).toEqual(b.crossAttention.shape);
              expectClose(flat(a.crossAttention), flat(b.crossAttention), { atol: 1e-5, rtol: 0 });
              // Each source's beams in a random order; source 0 leaves the search after step 0.
              const leave = t === 0 && live > 1 ? 1 : 0;
              const next: number[] = [];
              for (let s = leave; s < live; s++) {
                const order = Array.from({ length: beams }, (_, k) => k);
                for (let k = beams - 1; k > 0; k--) {
                  const j = draw(k + 1);
                  [order[k], order[j]] = [order[j]!, order[k]!];
                }
                next.push(...order.map((k) => s * beams + k));
              }
              shared = model.selectState(a.state, ints(next, [next.length]));
              copies = model.selectState(b.state, ints(next, [next.length]));
              expect(shared.rowsPerSource).toBe(beams);
              expect(copies.rowsPerSource).toBe(1);
              if (leave === 0) {
                // Nothing copied while no source leaves: the same tensors, not gathered ones.
                expect(shared.encOutputs === a.state.encOutputs).toBe(true);
                expect(shared.caches[0]!.cross.keys === a.state.caches[0]!.cross.keys).toBe(true);
              } else {
                expect(shared.encOutputs.shape[0]).toBe(live - 1);
              }
              live -= leave;
            }
          },
        ),
        { numRuns: 20 },
      );
    });

    it('gives cross-attention weights that sum to 1 over the valid source positions only', () => {
      const model = new Transformer({ ...base, rng: new Generator(4) }).eval();
      const step = model.decodeStep(
        ints([1, 1], [2]),
        model.startDecoding(ints([1, 2, 3, 4, 5, 6], [2, 3]), ints([3, 1], [2])),
      );
      const w = flat(step.crossAttention); // (2 blocks, 2 batch, 4 heads, 3)
      for (let r = 0; r < 16; r++)
        expectClose([w[3 * r]! + w[3 * r + 1]! + w[3 * r + 2]!], [1], { atol: 1e-5 });
      // batch row 1 has one valid source position
      for (const blk of [0, 1])
        for (let h = 0; h < 4; h++) expectClose([w[((blk * 2 + 1) * 4 + h) * 3]!], [1], { atol: 1e-5 });
    });
  });

  describe('errors', () => {
    it('throws InvalidArgumentError for an unknown option', () => {
      expect(() => new Transformer({ ...base, numLayers: 2 } as unknown as TransformerOptions)).toThrow(
        InvalidArgumentError,
      );
    });

    it('throws InvalidArgumentError when shareEmbeddings has two vocabulary sizes', () => {
      expect(() => new Transformer({ ...base, shareEmbeddings: true })).toThrow(
        /srcVocabSize === tgtVocabSize/,
      );
    });

    it('throws ShapeError when decX and encX disagree in batch', () => {
      const model = new Transformer(base);
      expect(() => model.forward(ints([1, 2], [1, 2]), ints([1, 2, 3, 4], [2, 2]))).toThrow(ShapeError);
    });

    it('throws ShapeError when decodeStep tokens do not match the batch', () => {
      const model = new Transformer(base).eval();
      const state = model.startDecoding(ints([1, 2], [1, 2]), ints([2], [1]));
      expect(() => model.decodeStep(ints([1, 1], [2]), state)).toThrow(ShapeError);
    });
  });
});
