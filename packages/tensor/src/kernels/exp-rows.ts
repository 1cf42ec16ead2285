/**
 * Softmax exponentials of a rows×stride tile in place: for each row i, s[i·stride + j] =
 * exp(s[i·stride + j] − shifts[i]) for j < counts[i], and sums[i] = the sum of those (0 for an
 * empty row). The tile step of the FlashAttention loops; a backend supplies its own.
 */
export type ExpRows = (
  s: Float32Array,
  rows: number,
  stride: number,
  counts: Int32Array,
  shifts: Float64Array,
  sums: Float64Array,
) => void;

/** {@link ExpRows} with Math.exp (sums in float64). */
export const jsExpRows: ExpRows = (s, rows, stride, counts, shifts, sums) => {
  for (let i = 0; i < rows; i++) {
    let sum = 0;
    for (let j = i * stride; j < i * stride + counts[i]!; j++) {
      const p = Math.exp(s[j]! - shifts[i]!);
      s[j] = p;
      sum += p;
    }
    sums[i] = sum;
  }
};
