import { copyToContiguous } from '../kernels/copy.js';
import { backend } from '../kernels/registry.js';
import { keepInScope } from '../memory/scope.js';
import { createView } from '../ndarray.js';
import { add } from '../ops/add.js';
import { shapesEqual } from '../shape.js';
import { Tensor } from '../tensor.js';

const FLAT: readonly number[] = [1];

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
    // One flat run through the backend's arithmetic (in WebAssembly for float32), in place.
    const flat = { data: dst, offset: 0, stride: FLAT };
    backend().arithmetic('add', dst, [dst.length], flat, { data: src, offset: 0, stride: FLAT });
    return;
  }
  t.grad =
    prev === null ? new Tensor(createView(copyToContiguous(g.nd, g.dtype), g.shape), g.dtype) : add(prev, g);
  // A leaf's gradient outlives an enclosing withArena() scope.
  keepInScope(t.grad);
}
