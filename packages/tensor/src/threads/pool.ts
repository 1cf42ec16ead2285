/**
 * The worker pool behind {@link setNumThreads}: n − 1 workers (Node `worker_threads` or browser
 * Web Workers) plus the calling thread run exports of the SIMD module (src/wasm/sgemm.wat) on one
 * shared WebAssembly.Memory. Kernels stay synchronous: the caller stages operands in the shared
 * memory, posts a job (a list of independent tasks, each a short list of export calls), drains
 * tasks itself, and blocks (Atomics.wait, or a spin where the main browser thread may not block)
 * until every worker has finished. Tasks are handed out through an atomic counter, so a busy core
 * simply takes fewer of them.
 */
import { InvalidArgumentError } from '../errors.js';
import { kernelModuleBytes } from '../wasm/module-bytes.js';
import { sharedMemoryVariant } from '../wasm/shared-memory.js';
import { drain, type ExportFn, type WorkerInit } from './worker-loop.js';

/** Exports a task may call, by index (the index is what the job table stores). */
export const TASK_FUNCTIONS = [
  'sgemm',
  'pack',
  'flashForward',
  'flashBackward',
  'packAdjacent',
  'flashForwardBatch',
  'flashBackwardBatch',
  'biasAdd',
  'biasRelu',
  'sgemmRowA',
  'sgemmColA',
] as const;
/** The name of an export a task may call. */
export type TaskFunction = (typeof TASK_FUNCTIONS)[number];

// Control block (one SharedArrayBuffer): Int32 header, a BigInt64 ticket, Int32 task starts, and
// the Float64 call table. The slot numbers are repeated as literals in worker-loop.ts.
const SEQ = 0; // wake counter: idle workers wait on it
const COUNT = 3; // tasks in the current job
const FAILED = 4; // set when a task threw
const STOP = 5; // set to make the workers exit
const COMPLETED = 6; // tasks of the current job finished
const SLEEPERS = 7; // workers asleep in Atomics.wait (or about to be): only then is notify needed
/** Int32 index of the ticket (a BigInt64 at byte 64): job number · 2¹⁶ + next task. */
const TICKET_AT = 16;
const HEADER = 32;
/** Tasks per job (< 2¹⁶, the ticket's task field); larger jobs are posted in several rounds. */
const MAX_TASKS = 4096;
/** Float64 slots of the call table. */
const MAX_SLOTS = 1 << 16;
/** Slots one task may use (function index and argument count per call, plus the arguments). */
const TASK_SLOTS = 256;
const STARTS_AT = HEADER;
const CALLS_BYTES = (HEADER + MAX_TASKS + 1) * 4 + ((HEADER + MAX_TASKS + 1) % 2) * 4;
const CONTROL_BYTES = CALLS_BYTES + MAX_SLOTS * 8;
/** A ticket's task field while a job is being written: no task can be claimed. */
const CLOSED = 0xffff;
/**
 * How long an idle worker polls for the next job before it sleeps (ms): see `serve`. Longer
 * polling hides more wake-up latency but takes the core from V8's own threads (the collector,
 * the compiler); on the 2-core benchmark machine 1 ms trained fastest.
 */
const SPIN_MS = 1;
/** How long the caller polls for the workers' last tasks of a job before it sleeps (ms): see `flush`. */
const JOIN_SPIN_MS = 2;

/** A started worker, whatever the platform. */
interface Thread {
  post(message: unknown): void;
  ready(): Promise<void>;
  terminate(): void;
}

type Spawn = () => Thread;

/**
 * The worker's module file beside this one (dist/threads/worker.js). Held in a variable so that
 * bundlers do not treat the Node branch's URL as an asset; the browser branch below spells out
 * `new Worker(new URL('./worker.js', import.meta.url), { type: 'module' })`, the form Vite,
 * webpack and esbuild plugins recognise and bundle.
 */
const WORKER_FILE = './worker.js';

/** A worker failed to start; `cause` is what the platform reported. */
class WorkerStartError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'WorkerStartError';
  }
}

