/**
 * Attention forward: softmax(QKᵀ/√d (+ causal mask))·V for Q, K, V (B=2, H=8, L, d=64), plain and
 * causal. GFLOP/s counts the two matmuls, 4·B·H·L²·d, for both (no library here skips the masked
 * half). Reference: attnkit's float64 scaledDotProductAttention on the same inputs; every query up
 * to L = 512, 32 evenly spaced queries (with an explicit causal mask) at L = 1024 and 2048.
 */
import { scaledDotProductAttention } from '@attnkit/scoring';
import { tensor } from '@attnkit/tensor';
import { type Figure, measureFigure, skipOverCap, type Task } from '../figure.js';
import { check, fillValues, type TimerOptions } from '../harness.js';
import type { Libraries, LibraryName } from '../libs.js';
import { attentionModel, causalAdditiveMask } from '../onnx.js';
import { ortSession, tfProfile, tfRun, useBackend } from '../peers.js';
import { sampleRows } from './sgemm.js';

const BATCH = 2;
const HEADS = 8;
const D = 64;
const RTOL = 1e-4;
const ATOL = 1e-5;

interface Reference {
  index: Int32Array;
  values: Float64Array;
}

function reference(Q: Float32Array, K: Float32Array, V: Float32Array, L: number, causal: boolean): Reference {
  const shape = [BATCH, HEADS, L, D];
  const k = tensor(K, { shape, dtype: 'float64' });
  const v = tensor(V, { shape, dtype: 'float64' });
  const rows = L <= 512 ? Array.from({ length: L }, (_, i) => i) : sampleRows(L, 32);
  const R = rows.length;
  const sub = new Float32Array(BATCH * HEADS * R * D);
  for (let bh = 0; bh < BATCH * HEADS; bh++) {
    rows.forEach((r, i) => {
      sub.set(Q.subarray((bh * L + r) * D, (bh * L + r + 1) * D), (bh * R + i) * D);
    });
  }
  const q = tensor(sub, { shape: [BATCH, HEADS, R, D], dtype: 'float64' });
  let options = {};
  if (causal && R === L) options = { isCausal: true };
  else if (causal) {
    const keep = new Uint8Array(R * L);
    rows.forEach((r, i) => {
      keep.fill(1, i * L, i * L + r + 1);
    });
    options = { mask: tensor(keep, { shape: [R, L], dtype: 'bool' }) };
  }
  const values = scaledDotProductAttention(q, k, v, options).output.toTypedArray() as Float64Array;
  const index = new Int32Array(values.length);
  for (let bh = 0; bh < BATCH * HEADS; bh++) {
    rows.forEach((r, i) => {
      for (let j = 0; j < D; j++) index[(bh * R + i) * D + j] = (bh * L + r) * D + j;
    });
  }
  return { index, values };
}

function task(
  libs: Libraries,
  library: LibraryName,
  L: number,
  causal: boolean,
  inputs: { Q: Float32Array; K: Float32Array; V: Float32Array },
  ref: Reference,
) {
  const verify = (out: ArrayLike<number>) => ({ output: check(out, ref.values, RTOL, ATOL, ref.index) });
  const shape: [number, number, number, number] = [BATCH, HEADS, L, D];
  const { Q, K, V } = inputs;
  return async (): Promise<Task> => {
    switch (library) {
      case 'attnkit': {
        const q = tensor(Q, { shape: shape.slice() });
        const k = tensor(K, { shape: shape.slice() });
        const v = tensor(V, { shape: shape.slice() });
        const options = causal ? { isCausal: true } : {};
        return { run: () => scaledDotProductAttention(q, k, v, options).output.toTypedArray(), verify };
      }
      case 'attnkit-fused': {
        const fused = libs.attnkitFused!;
        const q = tensor(Q, { shape: shape.slice() });
        const k = tensor(K, { shape: shape.slice() });
        const v = tensor(V, { shape: shape.slice() });
        const options = causal ? { isCausal: true } : {};
        return { run: () => fused(q, k, v, options).toTypedArray(), verify };
      }
      case 'tfjs-cpu':
      case 'tfjs-wasm': {
        const tf = libs.tf!;
        await useBackend(tf, library === 'tfjs-cpu' ? 'cpu' : 'wasm');
        const q = tf.tensor4d(Q, shape);
        const k = tf.tensor4d(K, shape);
        const v = tf.tensor4d(V, shape);
        const mask = causal ? tf.tensor2d(causalAdditiveMask(L), [L, L]) : null;
        const scale = 1 / Math.sqrt(D);
        return {
          run: () =>
            tfRun(tf, () => {
              let scores = tf.mul(tf.matMul(q, k, false, true), scale);
              if (mask !== null) scores = tf.add(scores, mask);
              return tf.matMul(tf.softmax(scores), v);
            }),
          verify,
          profile: tfProfile(tf),
          dispose: () => tf.dispose(mask === null ? [q, k, v] : [q, k, v, mask]),
        };
      }
      case 'pytorch':
        throw new Error('the PyTorch twins run the mha and train suites only');
      case 'ort-node':
      case 'ort-web': {
        const dims = shape.slice();
        const session = await ortSession(libs, library, attentionModel(BATCH, HEADS, L, D, causal), {
          Q: dims,
          K: dims,
          V: dims,
        });
        return { run: () => session.run({ Q, K, V }), verify, dispose: () => session.release() };
      }
    }
  };
}

/** Few timed calls: one attention call at L = 2048 does 17 GFLOP. */
const TIMER: TimerOptions = { warmup: 1, budgetMs: 3000, minRuns: 3, maxRuns: 15 };

export async function attentionSuite(
  libs: Libraries,
  libraries: readonly LibraryName[],
  lengths: readonly number[],
  log: (f: Figure) => void,
): Promise<Figure[]> {
  const figures: Figure[] = [];
  for (const L of lengths) {
    const n = BATCH * HEADS * L * D;
    const inputs = { Q: fillValues(n, 11), K: fillValues(n, 12), V: fillValues(n, 13) };
    for (const causal of [false, true]) {
      const ref = reference(inputs.Q, inputs.K, inputs.V, L, causal);
      for (const library of libraries) {
        const skip = skipOverCap(
          figures,
          library,
          (prev) => (L / (prev.params.L as number)) ** 2,
          (f) => f.params.causal === causal,
        );
        const fig = await measureFigure(
          {
            suite: 'attention',
            case: `L=${L}${causal ? ' causal' : ''}`,
            params: { batch: BATCH, heads: HEADS, L, d: D, causal },
            library,
            threads: libs.threadCount,
          },
          task(libs, library, L, causal, inputs, ref),
          { flops: 4 * BATCH * HEADS * L * L * D, timer: TIMER, ...skip },
        );
        figures.push(fig);
        log(fig);
      }
    }
  }
  return figures;
}
