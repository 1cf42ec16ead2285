import { formatShape, GradientError } from '../errors.js';
import { add } from '../ops/add.js';
import { onesLike } from '../ops/creation.js';
import { shapesEqual } from '../shape.js';
import { Tensor } from '../tensor.js';
import { checkOptions, describeValue } from '../validation/check-options.js';
import { accumulateGrad } from './accumulate-grad.js';
import { noGrad } from './grad-mode.js';

/**
 * Reverse sweep over the recorded graph in topological order (each node's gradient is complete
 * before it is propagated), accumulating into leaves' `.grad` as PyTorch does.
 */
/** Nodes whose backward has run without `retainGraph`: their graph is spent (PyTorch frees it). */
const released = new WeakSet<object>();

/** Options of {@link Tensor.backward}. */
export interface BackwardOptions {
  /**
   * Keep the graph so that `backward()` can run through it again (PyTorch `retain_graph`);
   * default `false`: a second backward through the same ops throws a {@link GradientError}.
   */
  retainGraph?: boolean;
}

const NO_INPUTS: readonly Tensor[] = [];

export function runBackward(root: Tensor, gradOutput?: Tensor, options: BackwardOptions = {}): void {
  checkOptions('backward', options, { retainGraph: 'boolean' });
  if (gradOutput !== undefined && !(gradOutput instanceof Tensor)) {
    throw new GradientError(`backward: gradOutput must be a Tensor; got ${describeValue(gradOutput)}.`);
  }
  if (!root.requiresGrad) {
    throw new GradientError('backward: tensor does not require gradients (no input had requiresGrad: true).');
  }
  let seed: Tensor;
  if (gradOutput === undefined) {
    if (root.numel() !== 1) {
      throw new GradientError(
        `backward: gradOutput must be given for a non-scalar tensor; got shape ${formatShape(root.shape)}.`,
      );
    }
    seed = onesLike(root);
  } else {
    if (!shapesEqual(gradOutput.shape, root.shape)) {
      throw new GradientError(
        `backward: gradOutput must have shape ${formatShape(root.shape)}; got ${formatShape(gradOutput.shape)}.`,
      );
    }
    seed = gradOutput.detach();
  }

  // Iterative post-order DFS: deep graphs (long training loops) must not overflow the stack.
  // Two parallel stacks (tensor, next input) rather than a tuple per node: no garbage per node.
  const order: Tensor[] = [];
  const seen = new Set<Tensor>();
  const stack: Tensor[] = [root];
  const next: number[] = [0];
  seen.add(root);
  while (stack.length > 0) {
    const top = stack.length - 1;
    const t = stack[top] as Tensor;
    const i = next[top] as number;
    const inputs = t._node === null ? NO_INPUTS : t._node.inputs;
    if (i < inputs.length) {
      next[top] = i + 1;
      const child = inputs[i] as Tensor;
      if (child.requiresGrad && !seen.has(child)) {
        seen.add(child);
        stack.push(child);
        next.push(0);
      }
    } else {
      stack.pop();
      next.pop();
      order.push(t);
    }
  }

  for (const t of order) {
    const node = t._node;
    if (node !== null && released.has(node)) {
      throw new GradientError(
        `backward: trying to backward through the graph a second time (op ${node.op} was already used); pass { retainGraph: true } to the first backward().`,
      );
    }
  }
  if (options.retainGraph !== true) {
    for (const t of order) if (t._node !== null) released.add(t._node);
  }

  noGrad(() => {
    const grads = new Map<Tensor, Tensor>([[root, seed]]);
    for (let k = order.length - 1; k >= 0; k--) {
      const t = order[k] as Tensor;
      const g = grads.get(t);
      if (g === undefined) continue;
      grads.delete(t);
      const node = t._node;
      if (node === null) {
        accumulateGrad(t, g);
        continue;
      }
      const inputGrads = node.backward(g);
      const inputs = node.inputs;
      for (let j = 0; j < inputs.length; j++) {
        const input = inputs[j] as Tensor;
        const gi = inputGrads[j];
        if (!input.requiresGrad || gi === null || gi === undefined) continue;
        if (!shapesEqual(gi.shape, input.shape)) {
          throw new GradientError(
            `backward: ${node.op} returned a gradient of shape ${formatShape(gi.shape)} for input ${j} of shape ${formatShape(input.shape)}.`,
          );
        }
        const prev = grads.get(input);
        grads.set(input, prev === undefined ? gi : add(prev, gi));
      }
    }
  });
}
