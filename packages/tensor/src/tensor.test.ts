import { describe, expect, it, vi } from 'vitest';
import { GradientError, InvalidArgumentError } from './errors.js';
import { arange } from './ops/arange.js';
import { tensor, zeros } from './ops/creation.js';
import { transpose } from './ops/transpose.js';
// Method forms reach most ops through registration (tensor.ts provideMethods): the package entry
// loads them all, as any program that imports attnkit without a bundler.
import './index.js';
import { Tensor } from './tensor.js';

describe('Tensor', () => {
  it('gives the shape from size() and one extent from size(dim), negative dims from the end', () => {
    const x = zeros([2, 3, 4]);
    expect(x.size()).toEqual([2, 3, 4]);
    expect([x.size(0), x.size(1), x.size(-1), x.size(-3)]).toEqual([2, 3, 4, 2]);
    expect(zeros([]).size()).toEqual([]);
  });

  it('throws InvalidArgumentError from size(dim) for a dim out of range or of a 0-d tensor', () => {
    expect(() => zeros([2, 3]).size(2)).toThrow(InvalidArgumentError);
    expect(() => zeros([2, 3]).size(-3)).toThrow(
      /dim must be an integer in \[-2, 1\] for a tensor of rank 2; got -3/,
    );
    expect(() => zeros([2]).size(0.5)).toThrow(InvalidArgumentError);
    expect(() => zeros([]).size(0)).toThrow(/dim must be omitted for a 0-d tensor/);
  });

  it('has method forms of repeat, chunk, maskedSelect and maskedFill, as PyTorch', () => {
    const x = tensor([1, 2, 3]);
    expect(x.repeat(2, 1).toArray()).toEqual(x.repeat([2, 1]).toArray());
    expect(x.repeat(2, 1).shape).toEqual([2, 3]);
    expect(x.chunk(2).map((c) => c.toArray())).toEqual([[1, 2], [3]]);
    const mask = tensor([true, false, true]);
    expect(x.maskedSelect(mask).toArray()).toEqual([1, 3]);
    expect(x.maskedFill(mask, 0).toArray()).toEqual([0, 2, 0]);
  });

  it('reports shape, ndim, numel and dtype of its view', () => {
    const x = tensor([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    expect([x.shape, x.ndim, x.numel(), x.dtype]).toEqual([[2, 3], 2, 6, 'float32']);
    expect(x.nd.stride).toEqual([3, 1]);
  });

  it('gives nested arrays from toArray, booleans for bool tensors, and a number from item', () => {
    expect(tensor([[true, false]]).toArray()).toEqual([[true, false]]);
    expect(tensor(2.5).toArray()).toBe(2.5);
    expect(tensor([[7]]).item()).toBe(7);
  });

  it('reads a transposed view in logical order without copying storage', () => {
    const x = arange(6).reshape(2, 3);
    const t = transpose(x);
    expect(t.nd.data).toBe(x.nd.data);
    expect(t.isContiguous()).toBe(false);
    expect(t.toArray()).toEqual([
      [0, 3],
      [1, 4],
      [2, 5],
    ]);
    expect(Array.from(t.contiguous().toTypedArray())).toEqual([0, 3, 1, 4, 2, 5]);
  });

  it('has method forms that give the same values as the ops', () => {
    const x = tensor([
      [1, 2],
      [3, 4],
    ]);
    const y = x.add(1).mul(2).sub(x).div(2); // (2(x+1) − x)/2 = x/2 + 1
    expect(y.toArray()).toEqual([
      [1.5, 2],
      [2.5, 3],
    ]);
    expect(x.matmul(x).toArray()).toEqual([
      [7, 10],
      [15, 22],
    ]);
    expect(x.sum().item()).toBe(10);
    expect(x.reshape(4).shape).toEqual([4]);
    expect(x.transpose().toArray()).toEqual([
      [1, 3],
      [2, 4],
    ]);
  });

  it('accumulates gradients over two backward passes and detaches from the graph', () => {
    const x = tensor([1, 2, 3], { requiresGrad: true });
    x.mul(x).sum().backward();
    x.mul(x).sum().backward();
    expect(x.grad?.toArray()).toEqual([4, 8, 12]);
    const d = x.detach();
    expect(d.requiresGrad).toBe(false);
    expect(d.nd.data).toBe(x.nd.data);
  });

  it('throws InvalidArgumentError when an integer tensor is asked to require gradients', () => {
    expect(() => tensor([1, 2], { dtype: 'int32', requiresGrad: true })).toThrow(InvalidArgumentError);
  });

  it('throws InvalidArgumentError from item on a tensor with more than one element', () => {
    expect(() => zeros([2]).item()).toThrow(/exactly one element; got shape \(2\)/);
  });

  it('throws GradientError from backward without gradients, or of a non-scalar without gradOutput', () => {
    expect(() => tensor([1]).backward()).toThrow(GradientError);
    const x = tensor([1, 2], { requiresGrad: true });
    expect(() => x.mul(2).backward()).toThrow(/gradOutput must be given/);
    expect(() => x.mul(2).backward(zeros([3]))).toThrow(/must have shape \(2\); got \(3\)/);
  });

  it('is a class users can check with instanceof', () => {
    expect(tensor([1])).toBeInstanceOf(Tensor);
  });
});

describe('Tensor method forms in a bundle without their op', () => {
  it('throws naming the op and the import that brings it, and works once the op is loaded', async () => {
    vi.resetModules();
    // A fresh module graph holding only the class and the creation functions, as a tree-shaken page.
    const fresh = await import('./ops/creation.js');
    const x = fresh.tensor([
      [1, 2],
      [3, 4],
    ]);
    expect(() => x.matmul(x)).toThrow(
      "Tensor.matmul: the matmul op is not in this bundle (the bundler dropped it as unused); call matmul(x, …) from '@attnkit/tensor' once in the program.",
    );
    expect(() => x.sub(1)).toThrow(/Tensor\.sub: the sub op is not in this bundle/);
    expect(() => x.expand(2, 2, 2)).toThrow(
      /Tensor\.expand: the broadcastTo op is not in this bundle.*call broadcastTo\(x, …\)/,
    );
    await import('./ops/matmul.js');
    expect(x.matmul(x).toArray()).toEqual([
      [7, 10],
      [15, 22],
    ]);
    vi.resetModules();
  });
});
