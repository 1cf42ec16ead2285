import { InvalidArgumentError } from '../errors.js';
import { Tensor } from '../tensor.js';
import { checkOptions, describeValue } from '../validation/check-options.js';
import { activeScope, BufferPool, RELEASED_VIEW, Scope, setActiveScope, type Tracked } from './scope.js';

/** The pool {@link withArena} uses when none is given. */
export const defaultBufferPool = new BufferPool();

/** Options of {@link withArena}. */
export interface WithArenaOptions {
  /** Where released storage goes and new storage comes from (default {@link defaultBufferPool}). */
  pool?: BufferPool;
}

/**
 * Runs `fn` in a memory scope (tfjs `tidy`): storage that tensors made inside `fn` allocate comes
 * from a size-keyed {@link BufferPool}, and goes back to it when `fn` returns — except the storage
 * of what must outlive the scope. A training step in a scope allocates nothing new once the pool
 * has warmed up, so the garbage collector has nothing to do.
 *
 * Survive the scope (with every tensor that views their storage):
 * - tensors in `fn`'s result (a tensor, or arrays / plain objects holding tensors);
 * - tensors given to {@link keep} (they survive enclosing scopes too);
 * - leaves that require gradients (parameters, also ones created lazily inside `fn`) and the
 *   `.grad` that `backward()` gives leaves;
 * - anything not allocated inside the scope (parameters, optimizer state, tables, inputs).
 *
 * Every other tensor made inside `fn` is released: its storage is reused, and any later use of it
 * (`.nd`, `.shape`, an op, `backward()` through its graph) throws {@link ReleasedTensorError}, so
 * a tensor that escapes some other way (stored in a closure or on a module) can never see its
 * storage reused. Raw typed arrays taken from a released tensor (`toTypedArray()`, `nd.data`)
 * are not tracked: copy them (`slice()`) if they must outlive the scope. If `fn` throws, nothing
 * is released (the storage is left to the GC).
 *
 * @param fn - Synchronous work; its result is returned.
 * @param options - `pool`: the buffer pool to use.
 * @throws {@link InvalidArgumentError} if `fn` is not a function or returns a Promise (a scope
 *   cannot span an `await`), or `options` has unknown keys or a `pool` that is not a BufferPool.
 * @see tfjs-core `tf.tidy`; docs/decisions/0011-buffer-pool.md.
 * @example
 * ```ts
 * const w = randn([4, 3], { requiresGrad: true });
 * const x = randn([8, 4]);
 * const value = withArena(() => {
 *   const loss = relu(matmul(x, w)).mean();
 *   loss.backward(); // w.grad survives the scope; every intermediate goes back to the pool
 *   return loss.item();
 * });
 * w.grad?.shape; // [4, 3]
 * ```
 */
export function withArena<T>(fn: () => T, options: WithArenaOptions = {}): T {
  if (typeof fn !== 'function') {
    throw new InvalidArgumentError(`withArena: fn must be a function; got ${describeValue(fn)}.`);
  }
  checkOptions('withArena', options, { pool: 'object' });
  const pool = options.pool ?? activeScope?.pool ?? defaultBufferPool;
  if (!(pool instanceof BufferPool)) {
    throw new InvalidArgumentError(
      `withArena: options.pool must be a BufferPool; got ${describeValue(pool)}.`,
    );
  }
  const parent = activeScope;
  const scope = new Scope(pool, parent);
  setActiveScope(scope);
  let result: T;
  try {
    result = fn();
  } catch (error) {
    setActiveScope(parent);
    handUp(scope, scope.tensors, scope.buffers);
    throw error;
  }
  setActiveScope(parent);
  if (result instanceof Promise) {
    handUp(scope, scope.tensors, scope.buffers);
    throw new InvalidArgumentError('withArena: fn must be synchronous; it returned a Promise.');
  }
  endScope(scope, result);
  return result;
}

