import { Module } from '@attnkit/layers';
import {
  BufferPool,
  checkOptions,
  InvalidArgumentError,
  NonFiniteError,
  noGrad,
  Tensor,
  withArena,
} from '@attnkit/tensor';
import { clipGradNorm } from './clip-grad-norm.js';
import { checkInteger, checkNonNegative, describe } from './internal/check.js';
import { LRScheduler } from './lr-scheduler.js';
import { Optimizer } from './optimizer.js';

/** What {@link FitCallbacks.onStep} receives after each optimizer step. */
export interface FitStepInfo {
  /** Steps done so far (1 after the first). */
  readonly step: number;
  /** The loss of this step's batch, before the update. */
  readonly loss: number;
  /** The learning rate this step used. */
  readonly lr: number;
  /** The gradient norm before clipping, when `clipNorm` is set. */
  readonly gradNorm?: number;
}

/** One evaluation: the step after which it ran and the value `evaluate.fn` returned. */
/** What {@link FitCallbacks.onSkip} receives. */
export interface FitSkipInfo {
  /** 1-based step number of the skipped batch. */
  readonly step: number;
  /** What was not finite. */
  readonly reason: 'loss' | 'gradNorm';
  /** The non-finite value. */
  readonly value: number;
}

export interface FitEvalInfo {
  readonly step: number;
  readonly value: number;
}

/** What {@link fit} returns (and passes to `onEnd`). */
export interface FitResult {
  /** The loss of every step, in order. */
  readonly lossHistory: number[];
  /** Every evaluation, in order. */
  readonly valHistory: FitEvalInfo[];
  /** Optimizer steps taken. */
  readonly steps: number;
  /** True if `signal` stopped the run early. */
  readonly aborted: boolean;
  /** Steps skipped because of a non-finite loss or gradient norm (`onNonFinite: 'skip'`). */
  readonly skippedSteps: number;
}

/** Hooks of {@link fit}; a returned promise is awaited before training continues. */
export interface FitCallbacks {
  onStep?: (info: FitStepInfo) => void | Promise<void>;
  onEval?: (info: FitEvalInfo) => void | Promise<void>;
  onEnd?: (result: FitResult) => void | Promise<void>;
  /** Called for a step skipped because of a non-finite loss or gradient norm (`onNonFinite: 'skip'`). */
  onSkip?: (info: FitSkipInfo) => void | Promise<void>;
}

/** Periodic evaluation in {@link fit}. */
export interface FitEvaluate<M> {
  /** Evaluate after every `every` steps (an integer ≥ 1). */
  every: number;
  /** Computes the value (e.g. a validation loss); runs in eval mode without autograd recording. */
  fn: (model: M, step: number) => number | Tensor;
}

/** Options of {@link fit}. */
export interface FitOptions<M extends Module, B> {
  /** The model; put in training mode at the start (and back after each evaluation). */
  model: M;
  /** Updates the model's parameters. */
  optimizer: Optimizer;
  /** Batches: an iterable (re-iterated per epoch) or a function returning the next batch. */
  data: Iterable<B> | (() => B);
  /** Runs the forward pass on a batch and returns the scalar loss (e.g. `crossEntropy(model.forward(x), y)`). */
  lossFn: (model: M, batch: B) => Tensor;
  /** Number of optimizer steps (an iterable is cycled). Give exactly one of `steps` and `epochs`. */
  steps?: number;
  /** Number of passes over an iterable `data`. */
  epochs?: number;
  /** Stepped once after every optimizer step. */
  scheduler?: LRScheduler;
  /** Clip the gradient norm to this value before each step ({@link clipGradNorm}). */
  clipNorm?: number;
  /** Periodic evaluation. */
  evaluate?: FitEvaluate<M>;
  /** Progress hooks. */
  callbacks?: FitCallbacks;
  /** Stops the run cleanly before the next step once aborted. */
  signal?: AbortSignal;
  /**
   * What a step whose loss or gradient norm is NaN or ±Infinity does. `'throw'` (default): stop
   * with a {@link NonFiniteError} before the optimizer touches the weights, so the model keeps the
   * weights of the last finite step. `'skip'`: leave the weights and the scheduler unchanged for
   * this batch and go on (as mixed-precision loss scalers skip steps); skipped steps are counted
   * in {@link FitResult.skippedSteps} and reported to `callbacks.onSkip`.
   */
  onNonFinite?: 'throw' | 'skip';
  /**
   * Run each step (zeroGrad through `optimizer.step()`) in a {@link withArena} scope with a buffer
   * pool of this run (default `true`): the step's activations and gradients reuse the previous
   * step's storage, so the garbage collector has next to nothing to do. Tensors `lossFn` stores
   * somewhere other than its result are released when the step ends (using them throws
   * `ReleasedTensorError`); `keep()` them, or pass `false`.
   */
  arena?: boolean;
}

