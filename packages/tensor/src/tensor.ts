import { type BackwardOptions, runBackward } from './autograd/backward.js';
import type { GradNode } from './autograd/node.js';
import { type DType, isFloating, type TypedArray } from './dtype.js';
import { InvalidArgumentError } from './errors.js';
import { formatTensor } from './internal/format.js';
import { matmulOp } from './internal/matmul-op.js';
import { copyToContiguous } from './kernels/copy.js';
import { trackTensor } from './memory/scope.js';
import { contiguousStrides, createView, type NdArray } from './ndarray.js';
import { add } from './ops/add.js';
import { type ArgReduceOptions, argmax } from './ops/argmax.js';
import { broadcastTo } from './ops/broadcast-to.js';
import { cast } from './ops/cast.js';
import { chunk } from './ops/chunk.js';
import { div } from './ops/div.js';
import { exp } from './ops/exp.js';
import { flatten } from './ops/flatten.js';
import { log } from './ops/log.js';
import { logSoftmax } from './ops/log-softmax.js';
import { maskedFill } from './ops/masked-fill.js';
import { maskedSelect } from './ops/masked-select.js';
import { max } from './ops/max.js';
import { mean } from './ops/mean.js';
import { min } from './ops/min.js';
import { mul } from './ops/mul.js';
import { neg } from './ops/neg.js';
import { permute } from './ops/permute.js';
import { pow } from './ops/pow.js';
import { relu } from './ops/relu.js';
import { repeat } from './ops/repeat.js';
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
import { normalizeAxis, shapeSize } from './shape.js';

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
    if (requiresGrad) this.requiresGrad = true;
    // s5-arena: an open withArena() scope releases this tensor's storage when it ends.
    trackTensor(this);
  }

  /** Extent of each axis. */
  get shape(): readonly number[] {
    return this.nd.shape;
  }

  /** Number of axes. */
  get ndim(): number {
    return this.nd.shape.length;
  }

  /** Number of elements (PyTorch `numel()`). */
  numel(): number {
    return shapeSize(this.nd.shape);
  }

  /**
   * The shape, or the extent of one axis (PyTorch `x.size()` / `x.size(dim)`).
   *
   * @param dim - An axis; negative counts from the end (`size(-1)` is the last extent).
   * @returns The shape without `dim`, else the extent of axis `dim`.
   * @throws {@link InvalidArgumentError} if `dim` is not an integer in [-ndim, ndim).
   * @example
   * ```ts
   * const x = zeros([2, 3, 4]);
   * x.size(); // [2, 3, 4]
   * x.size(-1); // 4
   * ```
   */
  size(): readonly number[];
  size(dim: number): number;
  size(dim?: number): number | readonly number[] {
    if (dim === undefined) return this.nd.shape;
    if (this.ndim === 0) {
      throw new InvalidArgumentError(`size: dim must be omitted for a 0-d tensor; got ${dim}.`);
    }
    return this.nd.shape[normalizeAxis('size', dim, this.ndim, 'dim')]!;
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
    const n = this.numel();
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
    return build(0, 0, this.numel()) as NestedArray<number> | NestedArray<boolean>;
  }

  /**
   * The value of a one-element tensor as a number (`bool` gives 0 or 1), like PyTorch `item()`.
   * @throws {@link InvalidArgumentError} if the tensor has more than one element.
   */
  item(): number {
    if (this.numel() !== 1) {
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
  /**
   * `matmul(this, other)`. In a bundle that imports none of the ops that bring the
   * WebAssembly backend (`matmul`, `linear`, `fusedAttention`), this runs on `jsBackend`.
   */
  matmul(other: Tensor): Tensor {
    return matmulOp(this, other);
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

  /** {@link repeat}(this, repeats) — PyTorch `x.repeat(2, 1)`. */
  repeat(repeats: readonly number[]): Tensor;
  repeat(...repeats: number[]): Tensor;
  repeat(...args: (number | readonly number[])[]): Tensor {
    return repeat(this, flattenArgs(args));
  }
  /** {@link chunk}(this, chunks, axis). */
  chunk(chunks: number, axis = 0): Tensor[] {
    return chunk(this, chunks, axis);
  }
  /** {@link maskedSelect}(this, mask) — PyTorch `x[mask]`. */
  maskedSelect(mask: Tensor): Tensor {
    return maskedSelect(this, mask);
  }
  /** {@link maskedFill}(this, mask, value) — PyTorch `x.masked_fill(mask, value)`. */
  maskedFill(mask: Tensor, value: number): Tensor {
    return maskedFill(this, mask, value);
  }

  /** {@link flatten}(this, startAxis, endAxis). */
  flatten(startAxis = 0, endAxis = -1): Tensor {
    return flatten(this, startAxis, endAxis);
  }
  /** {@link cast}(this, dtype) — PyTorch `to(dtype)`. */
  cast(dtype: DType): Tensor {
    return cast(this, dtype);
  }

  /**
   * The values as PyTorch prints them (`str(tensor)`): `tensor([[0.1235, 0.5000]])`, 4 decimals
   * or scientific notation when the magnitudes call for it, elements aligned, tensors over 1000
   * elements summarised with `...` (3 items at each edge), then `dtype=…` unless float32 or bool
   * (attnkit spells dtypes without `torch.`; its int32 is PyTorch's index int64), `grad_fn=<…>` or
   * `requires_grad=True`.
   * @example
   * ```ts
   * String(tensor([[0.12345, 0.5]])); // 'tensor([[0.1235, 0.5000]])'
   * ```
   */
  toString(): string {
    const suffixes: string[] = [];
    if (this._node !== null) suffixes.push(`grad_fn=<${backwardName(this._node.op)}>`);
    else if (this.requiresGrad) suffixes.push('requires_grad=True');
    return formatTensor({
      values: this.toTypedArray(),
      shape: this.shape,
      dtype: this.dtype,
      suffixes,
      prefix: 'tensor(',
    });
  }

  /** `console.log(x)` and `util.inspect(x)` in Node print {@link Tensor.toString}. */
  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return this.toString();
  }
}

/** PyTorch-style name of a backward node: `add` → `AddBackward`. */
function backwardName(op: string): string {
  return `${op.charAt(0).toUpperCase()}${op.slice(1)}Backward`;
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
