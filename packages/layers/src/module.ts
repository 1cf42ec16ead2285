import {
  checkOptions,
  describeValue,
  formatShape,
  InvalidArgumentError,
  isPlainObject,
  ShapeError,
  type Tensor,
  type ZeroGradsOptions,
  zeroGrads,
} from '@attnkit/tensor';
import {
  checkStateShape,
  type ReadValue,
  readStateValue,
  type StateValue,
  writeInto,
} from './internal/state.js';
import { Parameter } from './parameter.js';

export type { StateValue } from './internal/state.js';

/** Options of {@link Module.registerBuffer}. */
export interface RegisterBufferOptions {
  /** Include the buffer in {@link Module.stateDict} (PyTorch `persistent`); default `true`. */
  persistent?: boolean;
}

/** Options of {@link Module.loadStateDict}. */
export interface LoadStateDictOptions {
  /** Throw on missing or unexpected keys (default `true`); otherwise report them and load the rest. */
  strict?: boolean;
}

/** What {@link Module.loadStateDict} did not match (always empty in strict mode). */
export interface LoadStateDictResult {
  /** Keys the module has but the state dict lacks; those tensors keep their values. */
  readonly missingKeys: string[];
  /** Keys the state dict has but the module does not; ignored. */
  readonly unexpectedKeys: string[];
}

/** A shape with `null` for extents a lazy module infers later (PyTorch `UninitializedParameter`). */
export type LazyShape = readonly (number | null)[];

/** Where one state-dict key lives. */
interface StateTarget {
  readonly module: Module;
  readonly name: string;
  /** The existing tensor, or `null` for a lazy parameter not created yet. */
  readonly tensor: Tensor | null;
  readonly lazyShape: LazyShape | null;
}

/**
 * Base class of every layer: a tree of named child modules, parameters and buffers with
 * PyTorch-compatible names (`attention.W_q.weight`), train/eval mode and state dicts.
 *
 * Subclasses register what they own explicitly — `this.weight = this.registerParameter('weight', p)`,
 * `this.registerModule('W_q', linear)` — so state-dict keys are exactly the PyTorch ones, and
 * declare their own `forward` signature. Modules are not callable: call `layer.forward(x)`.
 *
 * @see PyTorch `torch.nn.Module`; D2L §6.1 "Layers and Modules", §6.2 "Parameter Management".
 * @example
 * ```ts
 * class TwoLayer extends Module {
 *   readonly hidden = this.registerModule('hidden', new Linear({ inFeatures: 4, outFeatures: 8 }));
 *   readonly out = this.registerModule('out', new Linear({ inFeatures: 8, outFeatures: 1 }));
 *   forward(x: Tensor): Tensor {
 *     return this.out.forward(relu(this.hidden.forward(x)));
 *   }
 * }
 * const net = new TwoLayer();
 * Object.keys(net.stateDict()); // ['hidden.weight', 'hidden.bias', 'out.weight', 'out.bias']
 * ```
 */
export abstract class Module {
  /** Training mode (dropout active) when `true`; set recursively by {@link Module.train} / {@link Module.eval}. */
  training = true;
  readonly #parameters = new Map<string, Parameter | null>();
  readonly #lazy = new Map<string, LazyShape>();
  readonly #buffers = new Map<string, Tensor | null>();
  readonly #nonPersistent = new Set<string>();
  readonly #modules = new Map<string, Module>();

  /** The computation; each subclass declares its own signature (e.g. `forward(x: Tensor): Tensor`). */
  abstract forward(...args: never[]): unknown;

  /**
   * Registers a parameter under `name` (replacing one of the same name); `null` reserves the name
   * without a tensor (PyTorch `bias=None`), so it appears in no list and no state dict.
   *
   * @param name - Key in {@link Module.stateDict}; no dots.
   * @param param - The parameter, or `null`.
   * @returns `param`, so a field can be initialised in one line.
   * @throws {@link InvalidArgumentError} if `name` is empty, contains a dot or names a buffer or a child module, or `param` is not a {@link Parameter}.
   */
  registerParameter<P extends Parameter | null>(name: string, param: P): P {
    this.#checkName('registerParameter', name, this.#parameters.has(name) || this.#lazy.has(name));
    if (param !== null && !(param instanceof Parameter)) {
      throw new InvalidArgumentError(
        `registerParameter: ${name} must be a Parameter or null; wrap a tensor with new Parameter(t).`,
      );
    }
    this.#lazy.delete(name);
    this.#parameters.set(name, param);
    return param;
  }