/** Milliseconds of work between yields to the event loop, so abort signals and UIs are served. */
const YIELD_EVERY_MS = 16;

/**
 * The training loop: for each batch, `zeroGrad()` (of the model and the optimizer), the forward
 * pass and loss (`lossFn`), `loss.backward()`, optional gradient clipping, `optimizer.step()` and
 * `scheduler.step()`; with periodic evaluation, callbacks and cancellation.
 *
 * Shapes: whatever `lossFn` takes; the loss must have one element
 *
 * @param options - See {@link FitOptions}: `model`, `optimizer`, `data`, `lossFn`, `steps` | `epochs`,
 *   `scheduler`, `clipNorm`, `evaluate`, `callbacks`, `signal`, `onNonFinite`, `arena`.
 * @returns The loss and evaluation histories, the number of steps, whether it was aborted and how
 *   many steps were skipped.
 * @throws {@link NonFiniteError} (as a rejected promise) if a loss or the gradient norm is NaN or
 *   ±Infinity and `onNonFinite` is `'throw'` (the default); the weights are those of the last
 *   finite step.
 * @throws {@link InvalidArgumentError} (as a rejected promise) for an unknown option or a wrong type, if not exactly one of `steps` and
 *   `epochs` is given or either is not an integer ≥ 0, `epochs` is used with a function `data`,
 *   `optimizer` or `scheduler` has the wrong type, `clipNorm` is negative, `evaluate.every` is not
 *   an integer ≥ 1, `lossFn` returns something other than a one-element tensor, `evaluate.fn`
 *   returns a non-number, or an iterable `data` yields no batch in a pass while `steps` remain.
 * @remarks Asynchronous so it can yield to the event loop (about every 16 ms of work): an
 *   `AbortSignal` fired from a timer or a UI button is seen before the next step, and the run ends
 *   with `aborted: true` and whatever history it has. With seeded generators for the model,
 *   the data and dropout, two runs give the same losses bit for bit. Errors thrown by `lossFn`
 *   or a callback reject the promise.
 * @see D2L §3.2.4 "Training" (`d2l.Trainer.fit`); PyTorch's canonical training loop.
 * @example
 * ```ts
 * const X = randn([100, 2]);
 * const y = matmul(X, tensor([[2], [-3.4]])); // (100, 1)
 * const model = new Linear({ inFeatures: 2, outFeatures: 1 });
 * const { lossHistory } = await fit({
 *   model, optimizer: new Adam(model.parameters(), { lr: 1e-2 }),
 *   data: loadArray([X, y], 10, { rng: new Generator(0) }), epochs: 3,
 *   lossFn: (m, [xb, yb]) => mseLoss(m.forward(xb), yb),
 * });
 * ```
 */
