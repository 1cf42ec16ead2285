import { Generator, InvalidArgumentError, sum, tensor } from '@attnkit/tensor';
import { describe, expect, it } from 'vitest';
import { Embedding } from './embedding.js';

describe('Embedding', () => {
  it('looks up one row of weight per index', () => {
    const embed = new Embedding({ numEmbeddings: 4, embeddingDim: 2 });
    embed.loadStateDict({
      weight: [
        [0, 0.5],
        [1, 1.5],
        [2, 2.5],
        [3, 3.5],
      ],
    });
    const out = embed.forward(
      tensor(
        [
          [1, 3],
          [0, 0],
        ],
        { dtype: 'int32' },
      ),
    );
    expect(out.shape).toEqual([2, 2, 2]);
    expect(out.toArray()).toEqual([
      [
        [1, 1.5],
        [3, 3.5],
      ],
      [
        [0, 0.5],
        [0, 0.5],
      ],
    ]);
  });

  it('stores weight (numEmbeddings, embeddingDim) under the PyTorch key', () => {
    const embed = new Embedding({ numEmbeddings: 5, embeddingDim: 3 });
    expect(Object.keys(embed.stateDict())).toEqual(['weight']);
    expect(embed.weight.shape).toEqual([5, 3]);
    expect(embed.numParameters()).toBe(15);
  });

  it('initialises weight from N(0, 1)', () => {
    const w = Array.from(
      new Embedding({ numEmbeddings: 100, embeddingDim: 50, rng: new Generator(0) }).weight.toTypedArray(),
    );
    const mean = w.reduce((s, v) => s + v, 0) / w.length;
    const variance = w.reduce((s, v) => s + (v - mean) ** 2, 0) / w.length;
    // 5000 draws: σ of the mean ≈ 0.014, of the variance ≈ 0.02.
    expect(Math.abs(mean)).toBeLessThan(0.07);
    expect(Math.abs(variance - 1)).toBeLessThan(0.1);
  });

  it('draws the same table from the same seed', () => {
    const table = (seed: number): number[] =>
      Array.from(
        new Embedding({ numEmbeddings: 3, embeddingDim: 2, rng: new Generator(seed) }).weight.toTypedArray(),
      );
    expect(table(4)).toEqual(table(4));
    expect(table(4)).not.toEqual(table(5));
  });

  it('makes a float64 table when asked', () => {
    expect(new Embedding({ numEmbeddings: 2, embeddingDim: 2, dtype: 'float64' }).weight.dtype).toBe(
      'float64',
    );
  });

  it('scatter-adds the gradient into the rows looked up', () => {
    const embed = new Embedding({ numEmbeddings: 4, embeddingDim: 2 });
    sum(embed.forward(tensor([1, 1, 2], { dtype: 'int32' }))).backward();
    expect(embed.weight.grad?.toArray()).toEqual([
      [0, 0],
      [2, 2],
      [1, 1],
      [0, 0],
    ]);
  });

  it('throws InvalidArgumentError for float indices or an index out of range', () => {
    const embed = new Embedding({ numEmbeddings: 4, embeddingDim: 2 });
    expect(() => embed.forward(tensor([1, 2]))).toThrow(InvalidArgumentError);
    expect(() => embed.forward(tensor([1, 4], { dtype: 'int32' }))).toThrow(InvalidArgumentError);
    expect(() => embed.forward(tensor([-1], { dtype: 'int32' }))).toThrow(InvalidArgumentError);
  });

  it('throws InvalidArgumentError for a negative or fractional size', () => {
    expect(() => new Embedding({ numEmbeddings: -1, embeddingDim: 2 })).toThrow(InvalidArgumentError);
    expect(() => new Embedding({ numEmbeddings: 2, embeddingDim: 1.5 })).toThrow(
      /embeddingDim must be an integer/,
    );
  });
});
