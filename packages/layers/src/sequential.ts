import { describeValue, InvalidArgumentError, type Tensor } from '@attnkit/tensor';
import { Module } from './module.js';

/** A module that maps one tensor to one tensor — what {@link Sequential} chains. */
export type TensorModule = Module & { forward(x: Tensor): Tensor };

/**
 * Chains modules: the output of each is the input of the next (PyTorch `nn.Sequential`).
 * Children are named '0', '1', …, so state keys are `0.weight`, `2.bias`, … as in PyTorch.
 *
 * Shapes: x (...) -> whatever the last module returns
 *
 * @param modules - The stages, in order; none is the identity.
 * @see D2L §6.1.2 "A Custom Sequential Module".
 * @example
 * ```ts
 * const ffn = new Sequential(
 *   new Linear({ inFeatures: 4, outFeatures: 8 }),
 *   new ReLU(),
 *   new Linear({ inFeatures: 8, outFeatures: 4 }),
 * );
 * Object.keys(ffn.stateDict()); // ['0.weight', '0.bias', '2.weight', '2.bias']
 * ```
 */
export class Sequential extends Module {
  readonly #stages: TensorModule[] = [];

  constructor(...modules: TensorModule[]) {
    super();
    modules.forEach((m, i) => {
      checkModule(`Sequential: modules[${i}]`, m);
      this.append(m);
    });
  }

  /** Number of stages. */
  get length(): number {
    return this.#stages.length;
  }

  /**
   * The stage at `index` (negative counts from the end).
   * @throws {@link InvalidArgumentError} if `index` is not an integer in [−length, length).
   */
  at(index: number): TensorModule {
    const n = this.#stages.length;
    if (!Number.isInteger(index) || index < -n || index >= n) {
      throw new InvalidArgumentError(
        `Sequential.at: index must be an integer in [${-n}, ${n - 1}]; got ${index}.`,
      );
    }
    return this.#stages[index < 0 ? index + n : index]!;
  }

  /** Adds a stage at the end under the next index name; returns `this`. */
  append(module: TensorModule): this {
    checkModule('Sequential.append: module', module);
    this.registerModule(String(this.#stages.length), module);
    this.#stages.push(module);
    return this;
  }

  /** Runs the stages in order. */
  forward(x: Tensor): Tensor {
    let y = x;
    for (const stage of this.#stages) y = stage.forward(y);
    return y;
  }

  /** The stages, in order. */
  [Symbol.iterator](): Iterator<TensorModule> {
    return this.#stages[Symbol.iterator]();
  }
}

function checkModule(what: string, m: unknown): void {
  if (!(m instanceof Module) || typeof (m as { forward?: unknown }).forward !== 'function') {
    throw new InvalidArgumentError(`${what} must be a Module with forward(x); got ${describeValue(m)}.`);
  }
}
