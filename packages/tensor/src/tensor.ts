import { runBackward } from './autograd/backward.js';
import type { GradNode } from './autograd/node.js';
import { type DType, isFloating, type TypedArray } from './dtype.js';
import { InvalidArgumentError } from './errors.js';
import { copyToContiguous } from './kernels/copy.js';
import { contiguousStrides, createView, type NdArray } from './ndarray.js';
import { shapeSize } from './shape.js';

/** Nested JS arrays as produced by {@link Tensor.toArray} (PyTorch `tolist()`). */
export type NestedArray<T> = T | NestedArray<T>[];

/**
 * An n-dimensional array: a scijs `ndarray` view plus a dtype and autograd bookkeeping.
 *
 * Tensors are immutable from the outside: every op returns a new tensor, and view ops
 * (`reshape`, `permute`, `slice`, `expand`, …) share storage with their input instead of copying.
 *
 * @see D2L §2.1 "Data Manipulation"; scijs/ndarray for the view model.
 */
export class Tensor {
  /** The scijs ndarray view (`data`, `shape`, `stride`, `offset`). Treat as read-only. */
  readonly nd: NdArray;
  /** Element type. */
  readonly dtype: DType;
  /** Accumulated gradient of a leaf after {@link Tensor.backward}; `null` before. */
  grad: Tensor | null = null;
  /** @internal The op that produced this tensor, when recorded for autograd. */
  _node: GradNode | null = null;
  #requiresGrad = false;

  /**
   * Wraps a view without copying. Prefer the creation functions (`tensor`, `zeros`, `fromNdarray`).
   * @throws {@link InvalidArgumentError} if `requiresGrad` is set on a non-floating dtype.
   */
  constructor(nd: NdArray, dtype: DType, requiresGrad = false) {
    this.nd = nd;
    this.dtype = dtype;
    this.requiresGrad = requiresGrad;
  }

  /** Extent of each axis. */
  get shape(): readonly number[] {
    return this.nd.shape;
  }

  /** Number of axes. */
  get ndim(): number {
    return this.nd.shape.length;
  }

  /** Number of elements. */
  get size(): number {
    return shapeSize(this.nd.shape);
  }

  /** Whether autograd tracks operations on this tensor. Only floating tensors can require gradients. */
  get requiresGrad(): boolean {
    return this.#requiresGrad;
  }

  set requiresGrad(value: boolean) {
    if (value && !isFloating(this.dtype)) {
      throw new InvalidArgumentError(
        `requiresGrad: only float32/float64 tensors can require gradients; got ${this.dtype}.`,
      );
    }
    this.#requiresGrad = value;
  }

  /** True for a tensor created by the user (not by a recorded op). Leaves receive `.grad`. */
  get isLeaf(): boolean {
    return this._node === null;
  }

  /** True when the view is row-major with no gaps, starting anywhere in its storage. */
  isContiguous(): boolean {
    const { shape, stride } = this.nd;
    let expected = 1;
    for (let i = shape.length - 1; i >= 0; i--) {
      const d = shape[i] as number;
      if (d !== 1 && stride[i] !== expected) return false;
      expected *= d;
    }
    return true;
  }

  /**
   * The elements in row-major order. Returns the storage itself (a subarray, no copy) when the
   * view is contiguous, otherwise a fresh copy; never write into it.
   */
  toTypedArray(): TypedArray {
    const { data, offset } = this.nd;
    const n = this.size;
    if (this.isContiguous()) return data.subarray(offset, offset + n);
    return copyToContiguous(this.nd, this.dtype);
  }

  /** A contiguous tensor with the same values (this one when already contiguous). Differentiable. */
  contiguous(): Tensor {
    if (this.isContiguous()) return this;
    const out = new Tensor(createView(copyToContiguous(this.nd, this.dtype), this.shape), this.dtype);
    return recordIdentity('contiguous', out, this);
  }

  /**
   * Nested JS arrays (PyTorch `tolist()`); `bool` tensors give booleans, a scalar gives a number.
   */
  toArray(): NestedArray<number> | NestedArray<boolean> {
    const flat = this.toTypedArray();
    const shape = this.shape;
    const asBool = this.dtype === 'bool';
    const build = (axis: number, start: number, step: number): NestedArray<number | boolean> => {
      if (axis === shape.length) return asBool ? flat[start] === 1 : (flat[start] as number);
      const n = shape[axis] as number;
      const inner = step / n;
      const out: NestedArray<number | boolean>[] = new Array(n);
      for (let i = 0; i < n; i++) out[i] = build(axis + 1, start + i * inner, inner);
      return out;
    };
    return build(0, 0, this.size) as NestedArray<number> | NestedArray<boolean>;
  }

  /**
   * The value of a one-element tensor as a number (`bool` gives 0 or 1), like PyTorch `item()`.
   * @throws {@link InvalidArgumentError} if the tensor has more than one element.
   */
  item(): number {
    if (this.size !== 1) {
      throw new InvalidArgumentError(
        `item: tensor must have exactly one element; got shape (${this.shape.join(', ')}).`,
      );
    }
    const { data, offset } = this.nd;
    return data[offset] as number;
  }

  /**
   * Reverse-mode autodiff from this tensor: accumulates d(this)/d(leaf) into every leaf's `.grad`.
   *
   * @param gradOutput - Gradient with respect to this tensor, same shape; defaults to 1 for a
   *   one-element tensor.
   * @throws {@link GradientError} if this tensor does not require gradients, or is not a scalar and
   *   no `gradOutput` is given, or `gradOutput` has another shape.
   */
  backward(gradOutput?: Tensor): void {
    runBackward(this, gradOutput);
  }

  /** The same data cut off from the autograd graph (shares storage; PyTorch `detach()`). */
  detach(): Tensor {
    return new Tensor(this.nd, this.dtype, false);
  }

  /** A short description: `Tensor(float32, (2, 3))` followed by the values when small. */
  toString(): string {
    const head = `Tensor(${this.dtype}, (${this.shape.join(', ')}))`;
    return this.size <= 64 ? `${head} ${JSON.stringify(this.toArray())}` : head;
  }
}

/** Records `out` as an identity of `input` for autograd (the gradient passes through unchanged). */
function recordIdentity(op: string, out: Tensor, input: Tensor): Tensor {
  if (input.requiresGrad) {
    out.requiresGrad = true;
    out._node = { op, inputs: [input], backward: (g) => [g] };
  }
  return out;
}

/** Wraps a fresh row-major typed array as a tensor of `shape`. */
export function fromData(data: TypedArray, shape: readonly number[], dtype: DType): Tensor {
  return new Tensor(createView(data, shape, contiguousStrides(shape)), dtype);
}
