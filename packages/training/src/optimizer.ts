import type { Parameter } from '@attnkit/layers';
import {
  createView,
  formatShape,
  fromNdarray,
  InvalidArgumentError,
  ShapeError,
  Tensor,
  type TypedArray,
  type ZeroGradsOptions,
  zeroGrads,
} from '@attnkit/tensor';
import { checkNonNegative, describe, isRecord } from './internal/check.js';
import { writeBack } from './internal/write-back.js';

/** Storage of a parameter and of its optimizer state (the parameter's own dtype). */
export type FloatArray = Float32Array | Float64Array;

/** Hyperparameter values as {@link Optimizer.stateDict} reports them. */
export type Hyperparameter = number | boolean | readonly number[];

/** The state one parameter has once it received a gradient: a step count and named buffers. */
export interface OptimizerParamState {
  /** Number of updates applied to this parameter (PyTorch `state['step']`). */
  readonly step: number;
  /** Buffers of the parameter's shape, e.g. `expAvg` (PyTorch `exp_avg`), `momentumBuffer`. */
  readonly buffers: Readonly<Record<string, Tensor>>;
}

/** An optimizer's resumable state (PyTorch `optimizer.state_dict()`, one param group). */
export interface OptimizerStateDict {
  /** State by position in `optimizer.params` (`'0'`, `'1'`, …); parameters never updated have none. */
  readonly state: Readonly<Record<string, OptimizerParamState>>;
  /** `lr` and the other hyperparameters (PyTorch `param_groups[0]` without `params`). */
  readonly hyperparameters: Readonly<Record<string, Hyperparameter>>;
}

/** Mutable per-parameter state the subclasses update. */
export interface ParamState {
  step: number;
  readonly buffers: Map<string, FloatArray>;
}

/**
 * Base class of the optimizers: holds the parameters, the learning rate and per-parameter state,
 * and applies a subclass's update rule to every parameter that has a gradient.
 *
 * Optimizers mutate parameters, like PyTorch: {@link Optimizer.step} writes the new values into
 * each parameter's own storage with plain loops over its typed array (no autograd recording), so
 * modules holding the parameters see the update and no tensor is allocated. A parameter is a
 * module's {@link Parameter} or any leaf tensor with `requiresGrad` (PyTorch's `SGD([w], lr)`,
 * D2L §3.4's `w = normal(0, 0.01, [2, 1], { requiresGrad: true })`).
 *
 * @see PyTorch `torch.optim.Optimizer`; D2L §12 "Optimization Algorithms".
 */
export abstract class Optimizer {
  /** The parameters this optimizer updates, in the order given (state-dict indices refer to it). */
  readonly params: readonly Tensor[];
  #lr: number;
  readonly #op: string;
  readonly #state = new Map<Tensor, ParamState>();

  /**
   * @throws {@link InvalidArgumentError} if `params` is empty, holds something that is not a
   *   leaf tensor with `requiresGrad` (a non-tensor, the result of an operation, or a tensor with
   *   `requiresGrad = false`) or holds a parameter twice, or `lr` is negative or not finite.
   */
  protected constructor(op: string, params: Iterable<Tensor>, lr: number) {
    this.#op = op;
    this.params = collectParams(op, params);
    this.#lr = checkNonNegative(op, 'lr', lr);
  }

  /** The learning rate used by the next {@link Optimizer.step}; schedulers set it. */
  get lr(): number {
    return this.#lr;
  }

  /** @throws {@link InvalidArgumentError} if the new rate is negative or not finite. */
  set lr(value: number) {
    this.#lr = checkNonNegative(this.#op, 'lr', value);
  }

