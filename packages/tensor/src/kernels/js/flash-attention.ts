// A family of the JavaScript default backend, registered when an op that runs it is loaded
// (imported for its effect; listed in package.json `sideEffects`). See kernels/registry.ts.
import { tiledAttentionBackward, tiledAttentionForward } from '../flash-attention.js';
import { jsTileOps } from '../js-backend.js';
import { provideJsKernels } from '../registry.js';

provideJsKernels({
  flashAttentionForward: (q, k, v, out, lse, shape) =>
    tiledAttentionForward(jsTileOps, q, k, v, out, lse, shape),
  flashAttentionBackward: (q, k, v, out, lse, dOut, dq, dk, dv, shape) =>
    tiledAttentionBackward(jsTileOps, q, k, v, out, lse, dOut, dq, dk, dv, shape),
});
