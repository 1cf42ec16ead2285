// A family of the JavaScript default backend, registered when an op that runs it is loaded
// (imported for its effect; listed in package.json `sideEffects`). See kernels/registry.ts.
import { batchByProduct } from '../batched-matmul.js';
import { matmulBiasOfMatmul } from '../bias.js';
import { jsMatmul } from '../matmul.js';
import { provideJsKernels } from '../registry.js';

provideJsKernels({
  matmul: jsMatmul,
  matmulBias: matmulBiasOfMatmul,
  batchedMatmul: (out, a, b, m, n, k, count) => batchByProduct(jsMatmul, out, a, b, m, n, k, count),
});
