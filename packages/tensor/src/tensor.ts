import { type BackwardOptions, runBackward } from './autograd/backward.js';
import type { GradNode } from './autograd/node.js';
import { type DType, isFloating, type TypedArray } from './dtype.js';
import { InvalidArgumentError } from './errors.js';
import { copyToContiguous } from './kernels/copy.js';
import { trackTensor } from './memory/scope.js';
import { contiguousStrides, createView, type NdArray } from './ndarray.js';
import { add } from './ops/add.js';
import type { ArgReduceOptions } from './ops/argmax.js';
import { maskedFill } from './ops/masked-fill.js';
import { reshape } from './ops/reshape.js';
import { softmax } from './ops/softmax.js';
import type { ReduceOptions } from './ops/sum.js';
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
    return methodOp('sub')(this, other);
  }
  /** {@link mul}(this, other). */
  mul(other: Tensor | number): Tensor {
    return methodOp('mul')(this, other);
  }
  /** {@link div}(this, other). */
  div(other: Tensor | number): Tensor {
    return methodOp('div')(this, other);
  }
  /** {@link pow}(this, exponent). */
  pow(exponent: Tensor | number): Tensor {
    return methodOp('pow')(this, exponent);
  }
  /** {@link neg}(this). */
  neg(): Tensor {
    return methodOp('neg')(this);
  }
  /** {@link exp}(this). */
  exp(): Tensor {
    return methodOp('exp')(this);
  }
  /** {@link log}(this). */
  log(): Tensor {
    return methodOp('log')(this);
  }
  /** {@link sqrt}(this). */
  sqrt(): Tensor {
    return methodOp('sqrt')(this);
  }
  /** {@link tanh}(this). */
  tanh(): Tensor {
    return methodOp('tanh')(this);
  }
  /** {@link sigmoid}(this). */
  sigmoid(): Tensor {
    return methodOp('sigmoid')(this);
  }
  /** {@link relu}(this). */
  relu(): Tensor {
    return methodOp('relu')(this);
  }
  /** {@link matmul}(this, other). */
  matmul(other: Tensor): Tensor {
    return methodOp('matmul')(this, other);
  }
  /** {@link sum}(this, options). */
  sum(options?: ReduceOptions): Tensor {
    return methodOp('sum')(this, options);
  }
  /** {@link mean}(this, options). */
  mean(options?: ReduceOptions): Tensor {
    return methodOp('mean')(this, options);
  }
  /** {@link max}(this, options). */
  max(options?: ReduceOptions): Tensor {
    return methodOp('max')(this, options);
  }
  /** {@link min}(this, options). */
  min(options?: ReduceOptions): Tensor {
    return methodOp('min')(this, options);
  }
  /** {@link argmax}(this, options). */
  argmax(options?: ArgReduceOptions): Tensor {
    return methodOp('argmax')(this, options);
  }
  /** {@link softmax}(this, axis). */
  softmax(axis = -1): Tensor {
    return softmax(this, axis);
  }
  /** {@link logSoftmax}(this, axis). */
  logSoftmax(axis = -1): Tensor {
    return methodOp('logSoftmax')(this, axis);
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
    return methodOp('permute')(this, flattenArgs(args));
  }

  /** {@link transpose}(this, axis0, axis1). */
  transpose(axis0 = -2, axis1 = -1): Tensor {
    return methodOp('transpose')(this, axis0, axis1);
  }
  /** {@link unsqueeze}(this, axis). */
  unsqueeze(axis: number): Tensor {
    return unsqueeze(this, axis);
  }
  /** {@link squeeze}(this, axis). */
  squeeze(axis?: number): Tensor {
    return methodOp('squeeze')(this, axis);
  }
  /** {@link broadcastTo}(this, shape) — PyTorch `expand`. */
  expand(shape: readonly number[]): Tensor;
  expand(...shape: number[]): Tensor;
  expand(...args: (number | readonly number[])[]): Tensor {
    return methodOp('expand', 'broadcastTo')(this, flattenArgs(args));
  }

  /** {@link repeat}(this, repeats) — PyTorch `x.repeat(2, 1)`. */
  repeat(repeats: readonly number[]): Tensor;
  repeat(...repeats: number[]): Tensor;
  repeat(...args: (number | readonly number[])[]): Tensor {
    return methodOp('repeat')(this, flattenArgs(args));
  }
  /** {@link chunk}(this, chunks, axis). */
  chunk(chunks: number, axis = 0): Tensor[] {
    return methodOp('chunk')(this, chunks, axis);
  }
  /** {@link maskedSelect}(this, mask) — PyTorch `x[mask]`. */
  maskedSelect(mask: Tensor): Tensor {
    return methodOp('maskedSelect')(this, mask);
  }
  /** {@link maskedFill}(this, mask, value) — PyTorch `x.masked_fill(mask, value)`. */
  maskedFill(mask: Tensor, value: number): Tensor {
    return maskedFill(this, mask, value);
  }

  /** {@link flatten}(this, startAxis, endAxis). */
  flatten(startAxis = 0, endAxis = -1): Tensor {
    return methodOp('flatten')(this, startAxis, endAxis);
  }
  /** {@link cast}(this, dtype) — PyTorch `to(dtype)`. */
  cast(dtype: DType): Tensor {
    return methodOp('cast')(this, dtype);
  }

  /**
   * The values as PyTorch prints them (`str(tensor)`), by {@link formatTensor}:
   * `tensor([[0.1235, 0.5000]])`, 4 decimals or scientific notation when the magnitudes call for
   * it, elements aligned, tensors over 1000 elements summarised with `...`, then `dtype=…` unless
   * float32 or bool, `grad_fn=<…>` or `requires_grad=True`.
   *
   * The package entry loads the formatter, so this holds in Node and wherever the whole package is
   * loaded. A bundle keeps it only when the program imports `formatTensor` (about 1 kB gzip); without
   * it this gives the shape and dtype and says so: `Tensor of shape (2, 3), float32 (…)`.
   * @example
   * ```ts
   * String(tensor([[0.12345, 0.5]])); // 'tensor([[0.1235, 0.5000]])'
   * ```
   */
  toString(): string {
    if (formatter !== undefined) return formatter(this);
    return `Tensor of shape (${this.shape.join(', ')}), ${this.dtype} (values print once formatTensor from '@attnkit/tensor' is in the program)`;
  }

  /** `console.log(x)` and `util.inspect(x)` in Node print {@link Tensor.toString}. */
  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return this.toString();
  }
}

