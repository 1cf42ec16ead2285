import { causalMask, maskedSoftmax } from '@attnkit/masking';
import { showHeatmaps } from '@attnkit/plot';
import {
  abs,
  Generator,
  max,
  randn,
  sub,
  tensor,
  unsqueeze,
} from '@attnkit/tensor';

export async function main() {
  // A decoder position may attend to itself and earlier positions only (true =
  // may attend).
  const mask = causalMask(4);
  console.log(mask);

  // D2L §11.7 builds the same mask from valid lengths 1, 2, …, numSteps per
  // query:
  // dec_valid_lens = torch.arange(1, num_steps + 1).repeat(batch_size, 1)
  const scores = randn([2, 4, 4], { rng: new Generator(0) });
  // biome-ignore format: one row per sequence
  const decValidLens = tensor([[1, 2, 3, 4], [1, 2, 3, 4]], { dtype: 'int32' });
  const fromLens = maskedSoftmax(scores, decValidLens);
  const fromMask = maskedSoftmax(scores, { mask });
  console.log('same weights:', max(abs(sub(fromLens, fromMask))).item() < 1e-6);
  // (batch, queries, keys) → a grid of 1 row and 2 columns.
  const grid = unsqueeze(fromMask, 0);
  console.log(
    await showHeatmaps(grid, {
      titles: ['batch 0', 'batch 1'],
      figsize: [4, 2],
    }),
  );
}
// expect: Tensor (4, 4) bool
// expect: [[true, false, false, false],
// expect: same weights: true
// expect-figures: 1
