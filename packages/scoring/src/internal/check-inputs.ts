import { formatShape, ShapeError, type Tensor } from '@attnkit/tensor';

/**
 * Checks D2L's batched layout: queries (batch, queries, dq), keys (batch, keys, dk), values
 * (batch, keys, v), with dq = dk when `sameDepth` (dot products need equal depths).
 * @throws {@link ShapeError} naming the offending argument and both shapes.
 */
export function checkBatchedInputs(
  op: string,
  queries: Tensor,
  keys: Tensor,
  values: Tensor,
  sameDepth: boolean,
): void {
  for (const [name, t, layout] of [
    ['queries', queries, '(batch, queries, d)'],
    ['keys', keys, '(batch, keys, d)'],
    ['values', values, '(batch, keys, v)'],
  ] as const) {
    if (t.ndim !== 3)
      throw new ShapeError(`${op}: ${name} must have shape ${layout}; got ${formatShape(t.shape)}.`);
  }
  const [batch, , dq] = queries.shape as [number, number, number];
  const [kb, numKeys, dk] = keys.shape as [number, number, number];
  if (kb !== batch || (sameDepth && dk !== dq)) {
    const expected = sameDepth ? `(${batch}, keys, ${dq})` : `(${batch}, keys, d)`;
    throw new ShapeError(
      `${op}: keys must have shape ${expected} to match queries ${formatShape(queries.shape)}; got ${formatShape(keys.shape)}.`,
    );
  }
  if (values.shape[0] !== batch || values.shape[1] !== numKeys) {
    throw new ShapeError(
      `${op}: values must have shape (${batch}, ${numKeys}, v) to match keys ${formatShape(keys.shape)}; got ${formatShape(values.shape)}.`,
    );
  }
}
