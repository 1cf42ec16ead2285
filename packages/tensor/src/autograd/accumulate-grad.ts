import { copyToContiguous } from '../kernels/copy.js';
import { keepInScope } from '../memory/scope.js';
import { createView } from '../ndarray.js';
import { add } from '../ops/add.js';
import { shapesEqual } from '../shape.js';
import { Tensor } from '../tensor.js';

/**
 * Adds the gradient `g` of the leaf `t` into `t.grad` (PyTorch's AccumulateGrad). The first
 * gradient of a leaf gets storage of its own (a copy: the gradient an op returns may be shared
 * with another input, e.g. `add` returns the same tensor for both); later ones are added into
 * that storage in place, so a training loop that zeroes gradients in place (`zeroGrads`) reuses
 * the same buffers every step instead of allocating them. In-place float addition gives the same
 * bits as `add(t.grad, g)`. A `.grad` the user set that is not a contiguous view of the leaf's
 * shape and dtype is replaced by `add(t.grad, g)`, as before.
 */
export function accumulateGrad(t: Tensor, g: Tensor): void {
  const prev = t.grad;
  if (prev !== null && prev.dtype === g.dtype && prev.isContiguous() && shapesEqual(prev.shape, g.shape)) {
    const dst = prev.toTypedArray();
    const src = g.toTypedArray();
    for (let i = 0; i < dst.length; i++) dst[i] = (dst[i] as number) + (src[i] as number);
    return;
  }
  t.grad =
    prev === null ? new Tensor(createView(copyToContiguous(g.nd, g.dtype), g.shape), g.dtype) : add(prev, g);
  // A leaf's gradient outlives an enclosing withArena() scope.
  keepInScope(t.grad);
}
