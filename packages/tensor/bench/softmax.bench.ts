/**
 * softmax throughput over the last axis in elements/s against a plain three-pass loop (max,
 * exp-sum, scale) over the same float32 data, timed in the same run.
 */
import { softmax, tensor } from '../src/index.js';
import { compare, fillValues, type Row, type Suite, sink } from './harness.js';

/** Row-wise softmax of a row-major (rows, cols) float32 array, subtracting the row max. */
function naiveSoftmax(out: Float32Array, x: Float32Array, rows: number, cols: number): void {
  for (let r = 0; r < rows; r++) {
    const o = r * cols;
    let max = Number.NEGATIVE_INFINITY;
    for (let j = 0; j < cols; j++) max = Math.max(max, x[o + j]!);
    let total = 0;
    for (let j = 0; j < cols; j++) {
      const e = Math.exp(x[o + j]! - max);
      out[o + j] = e;
      total += e;
    }
    for (let j = 0; j < cols; j++) out[o + j] = out[o + j]! / total;
  }
}

async function lastAxis(batch: number, queries: number, keys: number): Promise<Row> {
  const size = batch * queries * keys;
  // Logits in [-4, 4), the range of scaled attention scores.
  const x = fillValues(size, 5).map((v) => 4 * v);
  const tx = tensor(x, { shape: [batch, queries, keys] });
  const out = new Float32Array(size);
  return compare(
    `softmax: batch=${batch} queries=${queries} keys=${keys}`,
    { batch, queries, keys },
    size,
    1e6,
    () => {
      sink.value += softmax(tx, -1).nd.data[keys + 1]!;
    },
    {
      name: 'naive 3-pass loop',
      fn: () => {
        naiveSoftmax(out, x, batch * queries, keys);
        sink.value += out[keys + 1]!;
      },
    },
  );
}

/** softmax over keys for attention-sized score tensors. */
export async function softmaxSuite(): Promise<Suite> {
  return {
    name: 'softmax',
    unit: 'Melem/s',
    rows: [await lastAxis(8, 128, 128), await lastAxis(8, 512, 512)],
  };
}
