// A family of the JavaScript default backend, registered when an op that runs it is loaded
// (imported for its effect; listed in package.json `sideEffects`). See kernels/registry.ts.
import { provideJsKernels } from '../registry.js';
import { biasReluKernel, reluBackwardKernel, reluKernel, reluMaskColumnSumKernel } from '../relu.js';

provideJsKernels({
  relu: reluKernel,
  reluBackward: reluBackwardKernel,
  biasRelu: biasReluKernel,
  reluMaskColumnSum: reluMaskColumnSumKernel,
});
