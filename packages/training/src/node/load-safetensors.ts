/// <reference types="node" />
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { ParsedSafetensors, ReadSafetensorsOptions } from '../internal/read-safetensors.js';
import { readSafetensors } from '../internal/read-safetensors.js';

/**
 * Reads a `.safetensors` file (Node only): its tensors and `__metadata__` strings, validated
 * as {@link parseSafetensors} validates them.
 *
 * Shapes: each tensor has the shape its header entry gives
 *
 * @param path - File path or `file:` URL.
 * @param options - `allowNonFinite` (default false): accept float tensors holding NaN or ±Infinity.
 * @returns `{ tensors, metadata }`.
 * @throws {@link InvalidArgumentError} (rejected) naming the file and what is wrong if it is not a
 *   valid safetensors file (see {@link parseSafetensors}); never a partial result. A missing file
 *   rejects with Node's ENOENT error.
 * @see huggingface/safetensors `load_file`.
 * @example
 * ```ts
 * import { tmpdir } from 'node:os';
 * import { join } from 'node:path';
 * import { Linear } from '@attnkit/layers';
 * import { loadSafetensors, saveSafetensors } from '@attnkit/training/node';
 * const path = join(tmpdir(), 'linear.safetensors');
 * await saveSafetensors(path, new Linear({ inFeatures: 2, outFeatures: 1 }).stateDict());
 * const model = new Linear({ inFeatures: 2, outFeatures: 1 });
 * const { tensors } = await loadSafetensors(path);
 * model.loadStateDict(tensors); // model now holds the saved weights
 * ```
 */
export async function loadSafetensors(
  path: string | URL,
  options: ReadSafetensorsOptions = {},
): Promise<ParsedSafetensors> {
  const target = typeof path === 'string' ? path : fileURLToPath(path);
  const bytes = await readFile(target);
  return readSafetensors(`loadSafetensors: ${target}`, bytes, options);
}
