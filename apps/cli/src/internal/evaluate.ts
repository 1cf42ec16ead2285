import { noGrad, type Tensor, tensor } from '@attnkit/tensor';
import { crossEntropy } from '@attnkit/training';
import type { TransformerLM } from '@attnkit/transformer';

/** Input windows and their next-token targets, `(batch, positions)` int32 each. */
export interface EvalBatch {
  readonly inputs: Tensor;
  readonly targets: Tensor;
}

/** A run of `length` predictions: inputs `tokens[start, start + length)`, targets shifted by one. */
export interface Window {
  readonly start: number;
  readonly length: number;
}

/**
 * Cuts `tokens` into consecutive windows of at most `context` predictions that together predict
 * every token after the first exactly once (the last window may be shorter).
 */
export function evaluationWindows(tokens: Int32Array, context: number): Window[] {
  const windows: Window[] = [];
  const predictions = tokens.length - 1;
  for (let start = 0; start < predictions; start += context) {
    windows.push({ start, length: Math.min(context, predictions - start) });
  }
  return windows;
}

/** `count` windows spread evenly over `windows` (all of them if there are fewer, or if `count` is 0). */
export function spreadWindows(windows: readonly Window[], count: number): Window[] {
  if (count === 0 || windows.length <= count) return windows.slice();
  return Array.from({ length: count }, (_, i) => windows[Math.floor((i * windows.length) / count)]!);
}

/** Groups windows of equal length into batches of at most `batchSize`. */
export function evaluationBatches(
  tokens: Int32Array,
  windows: readonly Window[],
  batchSize: number,
): EvalBatch[] {
  const byLength = new Map<number, Window[]>();
  for (const w of windows) byLength.set(w.length, [...(byLength.get(w.length) ?? []), w]);
  const batches: EvalBatch[] = [];
  for (const [length, group] of byLength) {
    for (let i = 0; i < group.length; i += batchSize) {
      const part = group.slice(i, i + batchSize);
      const inputs = new Int32Array(part.length * length);
      const targets = new Int32Array(part.length * length);
      part.forEach((w, b) => {
        inputs.set(tokens.subarray(w.start, w.start + length), b * length);
        targets.set(tokens.subarray(w.start + 1, w.start + 1 + length), b * length);
      });
      const shape = [part.length, length];
      batches.push({
        inputs: tensor(inputs, { shape, dtype: 'int32' }),
        targets: tensor(targets, { shape, dtype: 'int32' }),
      });
    }
  }
  return batches;
}

/**
 * Mean cross-entropy (nats per predicted token) of `model` over `batches`, in eval mode without
 * recording gradients; the model's training mode is restored afterwards.
 *
 * @param forward - How to get logits (default `model.forward`); lets callers add a head mask.
 */
export function meanLoss(
  model: TransformerLM,
  batches: readonly EvalBatch[],
  forward: (inputs: Tensor) => Tensor = (inputs) => model.forward(inputs),
): number {
  const wasTraining = model.training;
  model.eval();
  try {
    return noGrad(() => {
      let total = 0;
      let count = 0;
      for (const { inputs, targets } of batches) {
        total += crossEntropy(forward(inputs), targets, { reduction: 'sum' }).item();
        count += targets.numel();
      }
      return total / count;
    });
  } finally {
    model.train(wasTraining);
  }
}
