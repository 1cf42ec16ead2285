import type { Generator } from '@attnkit/tensor';

/**
 * Draws a token id from one row of logits: argmax when `temperature` is 0, otherwise from
 * softmax(logits / temperature) restricted to the `topK` largest logits (ties at the k-th value
 * are all kept).
 *
 * @remarks The softmax subtracts the largest kept logit (no overflow) and is evaluated in float64;
 *   one `rng.random()` per call, compared with the running cumulative mass.
 */
export function sampleToken(
  logits: ArrayLike<number>,
  temperature: number,
  topK: number | undefined,
  rng: Generator,
): number {
  const n = logits.length;
  let best = 0;
  for (let i = 1; i < n; i++) if (logits[i]! > logits[best]!) best = i;
  if (temperature === 0) return best;
  let threshold = Number.NEGATIVE_INFINITY;
  if (topK !== undefined && topK < n) {
    const sorted = Array.from(logits).sort((a, b) => b - a);
    threshold = sorted[topK - 1]!;
  }
  const m = logits[best]! / temperature;
  const weights = new Float64Array(n);
  let total = 0;
  for (let i = 0; i < n; i++) {
    if (logits[i]! < threshold) continue;
    const w = Math.exp(logits[i]! / temperature - m); // softmax(l / T) up to the constant Σ
    weights[i] = w;
    total += w;
  }
  const u = rng.random() * total;
  let cumulative = 0;
  let last = best;
  for (let i = 0; i < n; i++) {
    if (weights[i] === 0) continue;
    cumulative += weights[i]!;
    last = i;
    if (u < cumulative) return i;
  }
  return last; // u ≈ total after rounding
}