/** How this platform starts a worker from worker.ts, or why it cannot. */
async function spawner(): Promise<Spawn | string> {
  const g = globalThis as Record<string, unknown> & { process?: { versions?: { node?: string } } };
  if (typeof SharedArrayBuffer !== 'function' || typeof Atomics !== 'object') {
    return 'SharedArrayBuffer is unavailable (a browser page needs cross-origin isolation)';
  }
  if (typeof g.process?.versions?.node === 'string') {
    // A computed specifier keeps bundlers from pulling node:worker_threads into browser builds.
    const specifier = 'node:worker_threads';
    const threads = (await import(/* @vite-ignore */ specifier)) as {
      Worker: new (
        file: URL,
        options: object,
      ) => {
        postMessage(m: unknown): void;
        once(event: string, cb: (value: unknown) => void): void;
        unref(): void;
        terminate(): Promise<number>;
      };
    };
    // Run from the TypeScript sources (the test suite, which builds first), the workers run the
    // built worker: Node cannot load worker.ts itself.
    const url = import.meta.url.endsWith('.ts')
      ? new URL(`../../dist/threads/${WORKER_FILE}`, import.meta.url)
      : new URL(WORKER_FILE, import.meta.url);
    return () => {
      const worker = new threads.Worker(url, {});
      // Idle workers must not keep the process alive.
      worker.unref();
      return {
        post: (m) => worker.postMessage(m),
        ready: () =>
          new Promise<void>((resolve, reject) => {
            worker.once('message', () => resolve());
            worker.once('error', (e) => reject(e));
            worker.once('exit', (code) =>
              reject(new WorkerStartError(`the worker (${url.href}) exited with code ${String(code)}`)),
            );
          }),
        terminate: () => void worker.terminate(),
      };
    };
  }
  if (typeof Worker !== 'function') return 'this platform has no Worker';
  if (g.crossOriginIsolated !== true) {
    return 'the page is not cross-origin isolated (serve it with COOP/COEP headers)';
  }
  return () => {
    const worker = new Worker(new URL('./worker.js', import.meta.url), { type: 'module' });
    return {
      post: (m) => worker.postMessage(m),
      ready: () =>
        new Promise<void>((resolve, reject) => {
          worker.onmessage = () => resolve();
          worker.onerror = (e) => {
            e.preventDefault();
            void describeWorkerError(e, worker).then(reject);
          };
        }),
      terminate: () => worker.terminate(),
    };
  };
}

/**
 * What went wrong when a Web Worker reports an error before it is ready. An exception inside the
 * worker arrives as an ErrorEvent with a message; a script that could not be loaded (not served,
 * wrong MIME type, blocked by the page's `worker-src`/`script-src`) arrives as a bare Event, so
 * the file is fetched once to tell which.
 */
async function describeWorkerError(e: Event, worker: { terminate(): void }): Promise<Error> {
  worker.terminate();
  const url = new URL('./worker.js', import.meta.url).href;
  if (typeof ErrorEvent === 'function' && e instanceof ErrorEvent && e.message) {
    const where = e.filename ? ` (${e.filename}:${e.lineno}:${e.colno})` : '';
    return new WorkerStartError(`${e.message}${where}`, { cause: e.error });
  }
  try {
    const response = await fetch(url);
    if (!response.ok) return new WorkerStartError(`${url} could not be loaded: HTTP ${response.status}`);
    const type = response.headers.get('content-type') ?? '(none)';
    if (!/javascript|ecmascript/.test(type)) {
      return new WorkerStartError(`${url} is served as ${type}, not as JavaScript`);
    }
    return new WorkerStartError(
      `${url} was served but did not start: the page's Content-Security-Policy (worker-src or script-src) may block it`,
    );
  } catch (cause) {
    return new WorkerStartError(
      `${url} could not be fetched (${cause instanceof Error ? cause.message : String(cause)})`,
      { cause },
    );
  }
}

/** The shared instance and the workers around it. */
export interface Pool {
  /** Exports of the calling thread's instance of the shared-memory module. */
  readonly exports: Record<string, unknown>;
  /** The memory every thread's instance uses. */
  readonly memory: WebAssembly.Memory;
  /** Threads in all, the calling one included. */
  readonly threads: number;
  /** Starts a job; add tasks with {@link Job.task} and calls with {@link Job.call}, then {@link Job.run}. */
  job(): Job;
}

/** A job being written: independent tasks, each a sequence of export calls on the shared memory. */
export interface Job {
  /** Starts a new task (calls until the next `task()` run in order on one thread). */
  task(): Job;
  /** Appends a call of `fn` with numeric arguments (addresses in bytes) to the current task. */
  call(fn: TaskFunction, ...args: number[]): Job;
  /**
   * Runs every task on the pool and returns when all have finished. `work`, if given, runs on the
   * calling thread once the tasks are open to the workers and before the caller joins them: work
   * that only this thread can do (touching ordinary ArrayBuffers) overlaps the workers' tasks.
   * It must not read or write memory that the tasks use.
   */
  run(work?: () => void): void;
}

/** Whether this thread may block in Atomics.wait (not on a browser's main thread). */
function canBlock(): boolean {
  try {
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 1, 0);
    return true;
  } catch {
    return false;
  }
}