let formatter: ((x: Tensor) => string) | undefined;

/** @internal Installs the PyTorch-style printer of {@link Tensor.toString} (format-tensor.ts does, when loaded). */
export function provideFormatter(format: (x: Tensor) => string): void {
  formatter = format;
}

/**
 * Ops whose method forms the class reaches through registration instead of an import, so that a
 * bundle carries their machinery (matmul kernels, arg-reductions, masked scatter, …) only when the
 * op is in it: each op's module calls {@link provideMethods} when it is loaded. Without a bundler
 * the package entry loads every op, so every method is there; in a bundle, a method is there as
 * soon as its op function is used anywhere in the program (e.g. `matmul(a, b)` from '@attnkit/tensor').
 */
interface MethodOps {
  matmul(a: Tensor, b: Tensor): Tensor;
  relu(x: Tensor): Tensor;
  max(x: Tensor, options?: ReduceOptions): Tensor;
  min(x: Tensor, options?: ReduceOptions): Tensor;
  argmax(x: Tensor, options?: ArgReduceOptions): Tensor;
  chunk(x: Tensor, chunks: number, axis?: number): Tensor[];
  maskedSelect(x: Tensor, mask: Tensor): Tensor;
  sub(a: Tensor, b: Tensor | number): Tensor;
  div(a: Tensor, b: Tensor | number): Tensor;
  pow(a: Tensor, b: Tensor | number): Tensor;
  neg(x: Tensor): Tensor;
  exp(x: Tensor): Tensor;
  log(x: Tensor): Tensor;
  sqrt(x: Tensor): Tensor;
  tanh(x: Tensor): Tensor;
  sigmoid(x: Tensor): Tensor;
  mean(x: Tensor, options?: ReduceOptions): Tensor;
  logSoftmax(x: Tensor, axis?: number): Tensor;
  permute(x: Tensor, axes: readonly number[]): Tensor;
  transpose(x: Tensor, axis0?: number, axis1?: number): Tensor;
  squeeze(x: Tensor, axis?: number): Tensor;
  repeat(x: Tensor, repeats: readonly number[]): Tensor;
  flatten(x: Tensor, startAxis?: number, endAxis?: number): Tensor;
  cast(x: Tensor, dtype: DType): Tensor;
  sum(x: Tensor, options?: ReduceOptions): Tensor;
  mul(a: Tensor, b: Tensor | number): Tensor;
  /** `x.expand(…)` is {@link broadcastTo}. */
  expand(x: Tensor, shape: readonly number[]): Tensor;
}

const methodOps: Partial<MethodOps> = {};

/** @internal Registers the ops behind method forms (called by the ops' own modules when loaded). */
export function provideMethods(ops: Partial<MethodOps>): void {
  Object.assign(methodOps, ops);
}

function methodOp<K extends keyof MethodOps>(name: K, fn: string = name): MethodOps[K] {
  const op = methodOps[name];
  if (op === undefined) {
    throw new Error(
      `Tensor.${name}: the ${fn} op is not in this bundle (the bundler dropped it as unused); call ${fn}(x, …) from '@attnkit/tensor' once in the program.`,
    );
  }
  return op;
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
