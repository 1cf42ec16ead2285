#!/usr/bin/env node
// The `attnkit` executable: runs the command line on the process's arguments and streams.
import { enableRelaxedSimd } from '@attnkit/tensor';
import { processIo } from './io.js';
import { run } from './program.js';

// `attnkit … | head` closes the pipe early: stop quietly instead of crashing on EPIPE.
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code === 'EPIPE') process.exit(0);
  throw err;
});

// The WebAssembly kernels' fused multiply-add build (~1.3× faster products); Node 20 has relaxed
// SIMD behind a flag, which this sets before the first kernel runs. ATTNKIT_RELAXED_SIMD=0: plain SIMD.
if (process.env.ATTNKIT_RELAXED_SIMD !== '0') enableRelaxedSimd();

process.exitCode = await run(process.argv.slice(2), processIo(), { sigint: true });
