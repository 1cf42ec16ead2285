import { relativeRotation, sinusoidalEncoding } from '@attnkit/positional';
import { abs, matmul, max, narrow, sub } from '@attnkit/tensor';

export function main() {
  // D2L §11.6.3.2: for a fixed offset δ, position i + δ is a linear map of
  // position i —
  // every (sin, cos) pair is rotated by the same 2×2 matrix, whatever i is.
  const d = 32;
  const P = sinusoidalEncoding(60, d);
  for (const delta of [1, 3, 10]) {
    const R = relativeRotation(delta, d); // (d, d), block diagonal
    // P[i] · R(δ) for every i
    const moved = matmul(narrow(P, 0, 0, 60 - delta), R);
    const target = narrow(P, 0, delta, 60 - delta); // P[i + δ]
    const err = max(abs(sub(moved, target))).item();
    console.log(
      `δ = ${delta}: max |P[i]·R(δ) − P[i+δ]| = ${err.toExponential(1)}, holds: ${err < 1e-4}`,
    );
  }
  return relativeRotation(1, 4);
}
// expect: δ = 3:
// expect: holds: true
// expect: Tensor (4, 4) float32
