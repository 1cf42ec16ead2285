import { add, broadcastTo, InvalidArgumentError, Tensor, tensor, zeros } from '@attnkit/tensor';
import { describe, expect, it } from 'vitest';
import { Parameter } from './parameter.js';

describe('Parameter', () => {
  it('is a leaf tensor that requires gradients', () => {
    const p = new Parameter(
      tensor([
        [1, 2],
        [3, 4],
      ]),
    );
    expect(p).toBeInstanceOf(Tensor);
    expect(p.requiresGrad).toBe(true);
    expect(p.isLeaf).toBe(true);
    expect(p.grad).toBeNull();
    expect(p.shape).toEqual([2, 2]);
    expect(p.dtype).toBe('float32');
    expect(p.toArray()).toEqual([
      [1, 2],
      [3, 4],
    ]);
  });

  it("prints as PyTorch's nn.Parameter repr", () => {
    // str(nn.Parameter(torch.tensor([[0.5, -1.25]]))) in PyTorch 1.13
    expect(String(new Parameter(tensor([[0.5, -1.25]])))).toBe(
      'Parameter containing:\ntensor([[ 0.5000, -1.2500]], requires_grad=True)',
    );
  });

  it('keeps float64', () => {
    expect(new Parameter(zeros([3], { dtype: 'float64' })).dtype).toBe('float64');
  });

  it('shares storage with contiguous data, as torch.nn.Parameter does', () => {
    const data = tensor([1, 2, 3]);
    const p = new Parameter(data);
    data.nd.data[1] = 20;
    expect(p.toArray()).toEqual([1, 20, 3]);
  });

  it('copies non-contiguous data into row-major storage', () => {
    const data = broadcastTo(tensor([[1, 2, 3]]), [2, 3]); // stride 0 on axis 0
    const p = new Parameter(data);
    expect(p.isContiguous()).toBe(true);
    expect(p.nd.stride).toEqual([3, 1]);
    expect(p.toArray()).toEqual([
      [1, 2, 3],
      [1, 2, 3],
    ]);
  });

  it('drops the autograd history of its data', () => {
    const leaf = tensor([1, 2], { requiresGrad: true });
    const p = new Parameter(add(leaf, 1));
    expect(p.isLeaf).toBe(true);
    expect(p.toArray()).toEqual([2, 3]);
  });

  it('throws InvalidArgumentError for int32 or bool data', () => {
    expect(() => new Parameter(tensor([1, 2], { dtype: 'int32' }))).toThrow(InvalidArgumentError);
    expect(() => new Parameter(tensor([true]))).toThrow(
      'Parameter: data must have dtype float32 or float64; got bool.',
    );
  });
});
