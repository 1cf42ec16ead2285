// The README example, run as a test so it cannot go stale.
import { add, Generator, mean, square, sub, type Tensor, tensor } from '@attnkit/tensor';
import { describe, expect, it } from 'vitest';
import { Dropout, LayerNorm, Linear, Module, ReLU, Sequential } from '../src/index.js';

class FFNBlock extends Module {
  readonly ffn: Sequential;
  readonly dropout: Dropout;
  readonly ln: LayerNorm;

  constructor(rng: Generator) {
    super();
    // Registration order is state-dict order, as attribute assignment order is in PyTorch.
    this.ffn = this.registerModule(
      'ffn',
      new Sequential(new Linear({ outFeatures: 8, rng }), new ReLU(), new Linear({ outFeatures: 4, rng })),
    );
    this.dropout = this.registerModule('dropout', new Dropout({ p: 0.1 }));
    this.ln = this.registerModule('ln', new LayerNorm({ normalizedShape: 4 }));
  }

  forward(x: Tensor): Tensor {
    return this.ln.forward(add(this.dropout.forward(this.ffn.forward(x)), x));
  }
}

describe('README example', () => {
  it('runs as documented', () => {
    const block = new FFNBlock(new Generator(0));
    const x = tensor([
      [
        [1, 2, 3, 4],
        [0, -1, 0, 1],
      ],
    ]);
    const target = tensor([
      [
        [0, 0, 0, 0],
        [1, 1, 1, 1],
      ],
    ]);

    const y = block.forward(x);
    expect(y.shape).toEqual([1, 2, 4]);
    expect(Object.keys(block.stateDict())).toEqual([
      'ffn.0.weight',
      'ffn.0.bias',
      'ffn.2.weight',
      'ffn.2.bias',
      'ln.weight',
      'ln.bias',
    ]);

    mean(square(sub(y, target))).backward();
    expect(block.parameters().every((p) => p.grad !== null)).toBe(true);
    block.zeroGrad();
    expect(block.parameters().every((p) => p.grad!.toTypedArray().every((v) => v === 0))).toBe(true);
    block.zeroGrad({ setToNone: true });
    expect(block.parameters().every((p) => p.grad === null)).toBe(true);

    block.eval();
    const copy = new FFNBlock(new Generator(1));
    copy.loadStateDict(block.stateDict());
    const a = block.forward(x).toTypedArray();
    const b = copy.eval().forward(x).toTypedArray();
    expect(Array.from(b)).toEqual(Array.from(a));
  });
});
