/**
 * The pool's worker (a module file, so a page needs no `blob:` or `eval` in its CSP): receives
 * the shared module, memory and control block once, then serves jobs (see worker-loop.ts). Runs
 * as a Node `worker_threads` worker or a browser module Web Worker.
 */
import { drain, serve, type WorkerInit } from './worker-loop.js';

interface Port {
  postMessage(message: unknown): void;
}

const g = globalThis as unknown as {
  process?: { versions?: { node?: string } };
  onmessage: ((e: { data: WorkerInit }) => void) | null;
  postMessage(message: unknown): void;
};

if (typeof g.process?.versions?.node === 'string') {
  // A computed specifier keeps bundlers from resolving node:worker_threads for browsers.
  const specifier = 'node:worker_threads';
  // No top-level await: bundlers may emit the worker as a classic (iife) script.
  void (
    import(/* @vite-ignore */ specifier) as Promise<{
      parentPort: Port & { once(event: 'message', cb: (init: WorkerInit) => void): void };
    }>
  ).then(({ parentPort }) => {
    parentPort.once('message', (init) => serve(init, (m) => parentPort.postMessage(m), drain));
  });
} else {
  g.onmessage = (e) => {
    g.onmessage = null;
    serve(e.data, (m) => g.postMessage(m), drain);
  };
}
