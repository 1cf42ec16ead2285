// PyTorch fixtures from tools/golden/masking.py (keys in FIXTURES.md): D2L masked_softmax and
// sequence_mask, outputs and gradients, compared with atol 1e-5 / rtol 1e-4.
import { readFileSync } from 'node:fs';
import { type DType, InvalidArgumentError, type Tensor, tensor } from '@attnkit/tensor';
import { expectClose } from '@attnkit/testing';
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

/** A fixture's PyTorch values as float64, so the comparison sees them unrounded. */
const expected = (f: Fixed): Tensor => tensor(f.data, { shape: f.shape, dtype: 'float64' });

/** Float32 tolerances against PyTorch: |actual − expected| ≤ 1e-5 + 1e-4·|expected|. */
const pytorch = { atol: 1e-5, rtol: 1e-4 };

/** maskedSoftmax forward and backward (output.backward(R)) against one fixture case. */
function checkSoftmaxCase(c: SoftmaxCase, validLens: Tensor | undefined): void {
  const x = load(c.X, true);
  const out = validLens === undefined ? maskedSoftmax(x) : maskedSoftmax(x, validLens);
  expectClose(out, expected(c.output), pytorch);
  out.backward(load(c.R));
  expect(x.grad).not.toBeNull();
  expectClose(x.grad as Tensor, expected(c.gradX), pytorch);
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
    expectClose(out, expected(c.output), { atol: 0, rtol: 0 });
    expect(Array.from(x.toTypedArray())).toEqual(before);
  });
});
