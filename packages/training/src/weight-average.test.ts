import { Parameter } from '@attnkit/layers';
import { InvalidArgumentError, NonFiniteError, tensor } from '@attnkit/tensor';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { expectAllClose, type Fixed, load, readFixture } from '../test/helpers.js';
import { WeightAverage } from './weight-average.js';

interface Case {
  decay: number | null;
  steps: { params: Fixed[]; averages: Fixed[] }[];
}
const golden = readFixture<{ weightAverage: { uniform: Case; ema: Case } }>('training.json').weightAverage;

/** Copies `values` into `p` in place, as an optimizer step would. */
function assign(p: Parameter, values: ArrayLike<number>): void {
  const { data, offset } = p.nd;
  for (let i = 0; i < values.length; i++) data[offset + i] = values[i]!;
}

describe('WeightAverage', () => {
  for (const [name, c] of Object.entries(golden)) {
    it(`matches torch.optim.swa_utils.AveragedModel (${name}) after every update, float32`, () => {
      const first = c.steps[0]!.params;
      const params = first.map((f) => new Parameter(load(f)));
      const average = new WeightAverage(params, c.decay === null ? {} : { decay: c.decay });
      for (const step of c.steps) {
        params.forEach((p, i) => {
          assign(p, step.params[i]!.data as number[]);
        });
        average.update();
        const trained = params.map((p) => [...p.toTypedArray()]);
        average.swap();
        params.forEach((p, i) => {
          expectAllClose(p, step.averages[i]!, 1e-6, 1e-6);
        });
        average.swap();
        params.forEach((p, i) => {
          expect([...p.toTypedArray()]).toEqual(trained[i]);
        });
      }
      expect(average.count).toBe(c.steps.length);
    });
  }

  it('is the float64 mean of the snapshots (uniform) and the closed-form EMA (decay), for any sequence', () => {
    fc.assert(
      fc.property(
        fc.array(fc.array(fc.double({ min: -1e3, max: 1e3, noNaN: true }), { minLength: 3, maxLength: 3 }), {
          minLength: 1,
          maxLength: 12,
        }),
        fc.double({ min: 0, max: 0.999, noNaN: true }),
        (snapshots, decay) => {
          const p = new Parameter(tensor([0, 0, 0], { dtype: 'float64' }));
          const q = new Parameter(tensor([0, 0, 0], { dtype: 'float64' }));
          const uniform = new WeightAverage([p]);
          const ema = new WeightAverage([q], { decay });
          for (const s of snapshots) {
            assign(p, s);
            assign(q, s);
            uniform.update();
            ema.update();
          }
          const mean = [0, 1, 2].map((j) => snapshots.reduce((acc, s) => acc + s[j]!, 0) / snapshots.length);
          // EMA in closed form: the first snapshot weighted decay^(n−1), snapshot k ≥ 1 (1 − decay)·decay^(n−1−k).
          const n = snapshots.length;
          const closed = [0, 1, 2].map((j) =>
            snapshots.reduce(
              (acc, s, k) => acc + s[j]! * (k === 0 ? decay ** (n - 1) : (1 - decay) * decay ** (n - 1 - k)),
              0,
            ),
          );
          uniform.swap();
          ema.swap();
          expectAllClose(p, mean, 1e-9, 1e-12);
          expectAllClose(q, closed, 1e-9, 1e-12);
        },
      ),
    );
  });

  it('restores the trained values exactly and rounds the average to float32 once', () => {
    const p = new Parameter(tensor([0.1, 0.2], { dtype: 'float32' }));
    const trained = p.toTypedArray().slice();
    const average = new WeightAverage([p]);
    average.update();
    assign(p, [0.3, 0.7]);
    average.update();
    const after = p.toTypedArray().slice();
    average.swap();
    expect(average.swapped).toBe(true);
    // (float32(0.1) + float32(0.3)) / 2 in float64, rounded once.
    expect(p.toTypedArray()[0]).toBe(Math.fround((Math.fround(0.1) + Math.fround(0.3)) / 2));
    average.swap();
    expect(average.swapped).toBe(false);
    expect([...p.toTypedArray()]).toEqual([...after]);
    expect([...trained]).not.toEqual([...after]);
  });

  it('rejects bad arguments and misuse with errors that name them', () => {
    const p = new Parameter(tensor([1, 2]));
    expect(() => new WeightAverage([])).toThrow(/parameters must not be empty/);
    expect(() => new WeightAverage([p, p])).toThrow(/parameters\[1\] appears twice/);
    expect(() => new WeightAverage([{} as Parameter])).toThrow(/parameters\[0\] must be a Tensor/);
    expect(() => new WeightAverage([tensor([1], { dtype: 'int32' })])).toThrow(
      /float32 or float64; got int32/,
    );
    expect(() => new WeightAverage([p], { decay: 1 })).toThrow(/decay must be a number in \[0, 1\)/);
    expect(() => new WeightAverage([p], { decay: -0.1 })).toThrow(InvalidArgumentError);
    expect(() => new WeightAverage([p], { momentum: 0.9 } as never)).toThrow(/unknown option 'momentum'/);
    const average = new WeightAverage([p]);
    expect(() => average.swap()).toThrow(/no update yet/);
    average.update();
    average.swap();
    expect(() => average.update()).toThrow(/swapped in; swap\(\) back first/);
  });

  it('refuses a non-finite parameter and leaves the average as it was', () => {
    const p = new Parameter(tensor([1, 2], { dtype: 'float64' }));
    const q = new Parameter(tensor([3], { dtype: 'float64' }));
    const average = new WeightAverage([p, q]);
    average.update();
    assign(p, [5, 6]);
    assign(q, [Number.NaN]);
    expect(() => average.update()).toThrow(NonFiniteError);
    expect(() => average.update()).toThrow(/parameters\[1\] holds NaN at element 0/);
    expect(average.count).toBe(1);
    average.swap();
    expect([...p.toTypedArray(), ...q.toTypedArray()]).toEqual([1, 2, 3]);
  });
});
