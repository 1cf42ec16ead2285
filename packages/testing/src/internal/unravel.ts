/** Row-major multi-index of flat position `i` in `shape` (for error messages). */
export function unravel(i: number, shape: readonly number[]): number[] {
  const index = new Array<number>(shape.length);
  for (let k = shape.length - 1; k >= 0; k--) {
    const d = shape[k]!;
    index[k] = i % d;
    i = Math.floor(i / d);
  }
  return index;
}