class SharedPool implements Pool {
  readonly exports: Record<string, unknown>;
  readonly threads: number;
  private readonly h: Int32Array;
  private readonly ticket: BigInt64Array;
  private readonly calls: Float64Array;
  private jobNumber = 0;
  private readonly fns: ExportFn[];
  private readonly block = canBlock();
  private tasks = 0;
  private slots = 0;
  /** The one job object, reused by every job() (jobs never overlap: kernels are synchronous). */
  private readonly writer: Job;

  constructor(
    readonly memory: WebAssembly.Memory,
    module: WebAssembly.Module,
    control: SharedArrayBuffer,
    private readonly workers: readonly Thread[],
  ) {
    this.exports = new WebAssembly.Instance(module, { env: { memory } }).exports;
    this.threads = workers.length + 1;
    this.h = new Int32Array(control, 0, HEADER + MAX_TASKS + 1);
    this.ticket = new BigInt64Array(control, TICKET_AT * 4, 1);
    this.calls = new Float64Array(control, CALLS_BYTES);
    this.fns = TASK_FUNCTIONS.map((name) => this.exports[name] as ExportFn);
    const job: Job = {
      task: () => {
        if (this.tasks === MAX_TASKS || this.slots + TASK_SLOTS > MAX_SLOTS) {
          this.flush();
          this.jobNumber++;
          Atomics.store(this.ticket, 0, (BigInt(this.jobNumber) << 16n) | BigInt(CLOSED));
        }
        this.h[STARTS_AT + this.tasks] = this.slots;
        this.tasks++;
        this.h[STARTS_AT + this.tasks] = this.slots;
        return job;
      },
      call: (fn, ...args) => {
        const at = this.slots;
        if (this.tasks === 0 || at + 2 + args.length - this.h[STARTS_AT + this.tasks - 1]! > TASK_SLOTS) {
          throw new InvalidArgumentError(
            `threads: a task must start with task() and use at most ${TASK_SLOTS} slots.`,
          );
        }
        this.calls[at] = TASK_FUNCTIONS.indexOf(fn);
        this.calls[at + 1] = args.length;
        for (let i = 0; i < args.length; i++) this.calls[at + 2 + i] = args[i]!;
        this.slots = at + 2 + args.length;
        this.h[STARTS_AT + this.tasks] = this.slots;
        return job;
      },
      run: (work) => this.flush(work),
    };
    this.writer = job;
  }

  job(): Job {
    // Close the ticket before the table is rewritten, so no late worker claims a task of it.
    this.jobNumber++;
    Atomics.store(this.ticket, 0, (BigInt(this.jobNumber) << 16n) | BigInt(CLOSED));
    this.tasks = 0;
    this.slots = 0;
    return this.writer;
  }

  /**
   * Opens the tasks written so far to every thread, runs `work`, works on the tasks, and waits
   * until all are completed. A worker still asleep simply misses the job: the caller never waits for a worker
   * that has not claimed a task.
   */
  private flush(work?: () => void): void {
    const { h } = this;
    const count = this.tasks;
    this.tasks = 0;
    this.slots = 0;
    if (count === 0) {
      work?.();
      return;
    }
    h[COUNT] = count;
    h[FAILED] = 0;
    h[COMPLETED] = 0;
    Atomics.store(this.ticket, 0, BigInt(this.jobNumber) << 16n);
    if (count > 1) this.wake();
    // The tasks are open: whatever `work` does, they are drained and waited for before returning.
    let workError: { error: unknown } | null = null;
    try {
      work?.();
    } catch (e) {
      workError = { error: e };
    }
    const error = drain(h, this.ticket, this.calls, this.fns);
    // A task a worker still runs is one band of a product (at most tens to hundreds of
    // microseconds): poll for it rather than sleep, since waking this thread from Atomics.wait
    // costs as much again on a virtual machine (the idle vCPU halts, the notify interrupts it).
    if (Atomics.load(h, COMPLETED) < count) {
      const started = performance.now();
      while (Atomics.load(h, COMPLETED) < count && performance.now() - started < JOIN_SPIN_MS) {
        for (let i = 0; i < 64 && Atomics.load(h, COMPLETED) < count; i++);
      }
    }
    for (let done = Atomics.load(h, COMPLETED); done < count; done = Atomics.load(h, COMPLETED)) {
      if (this.block) Atomics.wait(h, COMPLETED, done);
    }
    if (workError !== null) throw workError.error;
    if (error !== null) throw error;
    if (h[FAILED] !== 0) throw new Error('threads: a worker task failed (out of memory or a bad address).');
  }

  /**
   * Bumps the wake counter: idle workers look for an open job (and find none until `run`). A
   * polling worker sees the bump by itself; only a sleeping one needs `Atomics.notify`, a futex
   * wake that costs tens of microseconds (a system call, and on a virtual machine an interrupt
   * to the idle vCPU). A worker counts itself in SLEEPERS before it waits on SEQ, and the wait
   * returns at once if SEQ moved, so reading SLEEPERS after the bump never misses a sleeper.
   */
  private wake(): void {
    Atomics.add(this.h, SEQ, 1);
    if (Atomics.load(this.h, SLEEPERS) > 0) Atomics.notify(this.h, SEQ);
  }

