import { formatTensor as render } from './internal/format.js';
import { provideFormatter, type Tensor } from './tensor.js';

/**
 * `x` as PyTorch prints it (`str(tensor)`, default print options, torch/_tensor_str.py):
 * `tensor([[0.1235, 0.5000]])`, 4 decimals or scientific notation when the magnitudes call for it,
 * elements right-aligned to the widest, tensors over 1000 elements summarised with `...` (3 items
 * at each edge), then `dtype=…` unless float32 or bool (attnkit spells dtypes without `torch.`; its
 * int32 is PyTorch's index int64), `grad_fn=<…>` or `requires_grad=True`.
 *
 * `String(x)`, `x.toString()` and Node's `console.log(x)` give the same text. Loading this module
 * installs it in `Tensor.toString`: the package entry does, so Node programs always have it; a
 * bundled page that prints tensors imports `formatTensor` (or calls it) once to keep it in the
 * bundle (about 1 kB gzip).
 * @example
 * ```ts
 * formatTensor(tensor([[0.12345, 0.5]])); // 'tensor([[0.1235, 0.5000]])'
 * ```
 */
export function formatTensor(x: Tensor): string {
  const suffixes: string[] = [];
  if (x._node !== null) suffixes.push(`grad_fn=<${backwardName(x._node.op)}>`);
  else if (x.requiresGrad) suffixes.push('requires_grad=True');
  return render({ values: x.toTypedArray(), shape: x.shape, dtype: x.dtype, suffixes, prefix: 'tensor(' });
}

/** PyTorch-style name of a backward node: `add` → `AddBackward`. */
function backwardName(op: string): string {
  return `${op.charAt(0).toUpperCase()}${op.slice(1)}Backward`;
}

provideFormatter(formatTensor);
