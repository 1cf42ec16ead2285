import type { Tensor } from '../tensor.js';

/**
 * One recorded operation in the autograd graph (micrograd's `_backward`, kept beside the forward
 * in each op file).
 */
export interface GradNode {
  /** Name of the op, for error messages and graph dumps. */
  readonly op: string;
  /** The op's tensor inputs, in order. */
  readonly inputs: readonly Tensor[];
  /**
   * Given dL/d(output), returns dL/d(input) for each input, each of that input's shape, or null
   * where no gradient flows. Runs with recording switched off.
   */
  readonly backward: (grad: Tensor) => readonly (Tensor | null)[];
}
