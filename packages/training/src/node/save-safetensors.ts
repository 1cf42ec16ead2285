/// <reference types="node" />
import { rename, unlink, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { Tensor } from '@attnkit/tensor';
import { serializeSafetensors } from '../serialize-safetensors.js';

/**
 * Writes tensors and string metadata to a `.safetensors` file (Node only; see
 * {@link serializeSafetensors} for the bytes and their order).
 *
 * Shapes: each tensor keeps its shape
 *
 * @param path - Destination file path or `file:` URL; an existing file is replaced.
 * @param stateDict - Name → Tensor, e.g. `model.stateDict()`.
 * @param metadata - Strings stored under `__metadata__`.
 * @returns Resolves once the file is complete.
 * @throws {@link InvalidArgumentError} (rejected) for an invalid state dict or metadata, as
 *   {@link serializeSafetensors}; file-system errors reject with Node's error.
 * @remarks Writes to a temporary file beside `path` and renames it into place, so a crash or a
 *   full disk never leaves a truncated file under `path`.
 * @see huggingface/safetensors `save_file`.
 * @example
 * ```ts
 * import { tmpdir } from 'node:os';
 * import { join } from 'node:path';
 * import { Linear } from '@attnkit/layers';
 * import { saveSafetensors } from '@attnkit/training/node';
 * const model = new Linear({ inFeatures: 2, outFeatures: 1 });
 * await saveSafetensors(join(tmpdir(), 'model.safetensors'), model.stateDict(), { step: '1000' });
 * ```
 */
export async function saveSafetensors(
  path: string | URL,
  stateDict: Readonly<Record<string, Tensor>>,
  metadata?: Readonly<Record<string, string>>,
): Promise<void> {
  const bytes = serializeSafetensors(stateDict, metadata);
  const target = typeof path === 'string' ? path : fileURLToPath(path);
  const temporary = `${target}.${process.pid}.${Date.now()}.tmp`;
  try {
    await writeFile(temporary, bytes);
    await rename(temporary, target);
  } catch (err) {
    await unlink(temporary).catch(() => undefined);
    throw err;
  }
}
