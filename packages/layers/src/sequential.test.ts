import { InvalidArgumentError, type Tensor, tensor } from '@attnkit/tensor';
import { describe, expect, it } from 'vitest';
import { Dropout } from './dropout.js';
import { LayerNorm } from './layer-norm.js';
import { Linear } from './linear.js';
import { Module } from './module.js';
import { ReLU } from './relu.js';
import { Sequential } from './sequential.js';

function ffn(): Sequential {
  return new Sequential(
    new Linear({ inFeatures: 2, outFeatures: 2 }),
    new ReLU(),
    new Linear({ inFeatures: 2, outFeatures: 1 }),
  );
}

describe('Sequential', () => {
  it('feeds each stage the output of the previous one', () => {
    const net = ffn();
    net.loadStateDict({
      '0.weight': [
        [1, -1],
        [2, 1],
      ],
      '0.bias': [0, -1],
      '2.weight': [[3, -2]],
      '2.bias': [0.5],
    });
    // x = [1, 2]: hidden = relu([1−2, 2+2−1]) = [0, 3]; out = 3·0 − 2·3 + 0.5 = −5.5.
    expect(net.forward(tensor([[1, 2]])).toArray()).toEqual([[-5.5]]);
  });

  it("names the children '0', '1', … so state keys match PyTorch", () => {
    expect(Object.keys(ffn().stateDict())).toEqual(['0.weight', '0.bias', '2.weight', '2.bias']);
    expect(
      ffn()
        .namedChildren()
        .map(([name]) => name),
    ).toEqual(['0', '1', '2']);
  });

  it('gives nested keys such as net.0.weight and net.1.bias inside another module', () => {
    class Block extends Module {
      readonly net = this.registerModule(
        'net',
        new Sequential(new Linear({ inFeatures: 3, outFeatures: 3 }), new LayerNorm({ normalizedShape: 3 })),
      );
      forward(x: Tensor): Tensor {
        return this.net.forward(x);
      }
    }
    expect(Object.keys(new Block().stateDict())).toEqual([
      'net.0.weight',
      'net.0.bias',
      'net.1.weight',
      'net.1.bias',
    ]);
  });

  it('indexes, iterates and appends stages', () => {
    const relu = new ReLU();
    const drop = new Dropout();
    const seq = new Sequential(relu);
    expect(seq.append(drop)).toBe(seq);
    expect(seq.length).toBe(2);
    expect(seq.at(0)).toBe(relu);
    expect(seq.at(-1)).toBe(drop);
    expect([...seq]).toEqual([relu, drop]);
    expect(seq.namedChildren().map(([name]) => name)).toEqual(['0', '1']);
  });

  it('is the identity with no stages', () => {
    const x = tensor([1, 2]);
    expect(new Sequential().forward(x)).toBe(x);
  });

  it('switches its stages between train and eval', () => {
    const seq = new Sequential(new Dropout({ p: 0.9 }));
    const x = tensor([1, 2, 3, 4]);
    seq.eval();
    expect(seq.at(0).training).toBe(false);
    expect(seq.forward(x)).toBe(x);
    seq.train();
    expect(seq.at(0).training).toBe(true);
  });

  it('throws InvalidArgumentError for an index out of range', () => {
    expect(() => ffn().at(3)).toThrow(InvalidArgumentError);
    expect(() => ffn().at(-4)).toThrow('Sequential.at: index must be an integer in [-3, 2]; got -4.');
  });
});