  /** Stops and terminates the workers. */
  close(): void {
    Atomics.store(this.h, STOP, 1);
    Atomics.add(this.h, SEQ, 1);
    Atomics.notify(this.h, SEQ);
    for (const w of this.workers) w.terminate();
  }
}

let active: SharedPool | null = null;
/** setNumThreads calls run one after another. */
let pending: Promise<unknown> = Promise.resolve();
let unavailable = '';

/** The pool when more than one thread is configured, else null (kernels then run in place). */
export function activePool(): Pool | null {
  return active;
}

/** Why the last {@link setNumThreads} call got fewer threads than asked for ('' if it did not). */
export function threadsUnavailableReason(): string {
  return unavailable;
}

/**
 * Number of threads the kernels use (the calling thread included), as set by {@link setNumThreads}.
 *
 * @returns 1 unless a pool of workers is running.
 * @example
 * ```ts
 * getNumThreads(); // 1 until setNumThreads(n) has resolved
 * ```
 */
export function getNumThreads(): number {
  return active === null ? 1 : active.threads;
}

/**
 * Sets the number of threads the float32 kernels use (the calling thread included), like
 * `torch.set_num_threads`: matrix products split their rows, batched products and fused attention
 * their batch × heads problems, over n − 1 workers (`worker_threads` in Node, Web Workers in
 * browsers) sharing one WebAssembly.Memory. Resolves once the workers are ready.
 *
 * @param n - Threads in all, an integer in [1, 64]; 1 stops the workers.
 * @returns The thread count now in use: `n`, or 1 where workers or SharedArrayBuffer are
 *   unavailable (a browser page that is not cross-origin isolated, an engine without WebAssembly
 *   SIMD); {@link threadsUnavailableReason} tells why.
 * @throws Rejects (never throws) with {@link InvalidArgumentError} if `n` is not an integer in [1, 64].
 * @remarks Kernels stay synchronous: the calling thread works on its share and then blocks until
 *   the workers finish (on a browser's main thread, where blocking is not allowed, it spins). Only
 *   products with at least about a million multiply-adds are split; smaller ones and every other
 *   op run on the calling thread. Results equal the single-thread ones up to float32 rounding
 *   order (each output element is still summed by one thread, in the same order).
 * @example
 * ```ts
 * const threads = await setNumThreads(2); // 2 here; 1 where workers are unavailable
 * const c = matmul(randn([512, 512]), randn([512, 512])); // rows split over 2 threads
 * await setNumThreads(1); // stop the workers
 * ```
 */
export function setNumThreads(n: number): Promise<number> {
  if (!Number.isInteger(n) || n < 1 || n > 64) {
    // An async API reports bad input through its promise, never by throwing synchronously.
    return Promise.reject(
      new InvalidArgumentError(
        `setNumThreads: n must be an integer in [1, 64]; got ${typeof n === 'string' ? `'${n}'` : String(n)}.`,
      ),
    );
  }
  const next = pending.then(() => resize(n));
  pending = next.catch(() => undefined);
  return next;
}

async function resize(n: number): Promise<number> {
  unavailable = '';
  if (active !== null && active.threads === n) return n;
  active?.close();
  active = null;
  if (n === 1) return 1;
  const spawn = await spawner();
  if (typeof spawn === 'string') {
    unavailable = spawn;
    return 1;
  }
  let memory: WebAssembly.Memory;
  let module: WebAssembly.Module;
  try {
    module = new WebAssembly.Module(sharedMemoryVariant(kernelModuleBytes()));
    memory = new WebAssembly.Memory({ initial: 1, maximum: 65536, shared: true });
  } catch (e) {
    unavailable = `shared WebAssembly memory is unavailable: ${e instanceof Error ? e.message : String(e)}`;
    return 1;
  }
  const control = new SharedArrayBuffer(CONTROL_BYTES);
  const workers: Thread[] = [];
  try {
    for (let i = 1; i < n; i++) {
      const worker = spawn();
      workers.push(worker);
      const ready = worker.ready();
      const init: WorkerInit = {
        module,
        memory,
        control,
        names: TASK_FUNCTIONS,
        callsAt: CALLS_BYTES,
        spinMs: SPIN_MS,
      };
      worker.post(init);
      await ready;
    }
  } catch (e) {
    for (const w of workers) w.terminate();
    unavailable = `a worker failed to start: ${e instanceof Error ? e.message : String(e)}`;
    return 1;
  }
  active = new SharedPool(memory, module, control, workers);
  return n;
}