/**
 * Marks `tensor` to survive the {@link withArena} scopes it was made in (tfjs `keep`); returns it.
 * Outside any scope it does nothing.
 * @throws {@link InvalidArgumentError} if `tensor` is not a Tensor.
 */
export function keep<T extends Tensor>(tensor: T): T {
  if (!(tensor instanceof Tensor)) {
    throw new InvalidArgumentError(`keep: tensor must be a Tensor; got ${describeValue(tensor)}.`);
  }
  activeScope?.kept.push(tensor as Tracked);
  return tensor;
}

/** True when `tensor` was released by the end of a {@link withArena} scope. */
export function isReleased(tensor: Tensor): boolean {
  return (tensor as Tracked).nd === RELEASED_VIEW;
}

function endScope(scope: Scope, result: unknown): void {
  const keptBuffers = new Set<ArrayBufferLike>();
  const keepTensor = (t: Tracked): void => {
    if (t.nd === RELEASED_VIEW) return;
    keptBuffers.add(t.nd.data.buffer);
    if (t.grad !== null && t.grad.nd !== RELEASED_VIEW) keptBuffers.add(t.grad.nd.data.buffer);
  };
  for (const t of scope.kept) keepTensor(t);
  collect(result, (t) => keepTensor(t as Tracked), 0);
  const { tensors, buffers } = scope;
  for (let i = 0; i < tensors.length; i++) {
    const t = tensors[i] as Tracked;
    if (t._node === null && t.requiresGrad) keepTensor(t);
  }
  // Candidates: storage of this scope that nothing kept views.
  const candidates = new Map<ArrayBufferLike, number>();
  for (let i = 0; i < buffers.length; i++) {
    const b = (buffers[i] as (typeof buffers)[number]).buffer;
    if (!keptBuffers.has(b)) candidates.set(b, i);
  }
  const survivors: Tracked[] = [];
  const wrapped = new Uint8Array(buffers.length);
  for (let i = 0; i < tensors.length; i++) {
    const t = tensors[i] as Tracked;
    const nd = t.nd;
    if (nd === RELEASED_VIEW) continue;
    const at = candidates.get(nd.data.buffer);
    if (at === undefined) {
      survivors.push(t);
      continue;
    }
    wrapped[at] = 1;
    (t as { nd: unknown }).nd = RELEASED_VIEW;
  }
  const keptOwn: (typeof buffers)[number][] = [];
  for (let i = 0; i < buffers.length; i++) {
    const buf = buffers[i] as (typeof buffers)[number];
    if (wrapped[i] === 1) scope.pool.give(buf);
    // Storage no tensor of the scope wraps may be held raw by someone (a kernel's cache): left to the GC.
    else if (!candidates.has(buf.buffer)) keptOwn.push(buf);
  }
  handUp(scope, survivors, keptOwn);
}

/** What outlives `scope` becomes the enclosing scope's to release (or nobody's, at the top). */
function handUp(scope: Scope, tensors: Tracked[], buffers: Scope['buffers']): void {
  const parent = scope.parent;
  if (parent === null) return;
  for (const t of tensors) parent.tensors.push(t);
  for (const b of buffers) parent.buffers.push(b);
  for (const t of scope.kept) parent.kept.push(t);
}

/** Visits the tensors in `value`: a tensor, or arrays and plain objects of them (tfjs's walk). */
function collect(value: unknown, visit: (t: Tensor) => void, depth: number): void {
  if (value instanceof Tensor) {
    visit(value);
    return;
  }
  if (depth > 8 || value === null || typeof value !== 'object') return;
  if (Array.isArray(value)) {
    for (const v of value) collect(v, visit, depth + 1);
    return;
  }
  const proto = Object.getPrototypeOf(value);
  if (proto === Object.prototype || proto === null) {
    for (const v of Object.values(value)) collect(v, visit, depth + 1);
  } else if (value instanceof Map) {
    for (const v of value.values()) collect(v, visit, depth + 1);
  }
}
