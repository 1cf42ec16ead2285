import { Generator, noGrad } from '@attnkit/tensor';
import { TransformerLM } from '@attnkit/transformer';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { evaluationBatches, evaluationWindows, meanLoss, spreadWindows } from './evaluate.js';

describe('evaluationWindows', () => {
  it('cuts 10 tokens (9 predictions) with context 4 into windows of 4, 4 and 1', () => {
    expect(evaluationWindows(new Int32Array(10), 4)).toEqual([
      { start: 0, length: 4 },
      { start: 4, length: 4 },
      { start: 8, length: 1 },
    ]);
  });

  it('predicts every token after the first exactly once', () => {
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 60 }), fc.integer({ min: 1, max: 12 }), (n, context) => {
        const seen = new Array<number>(n).fill(0);
        for (const w of evaluationWindows(new Int32Array(n), context)) {
          expect(w.length).toBeGreaterThanOrEqual(1);
          expect(w.length).toBeLessThanOrEqual(context);
          for (let i = w.start + 1; i <= w.start + w.length; i++) seen[i]! += 1;
        }
        expect(seen).toEqual([0, ...new Array<number>(n - 1).fill(1)]);
      }),
    );
  });
});

describe('spreadWindows', () => {
  it('picks evenly spaced windows, or all of them when count is 0 or too large', () => {
    const windows = Array.from({ length: 10 }, (_, i) => ({ start: 4 * i, length: 4 }));
    expect(spreadWindows(windows, 5).map((w) => w.start)).toEqual([0, 8, 16, 24, 32]);
    expect(spreadWindows(windows, 0)).toHaveLength(10);
    expect(spreadWindows(windows, 20)).toHaveLength(10);
  });
});

describe('evaluationBatches', () => {
  it('stacks windows of equal length with their targets shifted by one', () => {
    const tokens = Int32Array.from([10, 11, 12, 13, 14, 15, 16]);
    const batches = evaluationBatches(tokens, evaluationWindows(tokens, 4), 8);
    expect(batches.map((b) => b.inputs.shape)).toEqual([
      [1, 4],
      [1, 2],
    ]);
    expect(Array.from(batches[0]!.inputs.toTypedArray())).toEqual([10, 11, 12, 13]);
    expect(Array.from(batches[0]!.targets.toTypedArray())).toEqual([11, 12, 13, 14]);
    expect(Array.from(batches[1]!.inputs.toTypedArray())).toEqual([14, 15]);
    expect(Array.from(batches[1]!.targets.toTypedArray())).toEqual([15, 16]);
  });

  it('splits a group into batches of at most batchSize', () => {
    const tokens = new Int32Array(21);
    const batches = evaluationBatches(tokens, evaluationWindows(tokens, 2), 3);
    expect(batches.map((b) => b.inputs.shape[0])).toEqual([3, 3, 3, 1]);
  });
});

describe('meanLoss', () => {
  it('equals the mean negative log-likelihood computed by an explicit log-sum-exp loop', () => {
    const model = new TransformerLM({
      vocabSize: 7,
      numHiddens: 8,
      numHeads: 2,
      numBlks: 1,
      ffnNumHiddens: 16,
      maxLen: 5,
      rng: new Generator(3),
    });
    const rng = new Generator(4);
    const tokens = Int32Array.from({ length: 13 }, () => rng.int(0, 7));
    const batches = evaluationBatches(tokens, evaluationWindows(tokens, 5), 2);
    let total = 0;
    let count = 0;
    noGrad(() => {
      for (const { inputs, targets } of batches) {
        const logits = model.eval().forward(inputs).toTypedArray();
        const t = targets.toTypedArray();
        for (let i = 0; i < t.length; i++) {
          const row = Array.from(logits.subarray(i * 7, (i + 1) * 7), Number);
          const m = Math.max(...row);
          const lse = m + Math.log(row.reduce((s, x) => s + Math.exp(x - m), 0));
          total += lse - row[Number(t[i])]!;
          count++;
        }
      }
    });
    model.train();
    expect(count).toBe(12);
    expect(Math.abs(meanLoss(model, batches) - total / count)).toBeLessThan(1e-5);
    expect(model.training).toBe(true);
  });
});
