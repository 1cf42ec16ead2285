/**
 * What the pool's threads run: `drain` (claim and run tasks of the open job), on the calling
 * thread and in every worker, and `serve` (a worker's life). The control block's slot numbers
 * (see pool.ts) appear here as literals: 3 = COUNT, 4 = FAILED, 5 = STOP, 6 = COMPLETED, 7 =
 * SLEEPERS, 32 = HEADER (task starts), 4097 = MAX_TASKS + 1.
 */

/** A WebAssembly export a task calls. */
export type ExportFn = (...args: number[]) => unknown;

/**
 * Claims and runs tasks of the open job until none is left: task t is the calls in
 * calls[starts[t] … starts[t + 1]), each stored as (function index, argument count, arguments…).
 * A task is claimed by advancing the ticket (job number · 2¹⁶ + next task) with compare-and-swap:
 * the caller closes the ticket under a new job number before it rewrites the table and the
 * count, so a claim succeeds only while the count read just before it belongs to the same job,
 * and a late worker never runs a task of a job it did not read. Every claimed task is counted as
 * completed, even if it throws; returns the first error. The caller (pool.ts) and every worker
 * (worker.ts) run it.
 */
export function drain(
  h: Int32Array,
  ticket: BigInt64Array,
  calls: Float64Array,
  fns: readonly ExportFn[],
): unknown {
  let error: unknown = null;
  // Arguments go through one reused array (a WebAssembly export ignores extra arguments), so a
  // call allocates nothing.
  const args = argsBuffer;
  for (;;) {
    const cur = Atomics.load(ticket, 0);
    const t = Number(cur & 0xffffn);
    const count = Atomics.load(h, 3);
    if (t >= count) return error;
    if (Atomics.compareExchange(ticket, 0, cur, cur + 1n) !== cur) continue;
    try {
      let p = h[32 + t]!;
      const end = h[33 + t]!;
      while (p < end) {
        const argc = calls[p + 1]!;
        for (let i = 0; i < argc; i++) args[i] = calls[p + 2 + i]!;
        fns[calls[p]!]!.apply(null, args);
        p += 2 + argc;
      }
    } catch (e) {
      Atomics.store(h, 4, 1);
      error ??= e;
    }
    if (Atomics.add(h, 6, 1) + 1 === count) Atomics.notify(h, 6);
  }
}

/** Most arguments of a task function (flashBackward's 22). */
const MAX_ARGS = 24;
const argsBuffer: number[] = new Array<number>(MAX_ARGS).fill(0);

/** What a worker receives once, before its first job. */
export interface WorkerInit {
  module: WebAssembly.Module;
  memory: WebAssembly.Memory;
  control: SharedArrayBuffer;
  names: readonly string[];
  callsAt: number;
  spinMs: number;
}

/**
 * A worker's life: instantiate the module on the shared memory, report ready, then whenever the
 * wake counter changes help drain the open job. Between jobs it polls before it sleeps in
 * Atomics.wait: jobs come back to back (a training step), and waking a sleeping thread costs tens
 * of microseconds — milliseconds on a virtual machine whose idle vCPU the host has descheduled
 * (OpenMP runtimes poll for the same reason). It polls while the job it worked on is still running
 * on other threads (the next job follows the moment that one ends), then for `spinMs`.
 */
export function serve(init: WorkerInit, post: (message: unknown) => void, run: typeof drain): void {
  const instance = new WebAssembly.Instance(init.module, { env: { memory: init.memory } });
  const exports = instance.exports as Record<string, ExportFn>;
  const fns = init.names.map((name) => exports[name]!);
  const h = new Int32Array(init.control, 0, 32 + 4097);
  const ticket = new BigInt64Array(init.control, 64, 1);
  const calls = new Float64Array(init.control, init.callsAt);
  // Read before reporting ready: the first job may be posted the moment the caller hears of it.
  let seen = Atomics.load(h, 0);
  post('ready');
  for (;;) {
    const started = performance.now();
    while (Atomics.load(h, 0) === seen) {
      if (performance.now() - started > init.spinMs) {
        // Counted before the wait (see pool.ts `wake`): the caller notifies only sleepers.
        Atomics.add(h, 7, 1);
        Atomics.wait(h, 0, seen);
        Atomics.sub(h, 7, 1);
        break;
      }
      for (let i = 0; i < 256; i++) if (Atomics.load(h, 0) !== seen) break;
    }
    if (Atomics.load(h, 5) !== 0) return;
    seen = Atomics.load(h, 0);
    run(h, ticket, calls, fns);
    while (Atomics.load(h, 6) < Atomics.load(h, 3) && Atomics.load(h, 0) === seen);
  }
}
