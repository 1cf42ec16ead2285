import {
  checkOptions,
  formatShape,
  InvalidArgumentError,
  type NestedArray,
  Tensor,
  type TypedArray,
} from '@attnkit/tensor';
import { formatNumber } from './internal/format-number.js';
import { unravel } from './internal/unravel.js';

/** What {@link expectClose} compares: a tensor, a number, nested JS arrays or a typed array (1-D). */
export type CloseValue = Tensor | number | boolean | NestedArray<number> | NestedArray<boolean> | TypedArray;

/** Options of {@link expectClose}. */
export interface ExpectCloseOptions {
  /** Absolute tolerance; default 1e-5 (PyTorch float32). */
  atol?: number;
  /** Relative tolerance, times |expected|; default 1.3e-6 (PyTorch float32). */
  rtol?: number;
  /** Count NaN as equal to NaN; default false. */
  equalNan?: boolean;
}

/**
 * Asserts that two tensors (or numbers, or nested arrays) have the same shape and elementwise
 * |actual − expected| ≤ atol + rtol·|expected|.
 *
 * Shapes: actual (...), expected (...) -> void; the shapes must be equal (no broadcasting)
 *
 * @param actual - The computed value.
 * @param expected - The reference value; the tolerance scales with its magnitude.
 * @param options - `atol`, `rtol` and `equalNan`.
 * @throws Error if the shapes differ, naming both; or if any element is not close, reporting how
 *   many elements differ, the worst index, actual vs expected there and the absolute and relative
 *   differences. Infinities match only the same infinity; NaN matches NaN only with `equalNan`.
 * @throws {@link InvalidArgumentError} if a nested array is ragged.
 * @remarks The defaults are `torch.testing.assert_close`'s for float32. Unlike `assert_close` the
 *   dtypes are not compared, so a float32 result can be checked against float64 or plain numbers.
 * @see PyTorch `torch.testing.assert_close`; NumPy `numpy.testing.assert_allclose`.
 * @example
 * ```ts
 * expectClose(softmax(tensor([1, 2, 3])), [0.09003057, 0.24472847, 0.66524096]);
 * ```
 */
export function expectClose(
  actual: CloseValue,
  expected: CloseValue,
  options: ExpectCloseOptions = {},
): void {
  checkOptions(
    'expectClose',
    options,
    { atol: 'number', rtol: 'number', equalNan: 'boolean' },
    { argument: 'options' },
  );
  const { atol = 1e-5, rtol = 1.3e-6, equalNan = false } = options;
  const a = flatten(actual, 'actual');
  const e = flatten(expected, 'expected');
  if (!sameShape(a.shape, e.shape)) {
    throw new Error(
      `expectClose: actual must have shape ${formatShape(e.shape)} like expected; got ${formatShape(a.shape)}.`,
    );
  }
  let mismatches = 0;
  let worst = -1;
  let worstDiff = -1;
  for (let i = 0; i < a.values.length; i++) {
    const x = a.values[i]!;
    const y = e.values[i]!;
    if (x === y || (equalNan && Number.isNaN(x) && Number.isNaN(y))) continue;
    const diff = Math.abs(x - y);
    // An infinite expected value would make the tolerance infinite: non-finite values must match exactly.
    if (Number.isFinite(y) && diff <= atol + rtol * Math.abs(y)) continue;
    mismatches++;
    // NaN and infinite differences rank above every finite one.
    const rank = Number.isNaN(diff) ? Number.POSITIVE_INFINITY : diff;
    if (rank > worstDiff) {
      worstDiff = rank;
      worst = i;
    }
  }
  if (mismatches === 0) return;
  const x = a.values[worst]!;
  const y = e.values[worst]!;
  const diff = Math.abs(x - y);
  const n = a.values.length;
  throw new Error(
    `expectClose: ${mismatches} of ${n} elements differ (${((100 * mismatches) / n).toFixed(1)}%) ` +
      `beyond atol ${formatNumber(atol)} + rtol ${formatNumber(rtol)}·|expected|.\n` +
      `Worst at index ${formatShape(unravel(worst, a.shape))}: actual ${x}, expected ${y} ` +
      `(abs diff ${diff}, rel diff ${diff / Math.abs(y)}).`,
  );
}

interface Flat {
  shape: number[];
  values: ArrayLike<number>;
}

/** Shape and row-major values of any {@link CloseValue}; booleans become 0/1. */
function flatten(value: CloseValue, argument: string): Flat {
  if (value instanceof Tensor) return { shape: value.shape.slice(), values: value.toTypedArray() };
  if (typeof value === 'number' || typeof value === 'boolean') return { shape: [], values: [Number(value)] };
  if (ArrayBuffer.isView(value)) return { shape: [value.length], values: value };
  const shape: number[] = [];
  for (let level: unknown = value; Array.isArray(level); level = level[0]) shape.push(level.length);
  const values: number[] = [];
  const walk = (node: unknown, axis: number): void => {
    if (axis === shape.length) {
      if (Array.isArray(node)) throw ragged(argument, shape);
      values.push(Number(node));
      return;
    }
    if (!Array.isArray(node) || node.length !== shape[axis]) throw ragged(argument, shape);
    for (const child of node) walk(child, axis + 1);
  };
  walk(value, 0);
  return { shape, values };
}

function ragged(argument: string, shape: readonly number[]): InvalidArgumentError {
  return new InvalidArgumentError(
    `expectClose: ${argument} must be a rectangular nested array; got ragged rows under shape ${formatShape(shape)}.`,
  );
}

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}
