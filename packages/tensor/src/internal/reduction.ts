import { normalizeAxes, shapeSize } from '../shape.js';
import { checkOptions, type OptionCheck } from '../validation/check-options.js';

// Integers and ranges are checked by normalizeAxes, which knows the rank.
const AXES: OptionCheck = {
  expected: 'a number or an array of numbers',
  test: (v) => typeof v === 'number' || (Array.isArray(v) && v.every((a) => typeof a === 'number')),
};

/**
 * Checks the options of a reduction (`axis`, `keepDim`); a number in their place (`sum(x, 0)`)
 * is an error that shows the options form.
 * @throws {@link InvalidArgumentError} for a wrong form, an unknown key or a wrong type.
 */
export function checkReduceOptions(op: string, options: unknown, axis: OptionCheck = AXES): void {
  checkOptions(op, options as object, { axis, keepDim: 'boolean' }, { usage: `${op}(x, { axis: 0 })` });
}

/** Where each input element lands in a reduction's output. */
export interface ReductionPlan {
  /** Reduced axes, normalised and sorted. */
  axes: number[];
  /** Input shape with reduced axes set to 1. */
  keptShape: number[];
  /** Output shape: `keptShape`, or without the reduced axes unless `keepDim`. */
  outShape: number[];
  /** Number of output elements. */
  outSize: number;
  /** Per input axis: 0 on reduced axes, the row-major stride of `keptShape` elsewhere. */
  outStride: number[];
}

/** Plans a reduction of `shape` over `options.axis` (all axes when omitted). */
export function reductionPlan(
  op: string,
  shape: readonly number[],
  options: { axis?: number | readonly number[]; keepDim?: boolean },
): ReductionPlan {
  checkReduceOptions(op, options);
  const axes = normalizeAxes(op, options.axis, shape.length);
  const keptShape = shape.map((d, i) => (axes.includes(i) ? 1 : d));
  const outStride = new Array<number>(shape.length).fill(0);
  let s = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    if (!axes.includes(i)) outStride[i] = s;
    s *= keptShape[i]!;
  }
  const outShape = options.keepDim ? keptShape : shape.filter((_, i) => !axes.includes(i));
  return { axes, keptShape, outShape, outSize: shapeSize(keptShape), outStride };
}