export async function fit<M extends Module, B>(options: FitOptions<M, B>): Promise<FitResult> {
  const op = 'fit';
  checkOptions(
    op,
    options,
    {
      model: { expected: 'a Module', test: (v) => v instanceof Module },
      optimizer: 'any',
      data: 'any',
      lossFn: 'any',
      steps: 'number',
      epochs: 'number',
      scheduler: 'any',
      clipNorm: 'number',
      evaluate: 'object',
      callbacks: 'object',
      signal: { expected: 'an AbortSignal', test: (v) => typeof (v as AbortSignal).aborted === 'boolean' },
      onNonFinite: ['throw', 'skip'],
      arena: 'boolean',
    },
    { required: true, usage: 'fit({ model, optimizer, data, lossFn, steps: 100 })' },
  );
  if (options.evaluate !== undefined)
    checkOptions(op, options.evaluate, { every: 'number', fn: 'any' }, { argument: 'options.evaluate' });
  if (options.callbacks !== undefined) {
    checkOptions(
      op,
      options.callbacks,
      { onStep: 'function', onEval: 'function', onEnd: 'function', onSkip: 'function' },
      { argument: 'options.callbacks' },
    );
  }
  const onNonFinite = options.onNonFinite ?? 'throw';
  const { model, optimizer, data, lossFn, scheduler, clipNorm, evaluate, callbacks = {}, signal } = options;
  if (!(optimizer instanceof Optimizer)) {
    throw new InvalidArgumentError(`${op}: optimizer must be an Optimizer; got ${describe(optimizer)}.`);
  }
  if (scheduler !== undefined && !(scheduler instanceof LRScheduler)) {
    throw new InvalidArgumentError(`${op}: scheduler must be an LRScheduler; got ${describe(scheduler)}.`);
  }
  if (typeof lossFn !== 'function') {
    throw new InvalidArgumentError(`${op}: lossFn must be a function; got ${describe(lossFn)}.`);
  }
  if ((options.steps === undefined) === (options.epochs === undefined)) {
    throw new InvalidArgumentError(`${op}: give exactly one of steps and epochs.`);
  }
  if (clipNorm !== undefined) checkNonNegative(op, 'clipNorm', clipNorm);
  if (evaluate !== undefined) {
    checkInteger(op, 'evaluate.every', evaluate.every, 1);
    if (typeof evaluate.fn !== 'function') {
      throw new InvalidArgumentError(`${op}: evaluate.fn must be a function; got ${describe(evaluate.fn)}.`);
    }
  }
  const batches = batchSource(op, data, options.steps, options.epochs);

  const lossHistory: number[] = [];
  const valHistory: FitEvalInfo[] = [];
  let steps = 0;
  let skippedSteps = 0;
  let aborted = false;
  let lastYield = now();
  const pool = options.arena === false ? null : new BufferPool();
  model.train();
  for (;;) {
    if (signal?.aborted) {
      aborted = true;
      break;
    }
    const next = batches.next();
    if (next.done) break;
    const trainStep = (): StepOutcome => {
      model.zeroGrad();
      optimizer.zeroGrad();
      const loss = lossFn(model, next.value);
      if (!(loss instanceof Tensor) || loss.numel() !== 1) {
        throw new InvalidArgumentError(
          `${op}: lossFn must return a one-element Tensor; got ${loss instanceof Tensor ? `shape (${loss.shape.join(', ')})` : describe(loss)}.`,
        );
      }
      const value = loss.item();
      // NaN policy: check the loss, then the gradient norm, before the optimizer touches the weights.
      let bad: FitSkipInfo | null = Number.isFinite(value)
        ? null
        : { step: steps + 1, reason: 'loss', value };
      let gradNorm: number | undefined;
      if (bad === null) {
        loss.backward();
        const norm =
          clipNorm === undefined ? totalGradNorm(model) : clipGradNorm(model.parameters(), clipNorm);
        if (clipNorm !== undefined) gradNorm = norm;
        if (!Number.isFinite(norm)) bad = { step: steps + 1, reason: 'gradNorm', value: norm };
      }
      if (bad !== null) {
        if (onNonFinite === 'throw') {
          throw new NonFiniteError(
            `${op}: the ${bad.reason === 'loss' ? 'loss' : 'gradient norm'} is ${bad.value} at step ${bad.step}; training stopped before the update, so the model keeps the weights of step ${steps} (lower lr, clip gradients with clipNorm, or pass onNonFinite: 'skip').`,
          );
        }
        model.zeroGrad();
        optimizer.zeroGrad();
        return { value, bad, gradNorm, lr: optimizer.lr };
      }
      const lr = optimizer.lr;
      optimizer.step();
      scheduler?.step();
      return { value, bad, gradNorm, lr };
    };
    // s5-arena: the step's storage goes back to this run's pool when the step ends.
    const { value, bad, gradNorm, lr } = pool === null ? trainStep() : withArena(trainStep, { pool });
    if (bad !== null) {
      steps += 1;
      skippedSteps += 1;
      await callbacks.onSkip?.(bad);
      continue;
    }
    steps += 1;
    lossHistory.push(value);
    const info: FitStepInfo =
      gradNorm === undefined ? { step: steps, loss: value, lr } : { step: steps, loss: value, lr, gradNorm };
    await callbacks.onStep?.(info);

    if (evaluate !== undefined && steps % evaluate.every === 0) {
      model.eval();
      let result: number | Tensor;
      try {
        result = noGrad(() => evaluate.fn(model, steps));
      } finally {
        model.train();
      }
      const valueOut = result instanceof Tensor && result.numel() === 1 ? result.item() : result;
      if (typeof valueOut !== 'number') {
        throw new InvalidArgumentError(
          `${op}: evaluate.fn must return a number or a one-element Tensor; got ${describe(result)}.`,
        );
      }
      const evalInfo = { step: steps, value: valueOut };
      valHistory.push(evalInfo);
      await callbacks.onEval?.(evalInfo);
    }

    if (now() - lastYield >= YIELD_EVERY_MS) {
      await yieldToEventLoop();
      lastYield = now();
    }
  }
  const result: FitResult = { lossHistory, valHistory, steps, aborted, skippedSteps };
  await callbacks.onEnd?.(result);
  return result;
}

