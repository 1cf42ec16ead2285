import { InvalidArgumentError } from '@attnkit/tensor';
import { describe, isRecord } from './internal/check.js';
import { MAX_HEADER_BYTES, type ParsedSafetensors, readSafetensors } from './internal/read-safetensors.js';

/** A source of safetensors bytes: a `fetch()` Response, a ReadableStream, or an async iterable of chunks. */
export type SafetensorsSource =
  | Response
  | ReadableStream<Uint8Array>
  | AsyncIterable<Uint8Array | ArrayBuffer>;

/** What {@link parseSafetensorsStream} reports once the header has arrived. */
export interface SafetensorsHeaderInfo {
  /** Tensor names with their dtype and shape, in header order. */
  readonly tensors: Readonly<Record<string, { readonly dtype: string; readonly shape: readonly number[] }>>;
  /** Bytes of the whole file (length prefix, header and data). */
  readonly totalBytes: number;
}

/** Options of {@link parseSafetensorsStream}. */
export interface ParseSafetensorsStreamOptions {
  /** Largest file accepted, in bytes (default 2^31 − 1): the header is checked against it before allocating. */
  maxBytes?: number;
  /** Called once, as soon as the header has arrived (before the data). */
  onHeader?: (info: SafetensorsHeaderInfo) => void;
  /** Called after every chunk with the bytes received so far and the file's size. */
  onProgress?: (received: number, total: number) => void;
}

const OPTION_KEYS = ['maxBytes', 'onHeader', 'onProgress'];
const OP = 'parseSafetensorsStream';

/**
 * Reads a safetensors file while it downloads (e.g. `fetch()` in the browser): parses the header
 * as soon as its bytes arrive, then copies every chunk into storage sized from the header, and
 * returns the tensors and metadata as {@link parseSafetensors} does once the stream ends.
 *
 * Shapes: each tensor has the shape its header entry gives
 *
 * @param source - A `Response` (its body is read; a non-2xx status is an error), a
 *   `ReadableStream<Uint8Array>`, or an async iterable of `Uint8Array`/`ArrayBuffer` chunks of any sizes.
 * @param options - `maxBytes`, `onHeader`, `onProgress`.
 * @returns `{ tensors, metadata }`, exactly what `parseSafetensors` returns for the same bytes.
 * @throws {@link InvalidArgumentError} (the promise rejects) if the response status is not 2xx or
 *   it has no body; the stream ends before the 8-byte length, the header or the data end
 *   (truncated: the message gives the bytes received and expected); it holds bytes past the data
 *   the header describes; the file would exceed `maxBytes` or its `Content-Length` disagrees with
 *   the header; options are malformed; or for any reason `parseSafetensors` gives.
 * @remarks Memory: one buffer of the file's size (known from the header) plus the decoded tensors;
 *   the header's claim is checked against `maxBytes` (and `Content-Length`) before it is allocated.
 * @see {@link parseSafetensors}; WHATWG Streams; huggingface/safetensors "Format".
 * @example
 * ```ts
 * // In a page: parseSafetensorsStream(await fetch('/model.safetensors')). Here, a Response over bytes:
 * const response = new Response(serializeSafetensors({ weight: randn([2, 3]) }));
 * const { tensors } = await parseSafetensorsStream(response, {
 *   onProgress: (received, total) => console.log(`${received} / ${total} bytes`),
 * });
 * tensors.weight!.shape; // [2, 3]
 * ```
 */
export async function parseSafetensorsStream(
  source: SafetensorsSource,
  options: ParseSafetensorsStreamOptions = {},
): Promise<ParsedSafetensors> {
  const { maxBytes, onHeader, onProgress } = checkOptions(options);
  const { chunks, contentLength } = openSource(source);
  const fail = (what: string): never => {
    throw new InvalidArgumentError(`${OP}: ${what}`);
  };

  // Until the header is complete, chunks gather in `pending`; then they go straight into `file`.
  const pending: Uint8Array[] = [];
  let pendingBytes = 0;
  let file: Uint8Array | null = null;
  let received = 0;
  let total = 0;

  const tryHeader = (): void => {
    if (pendingBytes < 8) return;
    const head = concatBytes(pending, pendingBytes);
    pending.splice(0, pending.length, head); // concatenate each chunk once, not on every retry
    const n = new DataView(head.buffer, head.byteOffset, 8).getBigUint64(0, true);
    if (n > BigInt(MAX_HEADER_BYTES))
      fail(`header length ${n} exceeds the limit of ${MAX_HEADER_BYTES} bytes.`);
    const headerEnd = 8 + Number(n);
    if (pendingBytes < headerEnd) return;
    total = headerEnd + dataBytes(fail, head.subarray(8, headerEnd), onHeader, headerEnd);
    if (total > maxBytes) fail(`the header describes ${total} bytes, more than maxBytes ${maxBytes}.`);
    if (contentLength !== null && contentLength !== total) {
      fail(`the header describes ${total} bytes but Content-Length is ${contentLength}.`);
    }
    if (pendingBytes > total) fail(`the stream holds bytes past the ${total} the header describes.`);
    file = new Uint8Array(total);
    file.set(head);
    pending.length = 0;
  };

  for await (const chunk of chunks) {
    const bytes = toBytes(fail, chunk);
    if (file === null) {
      pending.push(bytes);
      pendingBytes += bytes.length;
      received = pendingBytes;
      tryHeader();
    } else {
      const target: Uint8Array = file;
      if (received + bytes.length > total)
        fail(`the stream holds bytes past the ${total} the header describes.`);
      target.set(bytes, received);
      received += bytes.length;
    }
    if (file !== null) onProgress?.(received, total);
  }
  if (file === null) {
    if (pendingBytes < 8)
      fail(`stream ended after ${pendingBytes} bytes, before the 8-byte header length (truncated?).`);
    return fail(`stream ended after ${pendingBytes} bytes, inside the header (truncated?).`);
  }
  if (received < total) fail(`stream ended after ${received} of ${total} bytes (truncated download?).`);
  return readSafetensors(OP, file);
}

