import { afterEach, describe, expect, it } from 'vitest';
import { seededFloat32 } from '../../test/helpers.js';
import '../index.js';
import type { DType, TypedArray } from '../dtype.js';
import { getBackend, setBackend } from '../kernels/set-backend.js';
import { add } from '../ops/add.js';
import { concat } from '../ops/concat.js';
import { cos } from '../ops/cos.js';
import { tensor } from '../ops/creation.js';
import { embedding } from '../ops/embedding.js';
import { exp } from '../ops/exp.js';
import { fusedAttention } from '../ops/fused-attention.js';
import { indexSelect } from '../ops/index-select.js';
import { layerNorm } from '../ops/layer-norm.js';
import { linear } from '../ops/linear.js';
import { logSoftmax } from '../ops/log-softmax.js';
import { matmul } from '../ops/matmul.js';
import { mul } from '../ops/mul.js';
import { relu } from '../ops/relu.js';
import { rotary } from '../ops/rotary.js';
import { sin } from '../ops/sin.js';
import { softmax } from '../ops/softmax.js';
import { softmaxCrossEntropy } from '../ops/softmax-cross-entropy.js';
import { sum } from '../ops/sum.js';
import { shapeSize } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { BufferPool } from './scope.js';
import { withArena } from './with-arena.js';

/**
 * A pool whose uninitialized buffers (`allocateUninitialized`) hold NaN (floats) or 85 (ints,
 * bools) instead of stale or zero data: an op that leaves any element of such a buffer unwritten
 * then differs from the same op on fresh, zeroed storage.
 */
class PoisonPool extends BufferPool {
  poisoned = 0;
  override take(dtype: DType, n: number, zeroed = true): TypedArray {
    const buf = super.take(dtype, n, zeroed);
    if (!zeroed) {
      buf.fill(dtype === 'float32' || dtype === 'float64' ? Number.NaN : 85);
      this.poisoned++;
    }
    return buf;
  }
}

/** A deterministic float32 tensor of `shape` ({@link seededFloat32}), optionally a leaf. */
function values(shape: readonly number[], seed: number, requiresGrad = false): Tensor {
  const t = tensor(seededFloat32(shapeSize(shape), seed))
    .reshape(shape)
    .detach();
  t.requiresGrad = requiresGrad;
  return t;
}

interface Case {
  name: string;
  /** Float leaves (shapes); the case builds its outputs from them. */
  leaves: number[][];
  build(leaves: Tensor[]): Tensor[];
}

