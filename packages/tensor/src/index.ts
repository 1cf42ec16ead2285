// @attnkit/tensor — the package's table of contents: named re-exports only.
export { isGradEnabled, noGrad, withGradEnabled } from './autograd/grad-mode.js';
export type { GradNode } from './autograd/node.js';
export type { DType, DTypeArrayMap, TypedArray } from './dtype.js';
export { isFloating, promoteTypes } from './dtype.js';
export { formatShape, GradientError, InvalidArgumentError, ShapeError } from './errors.js';
export type { KernelTable } from './kernels/registry.js';
export { kernels, registerKernel, resetKernels } from './kernels/registry.js';
export type { StridedView } from './kernels/types.js';
export type { NdArray } from './ndarray.js';
export { createView, isNdarray } from './ndarray.js';
export { add } from './ops/add.js';
export { broadcastTo, expand } from './ops/broadcast-to.js';
export type { CreationOptions, TensorLike, TensorOptions } from './ops/creation.js';
export {
  fromNdarray,
  full,
  fullLike,
  ones,
  onesLike,
  scalar,
  tensor,
  zeros,
  zerosLike,
} from './ops/creation.js';
export { reshape } from './ops/reshape.js';
export type { ReduceOptions } from './ops/sum.js';
export { sum } from './ops/sum.js';
export { broadcastShapes } from './shape.js';
export type { NestedArray } from './tensor.js';
export { Tensor } from './tensor.js';
