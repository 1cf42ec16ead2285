/**
 * SGEMM: C = A·B for square float32 matrices, n = 256, 512, 1024; GFLOP/s = 2n³ / time.
 * Reference: attnkit's float64 matmul of the same (float32-valued) inputs, all rows up to n = 512
 * and 64 evenly spaced rows at n = 1024.
 */
import { matmul, tensor } from '@attnkit/tensor';
import { type Figure, measureFigure, skipOverCap, type Task } from '../figure.js';
import { check, fillValues, type TimerOptions } from '../harness.js';
import type { Libraries, LibraryName } from '../libs.js';
import { matmulModel } from '../onnx.js';
import { ortSession, tfProfile, tfRun, useBackend } from '../peers.js';

const RTOL = 1e-4;
const ATOL = 1e-5;
/**
 * Up to 2 s or 200 calls per figure: a product of a few ms is timed over many calls, so one
 * slow stretch of a shared host does not decide its median.
 */
const TIMER: TimerOptions = { warmup: 5, budgetMs: 2000, minRuns: 5, maxRuns: 200 };

interface Reference {
  /** Flat indices into C of the compared elements. */
  index: Int32Array;
  values: Float64Array;
}

function reference(A: Float32Array, B: Float32Array, n: number): Reference {
  const rows = n <= 512 ? Array.from({ length: n }, (_, i) => i) : sampleRows(n, 64);
  const sub = new Float32Array(rows.length * n);
  rows.forEach((r, i) => {
    sub.set(A.subarray(r * n, (r + 1) * n), i * n);
  });
  const a = tensor(sub, { shape: [rows.length, n], dtype: 'float64' });
  const b = tensor(B, { shape: [n, n], dtype: 'float64' });
  const values = matmul(a, b).toTypedArray() as Float64Array;
  const index = new Int32Array(rows.length * n);
  rows.forEach((r, i) => {
    for (let j = 0; j < n; j++) index[i * n + j] = r * n + j;
  });
  return { index, values };
}

/** `count` evenly spaced indices in [0, n), first and last included. */
export function sampleRows(n: number, count: number): number[] {
  return Array.from({ length: count }, (_, i) => Math.round((i * (n - 1)) / (count - 1)));
}

function task(
  libs: Libraries,
  library: LibraryName,
  n: number,
  A: Float32Array,
  B: Float32Array,
  ref: Reference,
) {
  const verify = (c: ArrayLike<number>) => ({ C: check(c, ref.values, RTOL, ATOL, ref.index) });
  return async (): Promise<Task> => {
    switch (library) {
      case 'attnkit': {
        const a = tensor(A, { shape: [n, n] });
        const b = tensor(B, { shape: [n, n] });
        return { run: () => matmul(a, b).toTypedArray(), verify };
      }
      case 'tfjs-cpu':
      case 'tfjs-wasm': {
        const tf = libs.tf!;
        await useBackend(tf, library === 'tfjs-cpu' ? 'cpu' : 'wasm');
        const a = tf.tensor2d(A, [n, n]);
        const b = tf.tensor2d(B, [n, n]);
        return {
          run: () => tfRun(tf, () => tf.matMul(a, b)),
          verify,
          profile: tfProfile(tf),
          dispose: () => tf.dispose([a, b]),
        };
      }
      case 'attnkit-fused':
        throw new Error('attnkit-fused runs attention only');
      case 'pytorch':
        throw new Error('the PyTorch twins run the mha and train suites only');
      case 'ort-node':
      case 'ort-web': {
        const session = await ortSession(libs, library, matmulModel(n, n, n), { A: [n, n], B: [n, n] });
        return { run: () => session.run({ A, B }), verify, dispose: () => session.release() };
      }
    }
  };
}

export async function sgemmSuite(
  libs: Libraries,
  libraries: readonly LibraryName[],
  sizes: readonly number[],
  log: (f: Figure) => void,
): Promise<Figure[]> {
  const figures: Figure[] = [];
  for (const n of sizes) {
    const A = fillValues(n * n, 1);
    const B = fillValues(n * n, 2);
    const ref = reference(A, B, n);
    for (const library of libraries.filter((l) => l !== 'attnkit-fused')) {
      const fig = await measureFigure(
        { suite: 'sgemm', case: `n=${n}`, params: { n }, library, threads: libs.threadCount },
        task(libs, library, n, A, B, ref),
        {
          flops: 2 * n ** 3,
          timer: TIMER,
          ...skipOverCap(figures, library, (prev) => (n / (prev.params.n as number)) ** 3),
        },
      );
      figures.push(fig);
      log(fig);
    }
  }
  return figures;
}
