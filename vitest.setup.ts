import fc from 'fast-check';

// One budget for every property test; a failure prints its seed and path so it can be replayed.
fc.configureGlobal({ numRuns: 100, ...(process.env.FC_SEED ? { seed: Number(process.env.FC_SEED) } : {}) });
