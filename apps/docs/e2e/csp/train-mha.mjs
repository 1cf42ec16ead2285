// Page 2 of the strict-CSP test: a small MultiHeadAttention trained with Adam for a few steps on
// 2 threads (worker threads from a module file; the products are large enough to be split).
// Also imported by Node (csp.mjs) for the expected numbers.
import { MultiHeadAttention } from '@attnkit/multihead';
import { Generator, randn, setNumThreads, tensor, threadsUnavailableReason } from '@attnkit/tensor';
import { Adam, mseLoss } from '@attnkit/training';

export async function compute() {
  const threads = await setNumThreads(2);
  const reason = threadsUnavailableReason();
  try {
    const rng = new Generator(0);
    const attention = new MultiHeadAttention({ numHiddens: 128, numHeads: 4, dropout: 0, rng });
    const x = randn([4, 64, 128], { rng });
    const target = randn([4, 64, 128], { rng });
    const validLens = tensor([64, 40, 17, 3], { dtype: 'int32' });
    const optimizer = new Adam(attention.parameters(), { lr: 1e-3 });
    const losses = [];
    for (let step = 0; step < 5; step++) {
      optimizer.zeroGrad();
      const loss = mseLoss(attention.forward(x, x, x, validLens), target);
      loss.backward();
      optimizer.step();
      losses.push(loss.item());
    }
    return { threads, reason, losses };
  } finally {
    await setNumThreads(1);
  }
}
