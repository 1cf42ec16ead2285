import {
  createView,
  fromNdarray,
  InvalidArgumentError,
  ones,
  ShapeError,
  type Tensor,
  tensor,
  zeros,
} from '@attnkit/tensor';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Module } from './module.js';
import { Parameter } from './parameter.js';

/** weight (2, 3), bias (2), a persistent buffer `count` (int32) and a non-persistent `cache`. */
class Affine extends Module {
  readonly weight = this.registerParameter('weight', new Parameter(zeros([2, 3])));
  readonly bias = this.registerParameter('bias', new Parameter(zeros([2])));
  readonly count = this.registerBuffer('count', zeros([1], { dtype: 'int32' }));
  readonly cache = this.registerBuffer('cache', zeros([4]), { persistent: false });
  forward(x: Tensor): Tensor {
    return x;
  }
}

/** Children named '0' and '1', as PyTorch's Sequential names them. */
class Pair extends Module {
  readonly first = this.registerModule('0', new Affine());
  readonly second = this.registerModule('1', new Affine());
  forward(x: Tensor): Tensor {
    return x;
  }
}

/** scale (own parameter), net (a Pair), head (an Affine). */
class Tree extends Module {
  readonly scale = this.registerParameter('scale', new Parameter(zeros([])));
  readonly net = this.registerModule('net', new Pair());
  readonly head = this.registerModule('head', new Affine());
  forward(x: Tensor): Tensor {
    return x;
  }
}

/** A module with a parameter shared by two children and a name reserved with null. */
class Shared extends Module {
  readonly a = this.registerModule('a', new Affine());
  readonly b = this.registerModule('b', new Affine());
  constructor() {
    super();
    this.registerParameter('none', null);
    this.b.registerParameter('weight', this.a.weight);
  }
  forward(x: Tensor): Tensor {
    return x;
  }
}

/** A lazy module: a table (rows, 2) whose row count comes from the state dict. */
class LazyTable extends Module {
  table: Parameter | null = null;
  constructor() {
    super();
    this.declareLazyParameter('table', [null, 2]);
  }
  protected override materializeFromState(shapes: ReadonlyMap<string, readonly number[]>): void {
    const shape = shapes.get('table');
    if (shape !== undefined) this.table = this.registerParameter('table', new Parameter(zeros(shape)));
  }
  forward(x: Tensor): Tensor {
    return x;
  }
}

const TREE_KEYS = [
  'scale',
  'net.0.weight',
  'net.0.bias',
  'net.0.count',
  'net.1.weight',
  'net.1.bias',
  'net.1.count',
  'head.weight',
  'head.bias',
  'head.count',
];

/** A state dict for Tree whose values are 1, 2, 3, … in key order. */
function countingState(): Record<string, Tensor> {
  let next = 1;
  const state: Record<string, Tensor> = {};
  for (const [key, t] of Object.entries(new Tree().stateDict())) {
    const values = Array.from({ length: t.numel() }, () => next++);
    state[key] = tensor(values, { shape: t.shape, dtype: t.dtype });
  }
  return state;
}

function snapshot(m: Module): Record<string, unknown> {
  return Object.fromEntries(Object.entries(m.stateDict()).map(([k, t]) => [k, t.toArray()]));
}