/** What one training step of {@link fit} reports. */
interface StepOutcome {
  value: number;
  bad: FitSkipInfo | null;
  gradNorm: number | undefined;
  lr: number;
}

/** The batches of one run: `steps` batches (cycling an iterable) or `epochs` passes. */
function* batchSource<B>(
  op: string,
  data: Iterable<B> | (() => B),
  steps: number | undefined,
  epochs: number | undefined,
): Generator<B, void, undefined> {
  const isIterable = data !== null && typeof data === 'object' && Symbol.iterator in data;
  if (typeof data !== 'function' && !isIterable) {
    throw new InvalidArgumentError(`${op}: data must be an iterable or a function; got ${describe(data)}.`);
  }
  if (epochs !== undefined) {
    checkInteger(op, 'epochs', epochs, 0);
    if (typeof data === 'function') {
      throw new InvalidArgumentError(`${op}: epochs needs an iterable data; with a function, give steps.`);
    }
    for (let e = 0; e < epochs; e++) yield* data as Iterable<B>;
    return;
  }
  const total = checkInteger(op, 'steps', steps as number, 0);
  let done = 0;
  if (typeof data === 'function') {
    while (done++ < total) yield data();
    return;
  }
  while (done < total) {
    let yielded = false;
    for (const batch of data) {
      yielded = true;
      yield batch;
      if (++done >= total) return;
    }
    if (!yielded) {
      throw new InvalidArgumentError(
        `${op}: data yielded no batch in a pass with ${total - done} steps to go (a generator runs only once; pass an iterable that restarts, or a function).`,
      );
    }
  }
}

/** The L2 norm of every gradient of `model`'s parameters, in float64 (NaN if any entry is NaN). */
function totalGradNorm(model: Module): number {
  let acc = 0;
  for (const p of model.parameters()) {
    if (p.grad === null) continue;
    const g = p.grad.toTypedArray();
    for (let i = 0; i < g.length; i++) acc += g[i]! * g[i]!;
  }
  return Math.sqrt(acc);
}

function now(): number {
  return globalThis.performance?.now() ?? Date.now();
}

/** Resolves on a later macrotask (setImmediate in Node, a MessageChannel in browsers). */
function yieldToEventLoop(): Promise<void> {
  const g = globalThis as { setImmediate?: (callback: () => void) => unknown };
  if (typeof g.setImmediate === 'function') {
    const schedule = g.setImmediate;
    return new Promise((resolve) => schedule(resolve));
  }
  if (typeof MessageChannel === 'function') {
    return new Promise((resolve) => {
      const channel = new MessageChannel();
      channel.port1.onmessage = () => {
        channel.port1.close();
        resolve();
      };
      channel.port2.postMessage(null);
    });
  }
  return new Promise((resolve) => setTimeout(resolve, 0));
}
