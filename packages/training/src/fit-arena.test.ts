import { Linear, ReLU, Sequential } from '@attnkit/layers';
import { Generator, isReleased, ReleasedTensorError, randn, type Tensor } from '@attnkit/tensor';
import { describe, expect, it } from 'vitest';
import { AdamW } from './adam-w.js';
import { fit } from './fit.js';
import { mseLoss } from './mse-loss.js';

function mlp(seed: number): Sequential {
  const rng = new Generator(seed);
  return new Sequential(
    new Linear({ inFeatures: 4, outFeatures: 16, rng }),
    new ReLU(),
    new Linear({ inFeatures: 16, outFeatures: 1, rng }),
  );
}

function batches(seed: number): () => [Tensor, Tensor] {
  const rng = new Generator(seed);
  return () => [randn([8, 4], { rng }), randn([8, 1], { rng })];
}

async function train(arena: boolean, seed: number) {
  const model = mlp(seed);
  const result = await fit({
    model,
    optimizer: new AdamW(model.parameters(), { lr: 1e-2 }),
    data: batches(seed + 1),
    lossFn: (m, [x, y]) => mseLoss(m.forward(x), y),
    steps: 25,
    clipNorm: 1,
    arena,
  });
  return { model, result };
}

describe('fit with the buffer pool (arena)', () => {
  it('trains bit for bit as without it, and leaves usable weights and gradients', async () => {
    for (const seed of [0, 1]) {
      const pooled = await train(true, seed);
      const plain = await train(false, seed);
      expect(pooled.result.lossHistory).toEqual(plain.result.lossHistory);
      const a = pooled.model.parameters();
      const b = plain.model.parameters();
      a.forEach((p, i) => {
        expect(Array.from(p.toTypedArray())).toEqual(Array.from((b[i] as Tensor).toTypedArray()));
        expect(isReleased(p.grad as Tensor)).toBe(false);
        expect(Array.from((p.grad as Tensor).toTypedArray())).toEqual(
          Array.from(((b[i] as Tensor).grad as Tensor).toTypedArray()),
        );
      });
    }
  });

  it('makes a tensor that lossFn smuggles out of the step throw instead of reading reused storage', async () => {
    const model = mlp(3);
    let stash: Tensor | null = null;
    await fit({
      model,
      optimizer: new AdamW(model.parameters(), { lr: 1e-2 }),
      data: batches(4),
      lossFn: (m, [x, y]) => {
        const out = m.forward(x);
        stash = out;
        return mseLoss(out, y);
      },
      steps: 3,
    });
    const s = stash as unknown as Tensor;
    expect(isReleased(s)).toBe(true);
    expect(() => s.toArray()).toThrow(ReleasedTensorError);
  });

  it('checks the arena option', async () => {
    const model = mlp(5);
    await expect(
      fit({
        model,
        optimizer: new AdamW(model.parameters()),
        data: batches(6),
        lossFn: (m, [x, y]) => mseLoss(m.forward(x), y),
        steps: 1,
        arena: 'yes' as never,
      }),
    ).rejects.toThrow(/arena/);
  });
});
