import { InvalidArgumentError, type Tensor } from '@attnkit/tensor';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { booleanMasks } from './boolean-masks.js';
import { shapes } from './shapes.js';

const view = (t: Tensor) => ({ dtype: t.dtype, shape: t.shape, values: t.toArray() });

describe('booleanMasks', () => {
  it('gives bool tensors of a fixed shape', () => {
    const [mask] = fc.sample(booleanMasks({ shape: [2, 3] }), 1);
    expect(mask!.dtype).toBe('bool');
    expect(mask!.shape).toEqual([2, 3]);
    expect((mask!.toArray() as boolean[][]).flat().every((b) => typeof b === 'boolean')).toBe(true);
  });

  it('draws masks with both true and false elements', () => {
    const all = fc
      .sample(booleanMasks({ shape: [6] }), { seed: 5, numRuns: 20 })
      .flatMap((m) => Array.from(m.toTypedArray()));
    expect(all).toContain(0);
    expect(all).toContain(1);
  });

  it('gives the same masks for the same seed', () => {
    const run = () => fc.sample(booleanMasks({ shape: shapes() }), { seed: 42, numRuns: 20 }).map(view);
    expect(run()).toEqual(run());
  });

  it('gives bool masks of the drawn shape', () => {
    fc.assert(
      fc.property(shapes({ maxSide: 4 }), fc.gen(), (shape, g) => {
        const mask = g(booleanMasks, { shape });
        expect(mask.dtype).toBe('bool');
        expect(mask.shape).toEqual(shape);
        expect(Array.from(mask.toTypedArray()).every((b) => b === 0 || b === 1)).toBe(true);
      }),
    );
  });

  it('shrinks a failing mask to a single true element, and a drawn shape to a scalar', () => {
    const anyTrueFails = (m: Tensor) => Array.from(m.toTypedArray()).every((b) => b === 0);
    const fixed = fc.check(fc.property(booleanMasks({ shape: [2, 3] }), anyTrueFails)).counterexample;
    expect(Array.from(fixed![0].toTypedArray()).filter((b) => b === 1)).toHaveLength(1);
    const drawn = fc.check(fc.property(booleanMasks({ shape: shapes() }), anyTrueFails)).counterexample;
    expect(view(drawn![0])).toEqual({ dtype: 'bool', shape: [], values: true }); // a scalar is the smallest shape
  });

  it('throws InvalidArgumentError when a fixed shape has a negative extent', () => {
    expect(() => booleanMasks({ shape: [-2] })).toThrow(InvalidArgumentError);
  });
});
