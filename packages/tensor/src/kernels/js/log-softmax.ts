// A family of the JavaScript default backend, registered when an op that runs it is loaded
// (imported for its effect; listed in package.json `sideEffects`). See kernels/registry.ts.
import { provideJsKernels } from '../registry.js';
import { logSoftmaxBackwardKernel, logSoftmaxKernel } from '../softmax.js';

provideJsKernels({ logSoftmax: logSoftmaxKernel, logSoftmaxBackward: logSoftmaxBackwardKernel });
