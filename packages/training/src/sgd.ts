import { checkOptions, InvalidArgumentError, type Tensor, type TypedArray } from '@attnkit/tensor';
import { checkNonNegative } from './internal/check.js';
import { stateBuffer } from './internal/state-buffer.js';
import { type FloatArray, type Hyperparameter, Optimizer, type ParamState } from './optimizer.js';

/** Options of {@link SGD} (PyTorch `torch.optim.SGD` keywords in camelCase). */
export interface SGDOptions {
  /** Learning rate (required, as in PyTorch 1.x). */
  lr: number;
  /** Momentum factor μ; default 0 (plain gradient descent). */
  momentum?: number;
  /** Dampening τ of the momentum update; default 0. */
  dampening?: number;
  /** Nesterov momentum; default false (needs momentum > 0 and dampening 0). */
  nesterov?: boolean;
  /** L2 penalty λ added to the gradient; default 0. */
  weightDecay?: number;
}

interface SGDHyper {
  momentum: number;
  dampening: number;
  nesterov: boolean;
  weightDecay: number;
}

/**
 * Stochastic gradient descent with optional momentum, dampening, Nesterov momentum and weight
 * decay, with PyTorch's update rule and defaults, so trajectories match `torch.optim.SGD` step for step.
 *
 * Shapes: each parameter is updated in place; its gradient has its shape
 *
 * For each parameter with a gradient g: `d = g + λ·p`; with momentum μ, `b = d` on the first step
 * and `b = μ·b + (1 − τ)·d` after, then `d = d + μ·b` (Nesterov) or `d = b`; finally `p = p − lr·d`.
 *
 * @param params - The parameters to update (e.g. `model.parameters()`); mutated by `step()`.
 * @param options - `lr` (required), `momentum`, `dampening`, `nesterov`, `weightDecay`.
 * @throws {@link InvalidArgumentError} if `params` is empty or holds something other than a leaf tensor with
 *   `requiresGrad` (a Parameter or e.g. `randn(shape, { requiresGrad: true })`) or a duplicate,
 *   `lr`, `momentum` or `weightDecay` is negative or not finite, `dampening` is not finite, or
 *   `nesterov` is set without momentum > 0 and dampening 0.
 * @remarks Arithmetic is in float64 (JS numbers) and rounded once when stored; the momentum
 *   buffer has the parameter's dtype, as in PyTorch. Parameters with `grad === null` are skipped.
 * @see PyTorch `torch.optim.SGD` (1.13 `_single_tensor_sgd`); D2L §12.4 "Stochastic Gradient
 *   Descent", §12.6 "Momentum".
 * @example
 * ```ts
 * const model = new Linear({ inFeatures: 2, outFeatures: 1 });
 * const optimizer = new SGD(model.parameters(), { lr: 0.1, momentum: 0.9 });
 * optimizer.zeroGrad();
 * const loss = mseLoss(model.forward(tensor([[1, 2], [3, 4]])), tensor([[1], [2]]));
 * loss.backward();
 * optimizer.step();
 * ```
 */
export class SGD extends Optimizer {
  #h: SGDHyper;

  constructor(params: Iterable<Tensor>, options: SGDOptions) {
    checkOptions(
      'SGD',
      options,
      { lr: 'number', momentum: 'number', dampening: 'number', nesterov: 'boolean', weightDecay: 'number' },
      { required: true, usage: 'new SGD(model.parameters(), { lr: 0.1 })' },
    );
    super('SGD', params, options?.lr);
    this.#h = normalize('SGD', (options ?? {}) as unknown as Readonly<Record<string, unknown>>);
  }

  /** Momentum factor μ. */
  get momentum(): number {
    return this.#h.momentum;
  }

  /** Dampening τ. */
  get dampening(): number {
    return this.#h.dampening;
  }

  /** Whether the update uses Nesterov momentum. */
  get nesterov(): boolean {
    return this.#h.nesterov;
  }

  /** L2 penalty λ. */
  get weightDecay(): number {
    return this.#h.weightDecay;
  }

  protected update(p: FloatArray, g: TypedArray, state: ParamState): void {
    const { momentum, dampening, nesterov, weightDecay } = this.#h;
    const lr = this.lr;
    const n = p.length;
    state.step += 1;
    if (momentum === 0) {
      for (let i = 0; i < n; i++) {
        const pi = p[i]!;
        const d = weightDecay !== 0 ? g[i]! + weightDecay * pi : g[i]!;
        p[i] = pi - lr * d;
      }
      return;
    }
    const first = !state.buffers.has('momentumBuffer');
    const buf = stateBuffer(state, 'momentumBuffer', p);
    for (let i = 0; i < n; i++) {
      const pi = p[i]!;
      const d = weightDecay !== 0 ? g[i]! + weightDecay * pi : g[i]!;
      // b = d on the first step (PyTorch clones d_p), else b = μ·b + (1 − τ)·d.
      buf[i] = first ? d : momentum * buf[i]! + (1 - dampening) * d;
      const b = buf[i]!; // the stored (rounded) buffer, as PyTorch reads it back
      p[i] = pi - lr * (nesterov ? d + momentum * b : b);
    }
  }

  protected hyperparameters(): Record<string, Hyperparameter> {
    return { ...this.#h };
  }

  protected loadHyperparameters(op: string, values: Readonly<Record<string, unknown>>): () => void {
    const h = normalize(op, values);
    return () => {
      this.#h = h;
    };
  }

  protected bufferNames(): readonly string[] {
    return ['momentumBuffer'];
  }
}

function normalize(op: string, options: Readonly<Record<string, unknown>>): SGDHyper {
  const momentum = checkNonNegative(op, 'momentum', (options.momentum ?? 0) as number);
  const dampening = (options.dampening ?? 0) as number;
  if (typeof dampening !== 'number' || !Number.isFinite(dampening)) {
    throw new InvalidArgumentError(`${op}: dampening must be a finite number; got ${String(dampening)}.`);
  }
  const nesterov = options.nesterov ?? false;
  if (typeof nesterov !== 'boolean') {
    throw new InvalidArgumentError(`${op}: nesterov must be a boolean; got ${String(nesterov)}.`);
  }
  if (nesterov && (momentum <= 0 || dampening !== 0)) {
    throw new InvalidArgumentError(
      `${op}: nesterov requires momentum > 0 and dampening 0; got momentum ${momentum} and dampening ${dampening}.`,
    );
  }
  const weightDecay = checkNonNegative(op, 'weightDecay', (options.weightDecay ?? 0) as number);
  return { momentum, dampening, nesterov, weightDecay };
}
