#!/usr/bin/env node
// The `attnkit` executable: runs the command line on the process's arguments and streams.
import { processIo } from './io.js';
import { run } from './program.js';

// `attnkit … | head` closes the pipe early: stop quietly instead of crashing on EPIPE.
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code === 'EPIPE') process.exit(0);
  throw err;
});

process.exitCode = await run(process.argv.slice(2), processIo(), { sigint: true });
