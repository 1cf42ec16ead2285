// A family of the JavaScript default backend, registered when a module that runs it is loaded
// (imported for its effect; listed in package.json `sideEffects`). See kernels/registry.ts.
// `@attnkit/training`'s optimizers reach it through `getBackend()`, which reports the whole
// `jsBackend` while the lazy default is active.
import { adamStepKernel } from '../adam.js';
import { provideJsKernels } from '../registry.js';

provideJsKernels({ adamStep: adamStepKernel });