  /**
   * Registers a tensor that is state but not trained (PyTorch `register_buffer`, e.g. running
   * statistics or a positional table); `stateDict` includes it unless `persistent` is false.
   *
   * @param name - Key in {@link Module.stateDict}; no dots.
   * @param value - The tensor (any dtype), or `null`.
   * @returns `value`.
   * @throws {@link InvalidArgumentError} if `name` is empty, contains a dot or names a parameter or a child module.
   */
  registerBuffer<T extends Tensor | null>(name: string, value: T, options: RegisterBufferOptions = {}): T {
    checkOptions('registerBuffer', options, { persistent: 'boolean' });
    this.#checkName('registerBuffer', name, this.#buffers.has(name));
    this.#buffers.set(name, value);
    if (options.persistent ?? true) this.#nonPersistent.delete(name);
    else this.#nonPersistent.add(name);
    return value;
  }

  /**
   * Registers a child module under `name`; its parameters appear as `name.<their name>`.
   *
   * @param name - Path segment of the child's keys; no dots. `Sequential` uses '0', '1', ….
   * @param module - The child.
   * @returns `module`.
   * @throws {@link InvalidArgumentError} if `name` is empty, contains a dot or names a parameter or a buffer, or `module` is this module or contains it (a cycle).
   */
  registerModule<M extends Module>(name: string, module: M): M {
    this.#checkName('registerModule', name, this.#modules.has(name));
    if (module.namedModules().some(([, m]) => m === this)) {
      throw new InvalidArgumentError(`registerModule: ${name} would make the module tree a cycle.`);
    }
    this.#modules.set(name, module);
    return module;
  }

  /**
   * Declares a parameter whose shape is only partly known until the first forward (a lazy module);
   * `loadStateDict` accepts a value of any extent where `shape` has `null` and then calls
   * {@link Module.materializeFromState}. Registering the real parameter clears the declaration.
   */
  protected declareLazyParameter(name: string, shape: LazyShape): void {
    this.#checkName('declareLazyParameter', name, this.#parameters.has(name) || this.#lazy.has(name));
    this.#parameters.delete(name);
    this.#lazy.set(name, shape.slice());
  }

  /**
   * Called by `loadStateDict` (after validation, before copying) with the shapes of this module's
   * lazy parameters found in the state dict; a lazy module creates its parameters here. No-op by default.
   */
  protected materializeFromState(_shapes: ReadonlyMap<string, readonly number[]>): void {}

