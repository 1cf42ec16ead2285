import type { DType } from '../dtype.js';
import { formatShape, InvalidArgumentError } from '../errors.js';

/**
 * An allocation would exceed the memory limit ({@link getMemoryLimit}) or the engine's typed-array
 * length limit. Thrown before anything is allocated; names the op, the argument, the shape and the
 * bytes needed. A subclass of {@link InvalidArgumentError}.
 */
export class MemoryLimitError extends InvalidArgumentError {
  override name = 'MemoryLimitError';
  /** The function that was about to allocate. */
  readonly op: string;
  /** The argument (or result) whose size is too large. */
  readonly argument: string;
  /** Shape of the requested block. */
  readonly shape: readonly number[];
  /** Bytes the allocation needs. */
  readonly bytes: number;
  /** The limit in force, in bytes. */
  readonly limit: number;
  constructor(
    op: string,
    argument: string,
    shape: readonly number[],
    bytes: number,
    limit: number,
    why: string,
  ) {
    super(
      `${op}: ${argument} of shape ${formatShape(shape)} needs ${formatBytes(bytes)}, ${why} (see setMemoryLimit in @attnkit/tensor).`,
    );
    this.op = op;
    this.argument = argument;
    this.shape = shape.slice();
    this.bytes = bytes;
    this.limit = limit;
  }
}

const BYTES: Record<DType, number> = { float32: 4, float64: 8, int32: 4, bool: 1 };

/** V8's largest typed-array length (elements) on 64-bit hosts (`Invalid typed array length` above it). */
export const MAX_TYPED_ARRAY_LENGTH = 2 ** 32;
/** Default limit in browsers: 2 GiB, the smallest ArrayBuffer limit among current engines. */
const BROWSER_DEFAULT = 2 ** 31;
/** Share of the host's (or the container's) memory one allocation may take by default in Node. */
const NODE_FRACTION = 0.25;

let limit: number | undefined;

/** Human-readable bytes: `1.49 GiB (1600000000 bytes)`. */
export function formatBytes(bytes: number): string {
  const units = ['bytes', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];
  let v = bytes;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return u === 0 ? `${bytes} bytes` : `${v.toFixed(2)} ${units[u]} (${bytes} bytes)`;
}

interface NodeProcessLike {
  constrainedMemory?: () => number | undefined;
  getBuiltinModule?: (id: string) => { totalmem?: () => number } | undefined;
  versions?: { node?: string };
}

/**
 * The default limit: in Node a quarter of the host's memory (or of the cgroup limit when the process
 * runs in a container); elsewhere 2 GiB. No `node:` module is imported: `os` is reached through
 * `process.getBuiltinModule` only when it exists, so browser bundles stay clean.
 */
export function defaultMemoryLimit(): number {
  const proc = (globalThis as { process?: NodeProcessLike }).process;
  if (proc?.versions?.node === undefined) return BROWSER_DEFAULT;
  let total = Number.POSITIVE_INFINITY;
  try {
    const os = proc.getBuiltinModule?.('node:os');
    const t = os?.totalmem?.();
    if (typeof t === 'number' && t > 0) total = t;
    const c = proc.constrainedMemory?.();
    // Unconstrained hosts report 0 or 2^64 − 1.
    if (typeof c === 'number' && c > 0 && c < 2 ** 60) total = Math.min(total, c);
  } catch {
    // Fall through to the browser default.
  }
  return Number.isFinite(total) ? Math.floor(total * NODE_FRACTION) : BROWSER_DEFAULT;
}

/**
 * The largest single allocation attnkit makes, in bytes (tensor storage, op results, layer
 * parameters in total at construction). See {@link setMemoryLimit}.
 */
export function getMemoryLimit(): number {
  if (limit === undefined) limit = defaultMemoryLimit();
  return limit;
}

/**
 * Sets the largest single allocation attnkit makes, in bytes; `undefined` restores the default
 * (Node: a quarter of the host's or container's memory; browsers: 2 GiB). `Infinity` disables the check
 * except for the engine's typed-array length limit (2³² elements).
 * @throws {@link InvalidArgumentError} if `bytes` is not a number > 0.
 */
export function setMemoryLimit(bytes: number | undefined): void {
  if (bytes === undefined) {
    limit = undefined;
    return;
  }
  if (typeof bytes !== 'number' || Number.isNaN(bytes) || bytes <= 0) {
    throw new InvalidArgumentError(
      `setMemoryLimit: bytes must be a number > 0 or undefined; got ${String(bytes)}.`,
    );
  }
  limit = bytes;
}

/**
 * Checks, before allocating, that `elements` items of `dtype` (or of `bytesPerElement` bytes) fit.
 * Every tensor allocation goes through this check.
 * @throws {@link MemoryLimitError} naming `op`, `argument`, `shape` and the bytes needed.
 */
export function checkAllocation(
  op: string,
  argument: string,
  shape: readonly number[],
  dtype: DType | number,
): void {
  let elements = 1;
  for (const d of shape) elements *= d;
  const per = typeof dtype === 'number' ? dtype : BYTES[dtype];
  const bytes = elements * per;
  const max = getMemoryLimit();
  if (bytes > max) {
    throw new MemoryLimitError(
      op,
      argument,
      shape,
      bytes,
      max,
      `over the memory limit of ${formatBytes(max)}`,
    );
  }
  if (elements > MAX_TYPED_ARRAY_LENGTH) {
    throw new MemoryLimitError(
      op,
      argument,
      shape,
      bytes,
      max,
      `over the engine's typed-array limit of ${MAX_TYPED_ARRAY_LENGTH} elements`,
    );
  }
}