const CASES: Case[] = [
  {
    name: 'matmul (batched, broadcast B) and its gradients',
    leaves: [
      [2, 3, 5, 7],
      [7, 6],
      [2, 3, 7, 4],
    ],
    build: ([a, b, c]) => [matmul(a!, b!), matmul(a!, c!)],
  },
  {
    name: 'matmul with an empty inner dimension (all zeros)',
    leaves: [
      [3, 0],
      [0, 5],
    ],
    build: ([a, b]) => [matmul(a!, b!)],
  },
  {
    name: 'broadcast arithmetic and sumToShape',
    leaves: [
      [4, 1, 6],
      [3, 1],
    ],
    build: ([a, b]) => [add(a!, b!), mul(a!, b!)],
  },
  {
    name: 'unary op and a copy of a transposed view',
    leaves: [[5, 9]],
    build: ([a]) => [exp(a!), a!.transpose(0, 1).contiguous()],
  },
  {
    name: 'softmax and logSoftmax over two axes',
    leaves: [[3, 4, 10]],
    build: ([a]) => [softmax(a!, -1), logSoftmax(a!, 1)],
  },
  {
    name: 'layerNorm with affine parameters',
    leaves: [[6, 5, 16], [16], [16]],
    build: ([x, w, b]) => [layerNorm(x!, [16], w!, b!)],
  },
  {
    name: 'rotary',
    leaves: [
      [2, 3, 7, 8],
      [7, 4],
    ],
    build: ([x, angles]) => [rotary(x!, cos(angles!), sin(angles!))],
  },
  {
    name: 'relu, linear, linear with fused ReLU',
    leaves: [[4, 5, 12], [10, 12], [10]],
    build: ([x, w, b]) => [relu(x!), linear(x!, w!, b!), linear(x!, w!, b!, { activation: 'relu' })],
  },
  {
    name: 'linear with an empty inner dimension (the bias on every row, or zeros)',
    leaves: [[3, 0], [4, 0], [4]],
    build: ([x, w, b]) => [linear(x!, w!, b!), linear(x!, w!), linear(x!, w!, b!, { activation: 'relu' })],
  },
  {
    name: 'embedding and indexSelect',
    leaves: [[9, 6]],
    build: ([w]) => {
      const ids = tensor(
        [
          [0, 3, 8],
          [8, 8, 1],
        ],
        { dtype: 'int32' },
      );
      return [embedding(ids, w!), indexSelect(w!, 0, tensor([2, 2, 7], { dtype: 'int32' }))];
    },
  },
  {
    name: 'softmax cross-entropy with ignored rows and label smoothing',
    leaves: [[12, 9]],
    build: ([x]) => {
      const targets = tensor([0, -100, 3, 8, 8, -100, 1, 2, 4, 5, 6, 7], { dtype: 'int32' });
      return [softmaxCrossEntropy(x!, targets, { labelSmoothing: 0.1 })];
    },
  },
  {
    name: 'concat',
    leaves: [
      [3, 2, 5],
      [3, 4, 5],
    ],
    build: ([a, b]) => [concat([a!, b!], 1)],
  },
  {
    name: 'fusedAttention: causal, valid lengths, a sequence that sees no key',
    leaves: [
      [3, 2, 9, 8],
      [3, 2, 9, 8],
      [3, 2, 9, 8],
    ],
    build: ([q, k, v]) => [
      fusedAttention(q!, k!, v!, { validLens: [9, 4, 0] }),
      fusedAttention(q!, k!, v!, { isCausal: true }),
    ],
  },
  {
    name: 'fusedAttention on head-split views (batch, heads, n, d) of (batch, n, heads, d)',
    leaves: [
      [2, 9, 2, 8],
      [2, 7, 2, 8],
      [2, 7, 2, 4],
    ],
    build: ([q, k, v]) => [
      fusedAttention(q!.transpose(1, 2), k!.transpose(1, 2), v!.transpose(1, 2), { validLens: [7, 3] }),
    ],
  },
  {
    name: 'fusedAttention with depth 264 (above the batched kernel: one problem at a time)',
    leaves: [
      [2, 6, 264],
      [2, 5, 264],
      [2, 5, 264],
    ],
    build: ([q, k, v]) => [fusedAttention(q!, k!, v!, { validLens: [5, 2] })],
  },
];

/** The case's outputs and leaf gradients (loss: each output weighted by fixed values, summed). */
function outcome(c: Case, pool: BufferPool | null): number[][] {
  const leaves = c.leaves.map((shape, i) => values(shape, 17 + i, true));
  const step = () => {
    const outputs = c.build(leaves);
    let loss: Tensor | null = null;
    for (const [i, y] of outputs.entries()) {
      const term = sum(mul(y, values(y.shape, 101 + i)));
      loss = loss === null ? term : add(loss, term);
    }
    (loss as Tensor).backward();
    return outputs.map((y) => Array.from(y.toTypedArray()));
  };
  const outputs = pool === null ? step() : withArena(step, { pool });
  return [...outputs, ...leaves.map((l) => Array.from((l.grad as Tensor).toTypedArray()))];
}

describe('allocateUninitialized: every op that skips zeroing writes each element', () => {
  const initial = getBackend().name;
  afterEach(() => setBackend(initial as 'js' | 'wasm'));

  for (const name of ['js', 'wasm'] as const) {
    for (const c of CASES) {
      it(`${name}: ${c.name}`, () => {
        setBackend(name);
        const fresh = outcome(c, null);
        const pool = new PoisonPool();
        // Twice: the second run also takes stale buffers back from the pool's free lists.
        outcome(c, pool);
        const poisoned = outcome(c, pool);
        expect(pool.poisoned).toBeGreaterThan(0);
        expect(poisoned.length).toBe(fresh.length);
        for (const [i, ref] of fresh.entries()) {
          expect(ref.some(Number.isNaN), `${c.name}: reference ${i} holds NaN`).toBe(false);
          // Bit-identical: the same kernels on the same inputs.
          expect(poisoned[i], `${c.name}: result ${i}`).toEqual(ref);
        }
      });
    }
  }
});