  /**
   * Zeroes every parameter's `grad` in place, so the next `backward()` accumulates into the same
   * storage (PyTorch `zero_grad(set_to_none=False)`); `{ setToNone: true }` sets them to `null`
   * instead (PyTorch `set_to_none=True`). A zero gradient is a gradient: {@link Optimizer.step}
   * updates the parameter (decay, momentum) where it skips a `null` one. See `zeroGrads`.
   * @throws {@link InvalidArgumentError} if `options` has unknown keys or a non-boolean `setToNone`.
   */
  zeroGrad(options: ZeroGradsOptions = {}): void {
    zeroGrads(this.params, options);
  }

  /**
   * Updates every parameter that has a gradient, in place; parameters whose `grad` is `null` are
   * skipped (their state does not advance), as in PyTorch.
   *
   * @throws {@link ShapeError} if a gradient does not have its parameter's shape.
   */
  step(): void {
    this.params.forEach((p, i) => {
      const grad = p.grad;
      if (grad === null) return;
      if (!sameShape(grad.shape, p.shape)) {
        throw new ShapeError(
          `${this.#op}.step: params[${i}].grad must have shape ${formatShape(p.shape)}; got ${formatShape(grad.shape)}.`,
        );
      }
      let state = this.#state.get(p);
      if (state === undefined) {
        state = { step: 0, buffers: new Map() };
        this.#state.set(p, state);
      }
      if (p.isContiguous()) {
        const { data, offset } = p.nd;
        // A contiguous view is row-major from its offset, so this subarray is the parameter.
        this.update((data as FloatArray).subarray(offset, offset + p.numel()), grad.toTypedArray(), state);
      } else {
        // A strided leaf (e.g. a transposed view given requiresGrad): update a copy, write it back.
        const values = p.toTypedArray() as FloatArray;
        this.update(values, grad.toTypedArray(), state);
        writeBack(p, values);
      }
    });
  }