  /** Direct children, in registration order. */
  children(): Module[] {
    return [...this.#modules.values()];
  }

  /** Direct children with their names. */
  namedChildren(): [string, Module][] {
    return [...this.#modules.entries()];
  }

  /** This module (name `''`) and every descendant, pre-order, each once, with dotted names. */
  namedModules(): [string, Module][] {
    const out: [string, Module][] = [];
    const seen = new Set<Module>();
    const visit = (prefix: string, module: Module): void => {
      if (seen.has(module)) return;
      seen.add(module);
      out.push([prefix, module]);
      for (const [name, child] of module.#modules) visit(join(prefix, name), child);
    };
    visit('', this);
    return out;
  }

  /** Every parameter of the tree with its dotted name (`net.0.weight`), each once. */
  namedParameters(): [string, Parameter][] {
    const out: [string, Parameter][] = [];
    const seen = new Set<Parameter>();
    for (const [prefix, module] of this.namedModules()) {
      for (const [name, p] of module.#parameters) {
        if (p === null || seen.has(p)) continue;
        seen.add(p);
        out.push([join(prefix, name), p]);
      }
    }
    return out;
  }

  /** Every parameter of the tree, each once (what an optimizer updates). */
  parameters(): Parameter[] {
    return this.namedParameters().map(([, p]) => p);
  }

  /** Every buffer of the tree (persistent or not) with its dotted name, each once. */
  namedBuffers(): [string, Tensor][] {
    const out: [string, Tensor][] = [];
    const seen = new Set<Tensor>();
    for (const [prefix, module] of this.namedModules()) {
      for (const [name, b] of module.#buffers) {
        if (b === null || seen.has(b)) continue;
        seen.add(b);
        out.push([join(prefix, name), b]);
      }
    }
    return out;
  }

  /** Every buffer of the tree, each once. */
  buffers(): Tensor[] {
    return this.namedBuffers().map(([, b]) => b);
  }

  /** Total number of parameter elements (each shared parameter counted once). */
  numParameters(): number {
    return this.parameters().reduce((n, p) => n + p.numel(), 0);
  }

  /**
   * Sets `training` on this module and every descendant; returns `this`.
   * @throws {@link InvalidArgumentError} if `mode` is not a boolean (no truthiness: `train('no')` is an error).
   */
  train(mode = true): this {
    if (typeof mode !== 'boolean') {
      throw new InvalidArgumentError(
        `train: mode must be a boolean (true or false); got ${describeValue(mode)}.`,
      );
    }
    for (const [, module] of this.namedModules()) module.training = mode;
    return this;
  }

  /** Evaluation mode (dropout off): `train(false)`; returns `this`. */
  eval(): this {
    return this.train(false);
  }

  /**
   * Zeroes every parameter's `grad` in place, so the next `backward()` accumulates into the same
   * storage (PyTorch `zero_grad(set_to_none=False)`); `{ setToNone: true }` sets them to `null`
   * instead (PyTorch `set_to_none=True`). See {@link zeroGrads}.
   * @throws {@link InvalidArgumentError} if `options` has unknown keys or a non-boolean `setToNone`.
   */
  zeroGrad(options: ZeroGradsOptions = {}): void {
    zeroGrads(this.parameters(), options);
  }

  /**
   * Parameters and persistent buffers under their PyTorch keys (`0.weight`, `net.1.bias`), in
   * PyTorch's order (own parameters, own buffers, then each child).
   *
   * Shapes: each value has its parameter's PyTorch layout, e.g. Linear weight (out, in)
   *
   * @returns Detached tensors sharing storage with the module (as PyTorch): training changes them;
   *   copy a value if you need a snapshot. Lazy parameters not created yet are absent.
   * @example
   * ```ts
   * new Sequential(new Linear({ inFeatures: 2, outFeatures: 3 })).stateDict(); // { '0.weight': (3, 2), '0.bias': (3) }
   * ```
   */
  stateDict(): Record<string, Tensor> {
    const out: Record<string, Tensor> = {};
    for (const [key, target] of this.#stateTargets()) {
      if (target.tensor !== null) out[key] = target.tensor.detach();
    }
    return out;
  }

  /**
   * Copies values into the existing parameters and buffers (they keep their identity, so an
   * optimizer holding them keeps working). Validates every key and shape first and only then
   * copies: a failed call changes nothing. Lazy parameters are created from the given shapes.
   *
   * Shapes: state[key] must have the shape of `stateDict()[key]`; flat arrays only its element count
   *
   * @param state - Key → Tensor, ndarray, nested number array, or flat number/typed array (row-major).
   * @param options - `strict` (default `true`): missing or unexpected keys are an error.
   * @returns The missing and unexpected keys (empty when strict).
   * @throws {@link InvalidArgumentError} if `strict` and keys are missing or unexpected (the message lists both), or a value is not tensor data.
   * @throws {@link ShapeError} naming the key and both shapes if a value has the wrong shape.
   * @see PyTorch `Module.load_state_dict`.
   * @example
   * ```ts
   * const copy = new Linear({ inFeatures: 2, outFeatures: 3 });
   * copy.loadStateDict({ weight: [[1, 2], [3, 4], [5, 6]], bias: [0, 0, 0] });
   * ```
   */
  loadStateDict(
    state: Readonly<Record<string, StateValue>>,
    options: LoadStateDictOptions = {},
  ): LoadStateDictResult {
    if (!isPlainObject(state)) {
      throw new InvalidArgumentError(
        `loadStateDict: state must be an object of key → tensor data (as stateDict() gives); got ${describeValue(state)}.`,
      );
    }
    checkOptions('loadStateDict', options, { strict: 'boolean' });
    const targets = this.#stateTargets();
    const missingKeys = [...targets.keys()].filter((key) => !Object.hasOwn(state, key));
    const unexpectedKeys = Object.keys(state).filter((key) => !targets.has(key));
    if ((options.strict ?? true) && (missingKeys.length > 0 || unexpectedKeys.length > 0)) {
      throw new InvalidArgumentError(
        `loadStateDict: state dict does not match ${this.constructor.name}; missing keys: [${missingKeys.join(', ')}]; unexpected keys: [${unexpectedKeys.join(', ')}].`,
      );
    }

    // Phase 1: read and check every value; nothing is modified yet.
    const reads = new Map<string, ReadValue>();
    const lazyShapes = new Map<Module, Map<string, readonly number[]>>();
    for (const [key, target] of targets) {
      if (!Object.hasOwn(state, key)) continue;
      const read = readStateValue(key, state[key]);
      if (target.tensor !== null) {
        checkStateShape(key, target.tensor.shape, read);
      } else {
        checkLazyShape(key, target.lazyShape ?? [], read);
        const shapes = lazyShapes.get(target.module) ?? new Map<string, readonly number[]>();
        shapes.set(target.name, read.tensor.shape);
        lazyShapes.set(target.module, shapes);
      }
      reads.set(key, read);
    }

    // Phase 2: create lazy parameters, then copy into storage.
    for (const [module, shapes] of lazyShapes) module.materializeFromState(shapes);
    for (const [key, target] of this.#stateTargets()) {
      const read = reads.get(key);
      if (read !== undefined && target.tensor !== null) writeInto(target.tensor, read.tensor);
    }
    return { missingKeys, unexpectedKeys };
  }

  /** Every state-dict key with where it lives, including lazy parameters, in PyTorch order. */
  #stateTargets(): Map<string, StateTarget> {
    const out = new Map<string, StateTarget>();
    const visit = (prefix: string, module: Module): void => {
      for (const [name, p] of module.#parameters) {
        if (p !== null) out.set(join(prefix, name), { module, name, tensor: p, lazyShape: null });
      }
      for (const [name, shape] of module.#lazy) {
        out.set(join(prefix, name), { module, name, tensor: null, lazyShape: shape });
      }
      for (const [name, b] of module.#buffers) {
        if (b !== null && !module.#nonPersistent.has(name)) {
          out.set(join(prefix, name), { module, name, tensor: b, lazyShape: null });
        }
      }
      for (const [name, child] of module.#modules) visit(join(prefix, name), child);
    };
    visit('', this);
    return out;
  }

  #checkName(op: string, name: string, sameKind: boolean): void {
    if (typeof name !== 'string' || name === '' || name.includes('.')) {
      throw new InvalidArgumentError(`${op}: name must be a non-empty string without dots; got '${name}'.`);
    }
    const taken =
      !sameKind &&
      (this.#parameters.has(name) ||
        this.#lazy.has(name) ||
        this.#buffers.has(name) ||
        this.#modules.has(name));
    if (taken) {
      throw new InvalidArgumentError(
        `${op}: name '${name}' is already used by another parameter, buffer or module.`,
      );
    }
  }
}

function join(prefix: string, name: string): string {
  return prefix === '' ? name : `${prefix}.${name}`;
}

/** A lazy parameter accepts any extent where its shape has `null`; the rank must match. */
function checkLazyShape(key: string, shape: LazyShape, read: ReadValue): void {
  const actual = read.tensor.shape;
  const ok = actual.length === shape.length && shape.every((d, i) => d === null || d === actual[i]);
  if (!ok) {
    const expected = `(${shape.map((d) => (d === null ? '*' : String(d))).join(', ')})`;
    throw new ShapeError(`loadStateDict: ${key} must have shape ${expected}; got ${formatShape(actual)}.`);
  }
}
