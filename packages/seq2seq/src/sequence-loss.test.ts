import { log, ShapeError, tensor, zeros } from '@attnkit/tensor';
import { expectClose } from '@attnkit/testing';
import { describe, expect, it } from 'vitest';
import { sequenceLoss } from './sequence-loss.js';

describe('sequenceLoss', () => {
  it('averages the cross-entropy over valid target tokens only', () => {
    // Uniform logits: every valid token costs ln 4, whatever the lengths.
    expectClose(sequenceLoss(zeros([2, 3, 4]), zeros([2, 3], { dtype: 'int32' }), [3, 1]), Math.log(4), {
      atol: 1e-6,
    });
    // Row 0 predicts token 0 with p = 1/2 at its one valid step; row 1's 3 steps with p = 1/4.
    const logits = log(
      tensor([
        [
          [2, 1, 1],
          [1, 1, 1],
          [1, 1, 1],
        ],
        [
          [1, 1, 2],
          [1, 2, 1],
          [1, 1, 2],
        ],
      ]).mul(1),
    );
    const labels = tensor(
      [
        [0, 1, 1],
        [0, 0, 0],
      ],
      { dtype: 'int32' },
    );
    expectClose(sequenceLoss(logits, labels, [1, 3]), (Math.log(2) + 3 * Math.log(4)) / 4, { atol: 1e-6 });
  });

  it('ignores padding: changing logits beyond validLens leaves the loss unchanged; no valid token gives 0', () => {
    const labels = tensor([[1, 2, 0]], { dtype: 'int32' });
    const a = tensor([
      [
        [0, 1, 2],
        [2, 1, 0],
        [5, -5, 0],
      ],
    ]);
    const b = tensor([
      [
        [0, 1, 2],
        [2, 1, 0],
        [-9, 9, 3],
      ],
    ]);
    expectClose(sequenceLoss(a, labels, [2]), sequenceLoss(b, labels, [2]), { atol: 0 });
    expectClose(sequenceLoss(a, labels, [0]), 0, { atol: 0 });
  });

  it('throws ShapeError when logits is not (batch, steps, vocab)', () => {
    expect(() => sequenceLoss(zeros([2, 3]), zeros([2, 3], { dtype: 'int32' }), [1, 1])).toThrow(ShapeError);
  });
});
