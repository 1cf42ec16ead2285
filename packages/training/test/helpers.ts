// Shared by the tests of @attnkit/training: the PyTorch fixture and float comparisons.
import { readFileSync } from 'node:fs';
import { type DType, type Tensor, tensor } from '@attnkit/tensor';

/** A tensor as tools/golden/common.py writes it. */
export interface Fixed {
  shape: number[];
  dtype: DType;
  data: (number | boolean)[];
}

/** Reads a JSON fixture beside this file. */
export function readFixture<T>(name: string): T {
  return JSON.parse(readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8')) as T;
}

/** Reads a binary fixture beside this file. */
export function readBytes(name: string): Uint8Array {
  return new Uint8Array(readFileSync(new URL(`./fixtures/${name}`, import.meta.url)));
}

/** The fixture tensor as an attnkit tensor of its dtype. */
export function load(f: Fixed, requiresGrad = false): Tensor {
  return tensor(f.data as number[], { shape: f.shape, dtype: f.dtype, requiresGrad });
}

/**
 * Throws unless the shapes agree and every |actual − expected| ≤ atol + rtol·|expected|
 * (NaN matches only NaN), naming the first element that differs.
 */
export function expectAllClose(
  actual: Tensor | ArrayLike<number>,
  expected: Fixed | ArrayLike<number>,
  atol = 1e-6,
  rtol = 1e-5,
): void {
  const a = 'toTypedArray' in actual ? actual.toTypedArray() : actual;
  const e = 'data' in expected ? (expected.data as number[]) : expected;
  if ('shape' in actual && 'shape' in expected) {
    const same =
      actual.shape.length === expected.shape.length && actual.shape.every((d, i) => d === expected.shape[i]);
    if (!same)
      throw new Error(`shape (${actual.shape.join(', ')}) differs from (${expected.shape.join(', ')}).`);
  }
  if (a.length !== e.length) throw new Error(`length ${a.length} differs from ${e.length}.`);
  for (let i = 0; i < e.length; i++) {
    const x = Number(a[i]);
    const y = Number(e[i]);
    if (Number.isNaN(x) && Number.isNaN(y)) continue;
    const diff = Math.abs(x - y);
    if (!(diff <= atol + rtol * Math.abs(y))) {
      throw new Error(`index ${i}: got ${x}, expected ${y} (diff ${diff}).`);
    }
  }
}
