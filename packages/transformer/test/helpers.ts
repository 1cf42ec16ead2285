// Test helpers for @attnkit/transformer: flat arrays, differences, explicit-loop references and a
// tiny SGD step. Not part of the package (outside src/).
import { type DType, noGrad, type Tensor, tensor } from '@attnkit/tensor';

/** A fixture tensor: flat row-major data with its shape and dtype. */
export interface Fixed {
  shape: number[];
  dtype: DType;
  data: number[];
}

/** Builds a tensor from a fixture entry. */
export function load(f: Fixed, requiresGrad = false): Tensor {
  return tensor(f.data, { shape: f.shape, dtype: f.dtype, requiresGrad });
}

/** The elements of `t` as a plain number array (row-major). */
export function flat(t: Tensor): number[] {
  return Array.from(t.toTypedArray(), Number);
}

/** `n` deterministic values in (−1, 1) that are not a simple pattern (a sine of a scrambled index). */
export function wave(n: number, phase = 0): number[] {
  return Array.from({ length: n }, (_, i) => Math.sin(1.7 * i + 0.3 * phase + 0.1 * i * i));
}

/** x·Wᵀ + b for flat row-major x (rows × in), W (out × in), b (out), by explicit loops. */
export function linearRef(
  x: readonly number[],
  inF: number,
  W: readonly number[],
  outF: number,
  b?: readonly number[],
): number[] {
  const rows = x.length / inF;
  const out = new Array<number>(rows * outF).fill(0);
  for (let r = 0; r < rows; r++) {
    for (let o = 0; o < outF; o++) {
      let s = b === undefined ? 0 : b[o]!;
      for (let i = 0; i < inF; i++) s += x[r * inF + i]! * W[o * inF + i]!;
      out[r * outF + o] = s;
    }
  }
  return out;
}

/** Layer norm over rows of length `n` (biased variance), then `* weight + bias`, by explicit loops. */
export function layerNormRef(
  x: readonly number[],
  n: number,
  weight: readonly number[],
  bias: readonly number[],
  eps = 1e-5,
): number[] {
  const out = new Array<number>(x.length).fill(0);
  for (let r = 0; r * n < x.length; r++) {
    let mu = 0;
    for (let j = 0; j < n; j++) mu += x[r * n + j]!;
    mu /= n;
    let v = 0;
    for (let j = 0; j < n; j++) v += (x[r * n + j]! - mu) ** 2;
    v /= n;
    for (let j = 0; j < n; j++) {
      out[r * n + j] = ((x[r * n + j]! - mu) / Math.sqrt(v + eps)) * weight[j]! + bias[j]!;
    }
  }
  return out;
}

/** One plain SGD step, p ← p − lr·grad, written into each parameter's storage; clears the grads. */
export function sgdStep(params: readonly Tensor[], lr: number): void {
  noGrad(() => {
    for (const p of params) {
      if (p.grad === null) continue;
      const g = p.grad.toTypedArray();
      const { data, offset } = p.nd;
      for (let i = 0; i < g.length; i++) data[offset + i] = (data[offset + i] as number) - lr * g[i]!;
      p.grad = null;
    }
  });
}

/** Row `pos` of D2L's sinusoidal table: P[pos, 2j] = sin(pos / 10000^(2j/d)), P[pos, 2j+1] = cos(…). */
export function sinusoidRow(pos: number, d: number): number[] {
  return Array.from({ length: d }, (_, k) => {
    const angle = pos / 10000 ** ((2 * Math.floor(k / 2)) / d);
    return k % 2 === 0 ? Math.sin(angle) : Math.cos(angle);
  });
}

/** E[tokens]·√d + P[offset + t] as a flat row-major array `(batch, n, d)`, by explicit loops. */
export function embedAndEncode(
  ids: readonly number[],
  n: number,
  table: readonly number[],
  d: number,
  offset = 0,
): number[] {
  const out: number[] = [];
  ids.forEach((id, i) => {
    const p = sinusoidRow(offset + (i % n), d);
    for (let k = 0; k < d; k++) out.push(table[id * d + k]! * Math.sqrt(d) + p[k]!);
  });
  return out;
}

/**
 * Float32 agreement of two computations of the same quantity (e.g. the fused and the weights
 * path): |actual − expected| ≤ rtol·(scale + |expected|) with scale the largest |expected|, at
 * least 0.1 (values that are 0 in exact arithmetic come out as rounding noise of either path).
 * @throws Error naming the worst element otherwise.
 */
export function expectFloat32Close(
  actual: ArrayLike<number>,
  expected: ArrayLike<number>,
  rtol = 1e-5,
): void {
  if (actual.length !== expected.length) {
    throw new Error(`expectFloat32Close: lengths differ (${actual.length} vs ${expected.length}).`);
  }
  let scale = 0.1;
  for (let i = 0; i < expected.length; i++) scale = Math.max(scale, Math.abs(expected[i]!));
  for (let i = 0; i < expected.length; i++) {
    const diff = Math.abs(actual[i]! - expected[i]!);
    if (!(diff <= rtol * (scale + Math.abs(expected[i]!)))) {
      throw new Error(
        `expectFloat32Close: element ${i} is ${actual[i]}, expected ${expected[i]} (diff ${diff}, scale ${scale}).`,
      );
    }
  }
}

/** The gradient of every parameter of `module` after `loss().backward()` (from zero), by name. */
export function parameterGradients(
  module: { zeroGrad(): void; namedParameters(): [string, Tensor][] },
  loss: () => Tensor,
): Record<string, number[]> {
  module.zeroGrad();
  loss().backward();
  return Object.fromEntries(module.namedParameters().map(([name, p]) => [name, flat(p.grad!)]));
}
