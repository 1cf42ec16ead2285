/// <reference types="node" />
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { InvalidArgumentError } from '@attnkit/tensor';

/**
 * Writes an SVG document (from `showHeatmaps` or `plot`) to a file, creating its directory (Node only).
 *
 * @param path - Destination file, e.g. `runs/attention.svg`.
 * @param svg - The SVG document.
 * @returns The path written.
 * @throws {@link InvalidArgumentError} if `svg` is not an SVG document.
 * @example
 * ```ts
 * import { tmpdir } from 'node:os';
 * import { join } from 'node:path';
 * import { showHeatmaps } from '@attnkit/plot';
 * import { saveSvg } from '@attnkit/plot/node';
 * import { eye, reshape } from '@attnkit/tensor';
 * const svg = await showHeatmaps(reshape(eye(4), [1, 1, 4, 4]));
 * await saveSvg(join(tmpdir(), 'attnkit-figures', 'weights.svg'), svg); // the path written
 * ```
 */
export async function saveSvg(path: string, svg: string): Promise<string> {
  checkSvg('saveSvg', svg);
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, svg.endsWith('\n') ? svg : `${svg}\n`);
  return path;
}

/** Throws unless `svg` is an SVG document string. */
export function checkSvg(op: string, svg: unknown): void {
  if (typeof svg !== 'string' || !/^\s*(<\?xml[^>]*>\s*)?<svg[\s>]/.test(svg))
    throw new InvalidArgumentError(
      `${op}: svg must be an SVG document string (starting with <svg); got ${typeof svg === 'string' ? JSON.stringify(svg.slice(0, 20)) : typeof svg}.`,
    );
}
