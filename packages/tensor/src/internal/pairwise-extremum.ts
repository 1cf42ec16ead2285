import { record } from '../autograd/record.js';
import { mul } from '../ops/mul.js';
import type { Tensor } from '../tensor.js';
import { binaryOperands, broadcastBinary, sumToShape, type TensorOrScalar } from './broadcast.js';

/**
 * The forward and backward shared by `maximum` and `minimum`: `pick` chooses the value, `loses(x, y)`
 * says x is not chosen over y. Share of the gradient each input receives (PyTorch: the chosen
 * input takes it all, ties split it 0.5/0.5; a NaN comparison sends it to both, as
 * `where(a == b, g/2, g).masked_fill(loses(a, b), 0)`).
 */
export function pairwiseExtremum(
  op: string,
  pick: (x: number, y: number) => number,
  loses: (x: number, y: number) => boolean,
): (a: TensorOrScalar, b: TensorOrScalar) => Tensor {
  const shareA = (x: number, y: number): number => (loses(x, y) ? 0 : x === y ? 0.5 : 1);
  const shareB = (x: number, y: number): number => (loses(y, x) ? 0 : x === y ? 0.5 : 1);
  return (a, b) => {
    const [ta, tb, dtype] = binaryOperands(op, a, b);
    const out = broadcastBinary(op, ta, tb, pick, dtype);
    return record(op, out, [ta, tb], (g) => [
      ta.requiresGrad ? sumToShape(mul(g, broadcastBinary(op, ta, tb, shareA, g.dtype)), ta.shape) : null,
      tb.requiresGrad ? sumToShape(mul(g, broadcastBinary(op, ta, tb, shareB, g.dtype)), tb.shape) : null,
    ]);
  };
}
