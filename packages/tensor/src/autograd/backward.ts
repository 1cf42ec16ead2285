import { formatShape, GradientError } from '../errors.js';
import { add } from '../ops/add.js';
import { onesLike } from '../ops/creation.js';
import { shapesEqual } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { noGrad } from './grad-mode.js';

/**
 * Reverse sweep over the recorded graph in topological order (each node's gradient is complete
 * before it is propagated), accumulating into leaves' `.grad` as PyTorch does.
 */
export function runBackward(root: Tensor, gradOutput?: Tensor): void {
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
  const order: Tensor[] = [];
  const seen = new Set<Tensor>();
  const stack: [Tensor, number][] = [[root, 0]];
  seen.add(root);
  while (stack.length > 0) {
    const top = stack[stack.length - 1] as [Tensor, number];
    const [t, i] = top;
    const inputs = t._node?.inputs ?? [];
    if (i < inputs.length) {
      top[1] = i + 1;
      const child = inputs[i] as Tensor;
      if (child.requiresGrad && !seen.has(child)) {
        seen.add(child);
        stack.push([child, 0]);
      }
    } else {
      stack.pop();
      order.push(t);
    }
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
        t.grad = t.grad === null ? g.contiguous() : add(t.grad, g);
        continue;
      }
      const inputGrads = node.backward(g);
      node.inputs.forEach((input, j) => {
        const gi = inputGrads[j];
        if (!input.requiresGrad || gi === null || gi === undefined) return;
        if (!shapesEqual(gi.shape, input.shape)) {
          throw new GradientError(
            `backward: ${node.op} returned a gradient of shape ${formatShape(gi.shape)} for input ${j} of shape ${formatShape(input.shape)}.`,
          );
        }
        const prev = grads.get(input);
        grads.set(input, prev === undefined ? gi : add(prev, gi));
      });
    }
  });
}
