import '../kernels/js/gather.js';
import { record } from '../autograd/record.js';
import { allocate, allocateUninitialized } from '../dtype.js';
import { formatShape, InvalidArgumentError, shapeError } from '../errors.js';
import { checkIndexTensor } from '../internal/index-check.js';
import { backend } from '../kernels/registry.js';
import { createView } from '../ndarray.js';
import { shapeSize } from '../shape.js';
import { Tensor } from '../tensor.js';

/**
 * Looks up rows of `weight`: `out[..., :] = weight[indices[...], :]` (PyTorch `F.embedding`).
 *
 * Shapes: indices (...), weight (numEmbeddings, d) -> (..., d)
 *
 * @param indices - An int32 tensor of any shape with values in [0, numEmbeddings).
 * @param weight - The embedding table `(numEmbeddings, d)`.
 * @returns A new contiguous tensor of `weight`'s dtype.
 * @throws {@link InvalidArgumentError} if `indices` is not int32, or an index lies outside
 *   [0, numEmbeddings) (the message names it and its position).
 * @throws {@link ShapeError} if `weight` is not 2-D.
 * @remarks Backward scatter-adds each gradient row into a zero gradient of `weight`'s shape, so a
 *   token that occurs several times receives the sum of its rows' gradients.
 * @see PyTorch `torch.nn.functional.embedding`; D2L §11.7 (token embeddings).
 * @example
 * ```ts
 * const weight = randn([10, 4], { requiresGrad: true });
 * embedding(tensor([[0, 2]], { dtype: 'int32' }), weight); // shape (1, 2, 4)
 * ```
 */
export function embedding(indices: Tensor, weight: Tensor): Tensor {
  if (indices.dtype !== 'int32') {
    throw new InvalidArgumentError(`embedding: indices must have dtype int32; got ${indices.dtype}.`);
  }
  if (weight.ndim !== 2) throw shapeError('embedding', 'weight', '(numEmbeddings, d)', weight.shape);
  const [numEmbeddings, d] = weight.shape as [number, number];
  checkIndexTensor(
    'embedding',
    'indices',
    indices,
    numEmbeddings,
    `rows of weight ${formatShape(weight.shape)}`,
  );
  const lead = indices.ndim;
  const shape = [...indices.shape, d];
  // Out axis j < lead follows indices; the last axis walks a row of weight.
  const indexView = {
    data: indices.nd.data as Int32Array,
    offset: indices.nd.offset,
    stride: [...indices.nd.stride, 0],
  };
  const rowStride = new Array<number>(lead).fill(0);
  const srcView = {
    data: weight.nd.data,
    offset: weight.nd.offset,
    stride: [...rowStride, weight.nd.stride[1]!],
  };
  const data = allocateUninitialized(weight.dtype, shapeSize(shape), 'embedding', shape);
  backend().gather(data, shape, srcView, indexView, weight.nd.stride[0]!);
  const out = new Tensor(createView(data, shape), weight.dtype);
  return record('embedding', out, [weight], (g) => {
    const grad = allocate(g.dtype, numEmbeddings * d);
    backend().scatterAdd({ data: grad, offset: 0, stride: [...rowStride, 1] }, shape, g.nd, indexView, d);
    return [new Tensor(createView(grad, weight.shape), g.dtype)];
  });
}
