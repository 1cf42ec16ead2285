import { type BackwardOptions, runBackward } from './autograd/backward.js';
import type { GradNode } from './autograd/node.js';
import { type DType, isFloating, type TypedArray } from './dtype.js';
import { InvalidArgumentError } from './errors.js';
import { copyToContiguous } from './kernels/copy.js';
import { contiguousStrides, createView, type NdArray } from './ndarray.js';
import { add } from './ops/add.js';
import { type ArgReduceOptions, argmax } from './ops/argmax.js';
import { broadcastTo } from './ops/broadcast-to.js';
import { cast } from './ops/cast.js';
import { div } from './ops/div.js';
import { exp } from './ops/exp.js';
import { flatten } from './ops/flatten.js';
import { log } from './ops/log.js';
import { logSoftmax } from './ops/log-softmax.js';
import { matmul } from './ops/matmul.js';
import { max } from './ops/max.js';
import { mean } from './ops/mean.js';
import { min } from './ops/min.js';
import { mul } from './ops/mul.js';
import { neg } from './ops/neg.js';
import { permute } from './ops/permute.js';
import { pow } from './ops/pow.js';
import { relu } from './ops/relu.js';
import { reshape } from './ops/reshape.js';
import { sigmoid } from './ops/sigmoid.js';
import { softmax } from './ops/softmax.js';
import { sqrt } from './ops/sqrt.js';
import { squeeze } from './ops/squeeze.js';
import { sub } from './ops/sub.js';
import { type ReduceOptions, sum } from './ops/sum.js';
import { tanh } from './ops/tanh.js';
import { transpose } from './ops/transpose.js';
import { unsqueeze } from './ops/unsqueeze.js';
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
   *   one-element tensor. May be left out: `backward({ retainGraph: true })`.
   * @param options - `retainGraph` (default false): keep the graph for another backward through it.
   * @throws {@link GradientError} if this tensor does not require gradients, or is not a scalar and
   *   no `gradOutput` is given, or `gradOutput` has another shape, or the graph was already used by
   *   a backward without `retainGraph: true` (as PyTorch).
   */
  backward(gradOutput?: Tensor | BackwardOptions, options?: BackwardOptions): void {
    if (gradOutput !== undefined && !(gradOutput instanceof Tensor)) {
      runBackward(this, undefined, gradOutput);
      return;
    }
    runBackward(this, gradOutput, options);
  }

  /** The same data cut off from the autograd graph (shares storage; PyTorch `detach()`). */
  detach(): Tensor {
    return new Tensor(this.nd, this.dtype, false);
  }

  // Method forms (PyTorch style): each delegates to the op of the same name, documented there.
  /** {@link add}(this, other). */
  add(other: Tensor | number): Tensor {
    return add(this, other);
  }
  /** {@link sub}(this, other). */
  sub(other: Tensor | number): Tensor {
    return sub(this, other);
  }
  /** {@link mul}(this, other). */
  mul(other: Tensor | number): Tensor {
    return mul(this, other);
  }
  /** {@link div}(this, other). */
  div(other: Tensor | number): Tensor {
    return div(this, other);
  }
  /** {@link pow}(this, exponent). */
  pow(exponent: Tensor | number): Tensor {
    return pow(this, exponent);
  }
  /** {@link neg}(this). */
  neg(): Tensor {
    return neg(this);
  }
  /** {@link exp}(this). */
  exp(): Tensor {
    return exp(this);
  }
  /** {@link log}(this). */
  log(): Tensor {
    return log(this);
  }
  /** {@link sqrt}(this). */
  sqrt(): Tensor {
    return sqrt(this);
  }
  /** {@link tanh}(this). */
  tanh(): Tensor {
    return tanh(this);
  }
  /** {@link sigmoid}(this). */
  sigmoid(): Tensor {
    return sigmoid(this);
  }
  /** {@link relu}(this). */
  relu(): Tensor {
    return relu(this);
  }
  /** {@link matmul}(this, other). */
  matmul(other: Tensor): Tensor {
    return matmul(this, other);
  }
  /** {@link sum}(this, options). */
  sum(options?: ReduceOptions): Tensor {
    return sum(this, options);
  }
  /** {@link mean}(this, options). */
  mean(options?: ReduceOptions): Tensor {
    return mean(this, options);
  }
  /** {@link max}(this, options). */
  max(options?: ReduceOptions): Tensor {
    return max(this, options);
  }
  /** {@link min}(this, options). */
  min(options?: ReduceOptions): Tensor {
    return min(this, options);
  }
  /** {@link argmax}(this, options). */
  argmax(options?: ArgReduceOptions): Tensor {
    return argmax(this, options);
  }
  /** {@link softmax}(this, axis). */
  softmax(axis = -1): Tensor {
    return softmax(this, axis);
  }
  /** {@link logSoftmax}(this, axis). */
  logSoftmax(axis = -1): Tensor {
    return logSoftmax(this, axis);
  }
  /** {@link reshape}(this, shape). */
  reshape(shape: readonly number[]): Tensor;
  reshape(...shape: number[]): Tensor;
  reshape(...args: (number | readonly number[])[]): Tensor {
    return reshape(this, flattenArgs(args));
  }

  /** {@link permute}(this, axes). */
  permute(axes: readonly number[]): Tensor;
  permute(...axes: number[]): Tensor;
  permute(...args: (number | readonly number[])[]): Tensor {
    return permute(this, flattenArgs(args));
  }

  /** {@link transpose}(this, axis0, axis1). */
  transpose(axis0 = -2, axis1 = -1): Tensor {
    return transpose(this, axis0, axis1);
  }
  /** {@link unsqueeze}(this, axis). */
  unsqueeze(axis: number): Tensor {
    return unsqueeze(this, axis);
  }
  /** {@link squeeze}(this, axis). */
  squeeze(axis?: number): Tensor {
    return squeeze(this, axis);
  }
  /** {@link broadcastTo}(this, shape) — PyTorch `expand`. */
  expand(shape: readonly number[]): Tensor;
  expand(...shape: number[]): Tensor;
  expand(...args: (number | readonly number[])[]): Tensor {
    return broadcastTo(this, flattenArgs(args));
  }

  /** {@link flatten}(this, startAxis, endAxis). */
  flatten(startAxis = 0, endAxis = -1): Tensor {
    return flatten(this, startAxis, endAxis);
  }
  /** {@link cast}(this, dtype) — PyTorch `to(dtype)`. */
  cast(dtype: DType): Tensor {
    return cast(this, dtype);
  }

  /** A short description: `Tensor(float32, (2, 3))` followed by the values when small. */
  toString(): string {
    const head = `Tensor(${this.dtype}, (${this.shape.join(', ')}))`;
    return this.size <= 64 ? `${head} ${JSON.stringify(this.toArray())}` : head;
  }
}

/** Accepts both `x.reshape(2, 3)` and `x.reshape([2, 3])`, as PyTorch does. */
function flattenArgs(args: (number | readonly number[])[]): readonly number[] {
  return args.length === 1 && Array.isArray(args[0]) ? (args[0] as readonly number[]) : (args as number[]);
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
