// PyTorch fixtures from tools/golden/masking.py (keys in FIXTURES.md): D2L masked_softmax and
// sequence_mask, outputs and gradients, compared with atol 1e-5 / rtol 1e-4.
import { readFileSync } from 'node:fs';
import { type DType, InvalidArgumentError, type Tensor, tensor } from '@attnkit/tensor';
import { describe, expect, it } from 'vitest';
import { maskedSoftmax, sequenceMask } from '../src/index.js';

interface Fixed {
  shape: number[];
  dtype: DType;
  data: number[];
}
interface SoftmaxCase {
  X: Fixed;
  validLens: Fixed | null;
  output: Fixed;
  R: Fixed;
  gradX: Fixed;
}
interface SequenceCase {
  X: Fixed;
  validLen: Fixed;
  value: number;
  output: Fixed;
}
interface Fixture {
  maskedSoftmax: Record<string, SoftmaxCase>;
  sequenceMask: Record<string, SequenceCase>;
}

const fixture = JSON.parse(
  readFileSync(new URL('./fixtures/masking.json', import.meta.url), 'utf8'),
) as Fixture;

const load = (f: Fixed, requiresGrad = false): Tensor =>
  tensor(f.data, { shape: f.shape, dtype: f.dtype, requiresGrad });

/** Every |actual - expected| <= atol + rtol * |expected|, and the shapes agree. */
function expectAllClose(actual: Tensor, expected: Fixed, atol = 1e-5, rtol = 1e-4): void {
  expect(actual.shape).toEqual(expected.shape);
  const a = actual.toTypedArray();
  expected.data.forEach((e, i) => {
    const diff = Math.abs(a[i]! - e);
    if (!(diff <= atol + rtol * Math.abs(e))) {
      throw new Error(`index ${i}: got ${a[i]}, PyTorch ${e} (diff ${diff}).`);
    }
  });
}

/** maskedSoftmax forward and backward (output.backward(R)) against one fixture case. */
function checkSoftmaxCase(c: SoftmaxCase, validLens: Tensor | undefined): void {
  const x = load(c.X, true);
  const out = validLens === undefined ? maskedSoftmax(x) : maskedSoftmax(x, validLens);
  expectAllClose(out, c.output);
  out.backward(load(c.R));
  expect(x.grad).not.toBeNull();
  expectAllClose(x.grad as Tensor, c.gradX);
}

describe('maskedSoftmax (PyTorch golden)', () => {
  const cases = fixture.maskedSoftmax;

  it.each(['validLens1d', 'validLens2d', 'noValidLens', 'validLens2dWithZero'])(
    'matches PyTorch D2L masked_softmax and its gradient: %s',
    (name) => {
      const c = cases[name]!;
      checkSoftmaxCase(c, c.validLens === null ? undefined : load(c.validLens));
    },
  );

  it('rejects validLens > keys that D2L silently accepts, and matches it once clamped to keys', () => {
    const c = cases.validLensZeroAndFull!;
    const lens = c.validLens as Fixed; // [0, 7] with 5 keys
    expect(() => maskedSoftmax(load(c.X), load(lens))).toThrow(InvalidArgumentError);
    const keys = c.X.shape[2]!;
    const clamped = tensor(
      lens.data.map((l) => Math.min(l, keys)),
      { shape: lens.shape, dtype: 'int32' },
    );
    checkSoftmaxCase(c, clamped);
  });
});

describe('sequenceMask (PyTorch golden)', () => {
  it.each(Object.keys(fixture.sequenceMask))('matches D2L sequence_mask: %s', (name) => {
    const c = fixture.sequenceMask[name]!;
    const x = load(c.X);
    const before = Array.from(x.toTypedArray());
    const out = sequenceMask(x, load(c.validLen), c.value);
    expect(out.dtype).toBe(c.X.dtype);
    expectAllClose(out, c.output, 0, 0);
    expect(Array.from(x.toTypedArray())).toEqual(before);
  });
});