describe('Module', () => {
  it('names parameters with dotted PyTorch paths, own parameters first', () => {
    const names = new Tree().namedParameters().map(([name]) => name);
    expect(names).toEqual(TREE_KEYS.filter((k) => !k.endsWith('count')));
  });

  it('gives stateDict the PyTorch keys: parameters and persistent buffers, not the rest', () => {
    expect(Object.keys(new Tree().stateDict())).toEqual(TREE_KEYS);
  });

  it('returns detached stateDict values that share storage with the parameters', () => {
    const m = new Affine();
    const w = m.stateDict().weight!;
    expect(w.requiresGrad).toBe(false);
    expect(w.shape).toEqual([2, 3]);
    m.weight.nd.data[0] = 7;
    expect((w.toArray() as number[][])[0]![0]).toBe(7);
  });

  it('lists modules pre-order with the root named empty, and direct children', () => {
    const tree = new Tree();
    expect(tree.namedModules().map(([name]) => name)).toEqual(['', 'net', 'net.0', 'net.1', 'head']);
    expect(tree.children()).toEqual([tree.net, tree.head]);
    expect(tree.namedChildren().map(([name]) => name)).toEqual(['net', 'head']);
    expect(tree.net.children()).toEqual([tree.net.first, tree.net.second]);
  });

  it('lists buffers, persistent or not', () => {
    expect(new Affine().namedBuffers().map(([name]) => name)).toEqual(['count', 'cache']);
    expect(new Affine().buffers()).toHaveLength(2);
  });

  it('lists a shared parameter once and skips names reserved with null', () => {
    const m = new Shared();
    expect(m.namedParameters().map(([name]) => name)).toEqual(['a.weight', 'a.bias', 'b.bias']);
    expect(m.parameters()).toHaveLength(3);
    expect(m.numParameters()).toBe(6 + 2 + 2);
    // stateDict keeps both keys, as PyTorch does.
    expect(Object.keys(m.stateDict())).toEqual([
      'a.weight',
      'a.bias',
      'a.count',
      'b.weight',
      'b.bias',
      'b.count',
    ]);
  });

  it('counts parameters', () => {
    expect(new Tree().numParameters()).toBe(1 + 3 * (6 + 2));
  });

  it('loads a state dict into the existing parameters, keeping their identity', () => {
    const tree = new Tree();
    const before = tree.parameters();
    tree.loadStateDict(countingState());
    expect(tree.parameters()).toEqual(before);
    expect(tree.parameters().every((p, i) => p === before[i])).toBe(true);
    expect(tree.scale.item()).toBe(1);
    expect(tree.net.first.weight.toArray()).toEqual([
      [2, 3, 4],
      [5, 6, 7],
    ]);
    expect(tree.net.first.bias.toArray()).toEqual([8, 9]);
    expect(tree.net.first.count.toArray()).toEqual([10]);
    expect(tree.head.count.toArray()).toEqual([28]);
  });

  it('round-trips stateDict through loadStateDict into a fresh module', () => {
    const source = new Tree();
    source.loadStateDict(countingState());
    const copy = new Tree();
    copy.loadStateDict(source.stateDict());
    expect(snapshot(copy)).toEqual(snapshot(source));
  });

  it('accepts nested arrays, flat arrays, typed arrays, ndarrays and tensors of another dtype', () => {
    const m = new Affine();
    m.loadStateDict({
      weight: [1, 2, 3, 4, 5, 6],
      bias: createView(new Float64Array([0.5, -0.5]), [2]),
      count: tensor([3.7]),
    });
    expect(m.weight.toArray()).toEqual([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    expect(m.bias.toArray()).toEqual([0.5, -0.5]);
    expect(m.count.toArray()).toEqual([3]); // cast to int32 storage
    m.loadStateDict({ weight: new Float32Array([6, 5, 4, 3, 2, 1]), bias: [[1, 2]].flat(), count: [9] });
    expect(m.weight.toArray()).toEqual([
      [6, 5, 4],
      [3, 2, 1],
    ]);
    m.loadStateDict({
      weight: [
        [0, 0, 0],
        [1, 1, 1],
      ],
      bias: [0, 0],
      count: [0],
    });
    expect(m.weight.toArray()).toEqual([
      [0, 0, 0],
      [1, 1, 1],
    ]);
  });

  it('writes into a non-contiguous buffer through its strides', () => {
    class Strided extends Module {
      readonly storage = new Float32Array(6);
      // A (2, 2) view that reads every other column of a (2, 3) row-major block.
      readonly view = this.registerBuffer('view', fromNdarray(createView(this.storage, [2, 2], [3, 2])));
      forward(x: Tensor): Tensor {
        return x;
      }
    }
    const m = new Strided();
    m.loadStateDict({
      view: [
        [1, 2],
        [3, 4],
      ],
    });
    expect([...m.storage]).toEqual([1, 0, 2, 3, 0, 4]);
  });

  it('loads what matches and reports the rest when strict is false', () => {
    const m = new Affine();
    const result = m.loadStateDict({ weight: [1, 1, 1, 1, 1, 1], extra: [1] }, { strict: false });
    expect(result).toEqual({ missingKeys: ['bias', 'count'], unexpectedKeys: ['extra'] });
    expect(m.weight.toArray()).toEqual([
      [1, 1, 1],
      [1, 1, 1],
    ]);
    expect(m.bias.toArray()).toEqual([0, 0]);
  });

  it('returns no missing or unexpected keys after a strict load', () => {
    expect(new Tree().loadStateDict(countingState())).toEqual({ missingKeys: [], unexpectedKeys: [] });
  });

  it('propagates train and eval to every descendant and returns the module', () => {
    const tree = new Tree();
    const modes = (): boolean[] => tree.namedModules().map(([, m]) => m.training);
    expect(modes()).toEqual([true, true, true, true, true]);
    expect(tree.eval()).toBe(tree);
    expect(modes()).toEqual([false, false, false, false, false]);
    tree.net.train();
    expect(modes()).toEqual([false, true, true, true, false]);
    expect(tree.train(false)).toBe(tree);
    expect(modes()).toEqual([false, false, false, false, false]);
    tree.train();
    expect(modes()).toEqual([true, true, true, true, true]);
  });

  it('zeroes every gradient in place on zeroGrad, or sets it to null with setToNone', () => {
    const tree = new Tree();
    for (const p of tree.parameters()) p.grad = ones(p.shape);
    const before = tree.parameters().map((p) => p.grad);
    tree.zeroGrad();
    tree.parameters().forEach((p, i) => {
      // The same storage, now zero: the next backward() accumulates into it.
      expect(p.grad).toBe(before[i]);
      expect(Array.from(p.grad!.toTypedArray()).every((v) => v === 0)).toBe(true);
    });
    tree.zeroGrad({ setToNone: true });
    expect(tree.parameters().map((p) => p.grad)).toEqual(tree.parameters().map(() => null));
    expect(() => tree.zeroGrad({ setToNone: 1 } as never)).toThrow(/setToNone/);
  });

  it('replaces a parameter registered again under the same name', () => {
    const m = new Affine();
    const fresh = new Parameter(zeros([5]));
    m.registerParameter('bias', fresh);
    expect(m.namedParameters().find(([n]) => n === 'bias')?.[1]).toBe(fresh);
    expect(m.stateDict().bias?.shape).toEqual([5]);
  });

  it('creates a lazy parameter from the shape in the state dict, then loads it', () => {
    const m = new LazyTable();
    expect(m.stateDict()).toEqual({});
    expect(m.parameters()).toEqual([]);
    m.loadStateDict({
      table: [
        [1, 2],
        [3, 4],
        [5, 6],
      ],
    });
    expect(m.table?.shape).toEqual([3, 2]);
    expect(m.parameters()).toEqual([m.table]);
    expect(m.stateDict().table?.toArray()).toEqual([
      [1, 2],
      [3, 4],
      [5, 6],
    ]);
  });

  it('reads back any values loaded into a parameter of any small shape', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 1, max: 6 }), { minLength: 0, maxLength: 3 }),
        fc.array(fc.double({ min: -1e3, max: 1e3, noNaN: true }), { minLength: 216, maxLength: 216 }),
        (shape, pool) => {
          class One extends Module {
            readonly p = this.registerParameter('p', new Parameter(zeros(shape, { dtype: 'float64' })));
            forward(x: Tensor): Tensor {
              return x;
            }
          }
          const m = new One();
          const values = pool.slice(0, m.p.numel());
          m.loadStateDict({ p: new Float64Array(values) });
          expect([...m.p.toTypedArray()]).toEqual(values);
          expect([...m.stateDict().p!.toTypedArray()]).toEqual(values);
        },
      ),
    );
  });

  it('throws InvalidArgumentError listing missing keys in strict mode', () => {
    const state = countingState();
    delete state['net.1.bias'];
    delete state.scale;
    expect(() => new Tree().loadStateDict(state)).toThrow(InvalidArgumentError);
    expect(() => new Tree().loadStateDict(state)).toThrow(
      /missing keys: \[scale, net\.1\.bias\]; unexpected keys: \[\]/,
    );
  });

  it('throws InvalidArgumentError listing unexpected keys in strict mode', () => {
    const state = { ...countingState(), 'net.2.weight': tensor([1]), extra: tensor([1]) };
    expect(() => new Tree().loadStateDict(state)).toThrow(InvalidArgumentError);
    expect(() => new Tree().loadStateDict(state)).toThrow(
      /missing keys: \[\]; unexpected keys: \[net\.2\.weight, extra\]/,
    );
  });

  it('throws ShapeError naming the key and both shapes for a value of the wrong shape', () => {
    const state: Record<string, Tensor> = { ...countingState(), 'net.1.weight': zeros([3, 2]) };
    expect(() => new Tree().loadStateDict(state)).toThrow(ShapeError);
    expect(() => new Tree().loadStateDict(state)).toThrow(
      'loadStateDict: net.1.weight must have shape (2, 3); got (3, 2).',
    );
  });

  it('throws ShapeError for a flat array with the wrong number of elements', () => {
    expect(() => new Affine().loadStateDict({ weight: [1, 2, 3, 4, 5], bias: [0, 0], count: [0] })).toThrow(
      'loadStateDict: weight must have shape (2, 3); got (5).',
    );
  });

  it('throws ShapeError naming the key for a ragged nested array', () => {
    const ragged = [
      [1, 2, 3],
      [4, 5],
    ] as unknown as number[][];
    expect(() => new Affine().loadStateDict({ weight: ragged, bias: [0, 0], count: [0] })).toThrow(
      ShapeError,
    );
    expect(() => new Affine().loadStateDict({ weight: ragged, bias: [0, 0], count: [0] })).toThrow(/weight/);
  });

  it('throws InvalidArgumentError naming the key for a value that is not tensor data', () => {
    const state = { weight: 'zeros', bias: [0, 0], count: [0] } as unknown as Record<string, Tensor>;
    expect(() => new Affine().loadStateDict(state)).toThrow(InvalidArgumentError);
    expect(() => new Affine().loadStateDict(state)).toThrow(/loadStateDict: weight must be a Tensor/);
  });

  it('changes nothing when any key fails validation (no partial load)', () => {
    const tree = new Tree();
    tree.loadStateDict(countingState());
    const before = snapshot(tree);
    const badShape = { ...countingState(), 'head.bias': zeros([3]) };
    for (const p of Object.values(badShape)) p.nd.data.fill(-1);
    expect(() => tree.loadStateDict(badShape)).toThrow(ShapeError);
    const missing = countingState();
    for (const p of Object.values(missing)) p.nd.data.fill(-1);
    delete missing['head.bias'];
    expect(() => tree.loadStateDict(missing)).toThrow(InvalidArgumentError);
    expect(snapshot(tree)).toEqual(before);
  });

  it('throws for a lazy parameter that is missing or has the wrong rank, and stays lazy', () => {
    const m = new LazyTable();
    expect(() => m.loadStateDict({})).toThrow('missing keys: [table]');
    expect(() => m.loadStateDict({ table: [1, 2] })).toThrow(ShapeError);
    expect(() => m.loadStateDict({ table: [[1, 2, 3]] })).toThrow(
      'loadStateDict: table must have shape (*, 2); got (1, 3).',
    );
    expect(m.table).toBeNull();
  });

  it('throws InvalidArgumentError for a name that is empty or contains a dot', () => {
    const m = new Affine();
    expect(() => m.registerParameter('a.b', new Parameter(zeros([1])))).toThrow(InvalidArgumentError);
    expect(() => m.registerBuffer('', zeros([1]))).toThrow(/non-empty string without dots/);
    expect(() => m.registerModule('x.y', new Affine())).toThrow(InvalidArgumentError);
  });

  it('throws InvalidArgumentError for a name already used by another kind', () => {
    const m = new Affine();
    expect(() => m.registerBuffer('weight', zeros([1]))).toThrow(InvalidArgumentError);
    expect(() => m.registerModule('bias', new Affine())).toThrow(/already used/);
    expect(() => m.registerParameter('count', new Parameter(zeros([1])))).toThrow(/already used/);
  });

  it('throws InvalidArgumentError when registerParameter gets a plain tensor', () => {
    const plain = zeros([2]) as unknown as Parameter;
    expect(() => new Affine().registerParameter('extra', plain)).toThrow(InvalidArgumentError);
    expect(() => new Affine().registerParameter('extra', plain)).toThrow(/must be a Parameter or null/);
  });

  it('throws InvalidArgumentError when registerModule would make a cycle', () => {
    const tree = new Tree();
    expect(() => tree.registerModule('self', tree)).toThrow(InvalidArgumentError);
    expect(() => tree.net.first.registerModule('up', tree)).toThrow(/cycle/);
  });
});
