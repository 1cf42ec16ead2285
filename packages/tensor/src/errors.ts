/** Formats a shape as `(2, 3)`; a scalar is `()`. */
export function formatShape(shape: readonly number[]): string {
  return `(${shape.join(', ')})`;
}

/**
 * An argument has the wrong shape or rank, or shapes do not broadcast.
 * Message form: `` `${op}: ${argument} must have shape ${expected}; got (${actual}).` ``
 */
export class ShapeError extends Error {
  override name = 'ShapeError';
}

/** A value lies outside its domain (negative length, axis out of range, non-integer size, bad dtype). */
export class InvalidArgumentError extends Error {
  override name = 'InvalidArgumentError';
}

/** Autograd was asked for something it cannot do (backward of a non-scalar without a gradient, …). */
export class GradientError extends Error {
  override name = 'GradientError';
}

/**
 * A computation produced NaN or ±Infinity where a finite value is required (a training loss or
 * gradient norm, a model's logits or outputs, checkpoint weights). The message names what was
 * not finite and where.
 */
export class NonFiniteError extends Error {
  override name = 'NonFiniteError';
}

/** Builds the standard ShapeError: `op: argument must have shape expected; got (actual).` */
export function shapeError(
  op: string,
  argument: string,
  expected: string,
  actual: readonly number[],
): ShapeError {
  return new ShapeError(`${op}: ${argument} must have shape ${expected}; got ${formatShape(actual)}.`);
}
