import { Module } from '@attnkit/layers';
import { InvalidArgumentError } from '@attnkit/tensor';

/**
 * An ordered container of child modules under chosen names (PyTorch `nn.ModuleList`, or an
 * `nn.Sequential` filled with `add_module(name, …)` as D2L does): it only gives its children
 * their state-dict prefix; the owner runs them.
 */
export class ModuleList<M extends Module> extends Module {
  readonly #items: M[] = [];

  /** Adds `module` under `name` (`block0` as D2L, `0` as `nn.ModuleList`). */
  push(name: string, module: M): void {
    this.registerModule(name, module);
    this.#items.push(module);
  }

  /** The children in order. */
  get items(): readonly M[] {
    return this.#items;
  }

  /** @throws {@link InvalidArgumentError} always: the owner calls each child itself. */
  forward(): never {
    throw new InvalidArgumentError('ModuleList: call each block itself; a list has no forward.');
  }
}
