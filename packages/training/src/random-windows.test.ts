import { Generator, InvalidArgumentError } from '@attnkit/tensor';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { randomWindows } from './random-windows.js';

const range = (n: number): Int32Array => Int32Array.from({ length: n }, (_, i) => i);

describe('randomWindows', () => {
  it('returns (batch, context) int32 inputs and targets shifted by one token', () => {
    const next = randomWindows(range(50), { contextLength: 4, batchSize: 3, rng: new Generator(0) });
    const { inputs, targets } = next();
    expect(inputs.shape).toEqual([3, 4]);
    expect(targets.dtype).toBe('int32');
    const x = inputs.toTypedArray();
    const y = targets.toTypedArray();
    // Over 0, 1, 2, … every window is consecutive and each target is the next token.
    for (let i = 0; i < x.length; i++) expect(y[i]).toBe(x[i]! + 1);
  });

  it('draws the same windows from the same seed', () => {
    const make = () => randomWindows(range(100), { contextLength: 5, batchSize: 4, rng: new Generator(3) });
    const a = make();
    const b = make();
    expect(Array.from(a().inputs.toTypedArray())).toEqual(Array.from(b().inputs.toTypedArray()));
    expect(Array.from(a().inputs.toTypedArray())).not.toEqual(Array.from(make()().inputs.toTypedArray()));
  });

  it('uses the only possible window when tokens hold exactly contextLength + 1', () => {
    const { inputs, targets } = randomWindows(range(4), { contextLength: 3, batchSize: 2 })();
    expect(Array.from(inputs.toTypedArray())).toEqual([0, 1, 2, 0, 1, 2]);
    expect(Array.from(targets.toTypedArray())).toEqual([1, 2, 3, 1, 2, 3]);
  });

  it('keeps every window and its target inside the tokens', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 6 }),
        fc.integer({ min: 0, max: 20 }),
        fc.integer(),
        (context, spare, seed) => {
          const n = context + 1 + spare;
          const { inputs, targets } = randomWindows(range(n), {
            contextLength: context,
            batchSize: 4,
            rng: new Generator(seed),
          })();
          const x = inputs.toTypedArray();
          const y = targets.toTypedArray();
          for (let b = 0; b < 4; b++) {
            const start = x[b * context]!;
            expect(start + context).toBeLessThanOrEqual(n - 1);
            for (let i = 0; i < context; i++) {
              expect(x[b * context + i]).toBe(start + i);
              expect(y[b * context + i]).toBe(start + i + 1);
            }
          }
        },
      ),
    );
  });

  it('throws InvalidArgumentError for non-Int32Array tokens, bad sizes or too few tokens', () => {
    expect(() =>
      randomWindows([1, 2, 3] as unknown as Int32Array, { contextLength: 1, batchSize: 1 }),
    ).toThrow('randomWindows: tokens must be an Int32Array; got an array.');
    expect(() => randomWindows(range(10), { contextLength: 0, batchSize: 1 })).toThrow(InvalidArgumentError);
    expect(() => randomWindows(range(10), { contextLength: 2, batchSize: 1.5 })).toThrow(
      InvalidArgumentError,
    );
    expect(() => randomWindows(range(3), { contextLength: 3, batchSize: 1 })).toThrow(
      'randomWindows: tokens must hold at least contextLength + 1 = 4 tokens; got 3.',
    );
  });
});