  /**
   * A snapshot of the optimizer: per-parameter step counts and buffers (copies) and the
   * hyperparameters, for {@link Optimizer.loadStateDict} (e.g. through safetensors and JSON).
   */
  stateDict(): OptimizerStateDict {
    const state: Record<string, OptimizerParamState> = {};
    this.params.forEach((p, i) => {
      const s = this.#state.get(p);
      if (s === undefined) return;
      const buffers: Record<string, Tensor> = {};
      for (const [name, data] of s.buffers) buffers[name] = fromNdarray(createView(data.slice(), p.shape));
      state[String(i)] = { step: s.step, buffers };
    });
    return { state, hyperparameters: { lr: this.#lr, ...this.hyperparameters() } };
  }

  /**
   * Restores a {@link Optimizer.stateDict} (the same parameters, in the same order). Validates
   * everything first and only then replaces the state and hyperparameters: a failed call changes
   * nothing.
   *
   * @param stateDict - What `stateDict()` returned, possibly from another optimizer instance.
   * @throws {@link InvalidArgumentError} if the structure is wrong: an index outside the
   *   parameters, an unknown buffer name, a step that is not an integer ≥ 0, a buffer that is not
   *   a float tensor, or an invalid hyperparameter.
   * @throws {@link ShapeError} if a buffer does not have its parameter's shape.
   */
  loadStateDict(stateDict: OptimizerStateDict): void {
    const op = `${this.#op}.loadStateDict`;
    if (!isRecord(stateDict) || !isRecord(stateDict.state) || !isRecord(stateDict.hyperparameters)) {
      throw new InvalidArgumentError(
        `${op}: stateDict must be an object with 'state' and 'hyperparameters' objects; got ${describe(stateDict)}.`,
      );
    }
    const { lr, ...rest } = stateDict.hyperparameters;
    const newLr = checkNonNegative(op, 'hyperparameters.lr', lr as number);
    const commitHyper = this.loadHyperparameters(op, rest);
    const allowed = this.bufferNames();
    const next = new Map<Tensor, ParamState>();
    for (const [key, value] of Object.entries(stateDict.state)) {
      const index = Number(key);
      const p = this.params[index];
      if (!/^\d+$/.test(key) || p === undefined) {
        throw new InvalidArgumentError(
          `${op}: state key '${key}' must be a parameter index in [0, ${this.params.length}).`,
        );
      }
      if (
        !isRecord(value) ||
        !Number.isSafeInteger(value.step) ||
        value.step < 0 ||
        !isRecord(value.buffers)
      ) {
        throw new InvalidArgumentError(
          `${op}: state['${key}'] must be { step: integer ≥ 0, buffers: object }; got ${describe(value)}.`,
        );
      }
      const buffers = new Map<string, FloatArray>();
      for (const [name, t] of Object.entries(value.buffers)) {
        if (!allowed.includes(name)) {
          throw new InvalidArgumentError(
            `${op}: state['${key}'] has unknown buffer '${name}'; expected one of ${allowed.join(', ')}.`,
          );
        }
        if (!(t instanceof Tensor) || (t.dtype !== 'float32' && t.dtype !== 'float64')) {
          throw new InvalidArgumentError(
            `${op}: state['${key}'].buffers.${name} must be a float32 or float64 Tensor; got ${describe(t)}.`,
          );
        }
        if (!sameShape(t.shape, p.shape)) {
          throw new ShapeError(
            `${op}: state['${key}'].buffers.${name} must have shape ${formatShape(p.shape)}; got ${formatShape(t.shape)}.`,
          );
        }
        const data =
          p.dtype === 'float32' ? Float32Array.from(t.toTypedArray()) : Float64Array.from(t.toTypedArray());
        buffers.set(name, data);
      }
      next.set(p, { step: value.step, buffers });
    }
    // Everything is valid: commit.
    this.#lr = newLr;
    commitHyper();
    this.#state.clear();
    for (const [p, s] of next) this.#state.set(p, s);
  }

  /**
   * Applies the update rule to one parameter, in place.
   * @param param - The parameter's values (its storage), updated in place.
   * @param grad - Its gradient, row-major, same length.
   * @param state - Its state; `step` and the buffers are for the subclass to advance.
   */
  protected abstract update(param: FloatArray, grad: TypedArray, state: ParamState): void;

  /** Hyperparameters other than `lr`, for {@link Optimizer.stateDict}. */
  protected abstract hyperparameters(): Record<string, Hyperparameter>;

  /** Validates hyperparameters other than `lr` and returns a function that applies them. */
  protected abstract loadHyperparameters(op: string, values: Readonly<Record<string, unknown>>): () => void;

  /** Names of the per-parameter buffers this optimizer keeps. */
  protected abstract bufferNames(): readonly string[];
}

function collectParams(op: string, params: Iterable<Tensor>): Tensor[] {
  if (params === null || typeof params !== 'object' || !(Symbol.iterator in params)) {
    throw new InvalidArgumentError(
      `${op}: params must be an iterable of leaf tensors with requiresGrad (e.g. model.parameters()); got ${describe(params)}.`,
    );
  }
  const out: Tensor[] = [];
  const seen = new Set<Tensor>();
  for (const p of params) {
    const at = `${op}: params[${out.length}]`;
    if (!(p instanceof Tensor)) {
      throw new InvalidArgumentError(
        `${at} must be a Tensor (a Parameter or a leaf with requiresGrad); got ${describe(p)}.`,
      );
    }
    if (!p.isLeaf) {
      throw new InvalidArgumentError(
        `${at} must be a leaf tensor; got the result of an operation (optimize the tensor it was computed from, or detach() it and set requiresGrad).`,
      );
    }
    if (!p.requiresGrad) {
      throw new InvalidArgumentError(
        `${at} must require gradients; got a tensor with requiresGrad = false (create it with { requiresGrad: true }).`,
      );
    }
    if (seen.has(p)) {
      throw new InvalidArgumentError(`${at} appears twice; each parameter must be given once.`);
    }
    seen.add(p);
    out.push(p);
  }
  if (out.length === 0) throw new InvalidArgumentError(`${op}: params must not be empty.`);
  return out;
}

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}