/** Bytes of the data section (the largest data_offsets end), reporting the header to `onHeader`. */
function dataBytes(
  fail: (what: string) => never,
  headerBytes: Uint8Array,
  onHeader: ParseSafetensorsStreamOptions['onHeader'],
  headerEnd: number,
): number {
  let header: unknown;
  try {
    header = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(headerBytes));
  } catch (err) {
    return fail(`header is not valid UTF-8 JSON (${(err as Error).message}).`);
  }
  if (!isRecord(header)) return fail(`header must be a JSON object; got ${describe(header)}.`);
  let end = 0;
  const tensors: Record<string, { dtype: string; shape: number[] }> = {};
  for (const [name, entry] of Object.entries(header)) {
    if (name === '__metadata__' || !isRecord(entry)) continue;
    const offsets = entry.data_offsets;
    if (Array.isArray(offsets) && Number.isSafeInteger(offsets[1])) end = Math.max(end, offsets[1] as number);
    if (typeof entry.dtype === 'string' && Array.isArray(entry.shape)) {
      Object.defineProperty(tensors, name, {
        value: { dtype: entry.dtype, shape: (entry.shape as number[]).slice() },
        enumerable: true,
      });
    }
  }
  onHeader?.({ tensors, totalBytes: headerEnd + end });
  return end;
}

function openSource(source: unknown): {
  chunks: AsyncIterable<unknown>;
  contentLength: number | null;
} {
  if (isResponse(source)) {
    if (!source.ok) {
      throw new InvalidArgumentError(`${OP}: the response has status ${source.status}; expected 2xx.`);
    }
    if (source.body === null) throw new InvalidArgumentError(`${OP}: the response has no body.`);
    const length = source.headers.get('content-length');
    // A compressed transfer reports the compressed length: only trust an identity encoding.
    const encoded = (source.headers.get('content-encoding') ?? 'identity') !== 'identity';
    return {
      chunks: readerChunks(source.body),
      contentLength: length === null || encoded || !/^\d+$/.test(length) ? null : Number(length),
    };
  }
  if (isReadableStream(source)) return { chunks: readerChunks(source), contentLength: null };
  if (source !== null && typeof source === 'object' && Symbol.asyncIterator in source) {
    return { chunks: source as AsyncIterable<unknown>, contentLength: null };
  }
  throw new InvalidArgumentError(
    `${OP}: source must be a Response, a ReadableStream or an async iterable of Uint8Array chunks; got ${describe(source)}.`,
  );
}

async function* readerChunks(stream: ReadableStream<Uint8Array>): AsyncGenerator<Uint8Array> {
  const reader = stream.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      yield value;
    }
  } finally {
    reader.releaseLock();
  }
}

function isResponse(x: unknown): x is Response {
  return (
    x !== null &&
    typeof x === 'object' &&
    'ok' in x &&
    'status' in x &&
    'body' in x &&
    'headers' in x &&
    typeof (x as { headers: { get?: unknown } }).headers?.get === 'function'
  );
}

function isReadableStream(x: unknown): x is ReadableStream<Uint8Array> {
  return (
    x !== null && typeof x === 'object' && typeof (x as { getReader?: unknown }).getReader === 'function'
  );
}

function toBytes(fail: (what: string) => never, chunk: unknown): Uint8Array {
  if (chunk instanceof Uint8Array) return chunk;
  if (chunk instanceof ArrayBuffer) return new Uint8Array(chunk);
  if (ArrayBuffer.isView(chunk)) return new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength);
  return fail(`chunks must be Uint8Array or ArrayBuffer; got ${describe(chunk)}.`);
}

function concatBytes(parts: readonly Uint8Array[], length: number): Uint8Array {
  if (parts.length === 1) return parts[0]!;
  const out = new Uint8Array(length);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

function checkOptions(options: unknown): {
  maxBytes: number;
  onHeader: ParseSafetensorsStreamOptions['onHeader'];
  onProgress: ParseSafetensorsStreamOptions['onProgress'];
} {
  if (!isRecord(options))
    throw new InvalidArgumentError(`${OP}: options must be an object; got ${describe(options)}.`);
  for (const key of Object.keys(options)) {
    if (!OPTION_KEYS.includes(key)) {
      throw new InvalidArgumentError(
        `${OP}: unknown option '${key}'; expected one of ${OPTION_KEYS.join(', ')}.`,
      );
    }
  }
  const maxBytes = options.maxBytes ?? 2147483647;
  if (!Number.isSafeInteger(maxBytes) || (maxBytes as number) < 8) {
    throw new InvalidArgumentError(`${OP}: maxBytes must be an integer ≥ 8; got ${describe(maxBytes)}.`);
  }
  for (const key of ['onHeader', 'onProgress'] as const) {
    if (options[key] !== undefined && typeof options[key] !== 'function') {
      throw new InvalidArgumentError(`${OP}: ${key} must be a function; got ${describe(options[key])}.`);
    }
  }
  return {
    maxBytes: maxBytes as number,
    onHeader: options.onHeader as ParseSafetensorsStreamOptions['onHeader'],
    onProgress: options.onProgress as ParseSafetensorsStreamOptions['onProgress'],
  };
}
