import { describe, expect, it } from 'vitest';
// Deliberately not the package entry: this file checks what a bundle without formatTensor sees.
import { tensor } from './ops/creation.js';

describe('formatTensor and Tensor.toString', () => {
  it('without the formatter loaded, toString gives shape and dtype and names the import', () => {
    const x = tensor([[1, 2, 3]], { dtype: 'int32' });
    expect(String(x)).toBe(
      "Tensor of shape (1, 3), int32 (values print once formatTensor from '@attnkit/tensor' is in the program)",
    );
  });

  it('once formatTensor is loaded, toString prints as PyTorch, for existing tensors too', async () => {
    const x = tensor([[0.12345, 0.5]]);
    const { formatTensor } = await import('./format-tensor.js');
    expect(String(x)).toBe('tensor([[0.1235, 0.5000]])');
    expect(formatTensor(x)).toBe(String(x));
    const g = tensor([1, 2], { requiresGrad: true });
    expect(String(g)).toBe('tensor([1., 2.], requires_grad=True)');
  });
});
