/// <reference types="node" />
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { InvalidArgumentError } from '@attnkit/tensor';
import { checkSvg } from './save-svg.js';

/** Options of {@link savePng}. */
export interface SavePngOptions {
  /** Pixels per SVG pixel (default 2, for sharp figures on high-density screens). */
  scale?: number;
}

/**
 * Rasterises an SVG document to a PNG file with resvg (Node only; needs the optional peer
 * dependency `@resvg/resvg-js`), creating its directory.
 *
 * @param path - Destination file, e.g. `runs/loss.png`.
 * @param svg - The SVG document (from `showHeatmaps` or `plot`).
 * @param options - `scale`: output pixels per SVG pixel.
 * @returns The path written.
 * @throws {@link InvalidArgumentError} if `svg` is not an SVG document, `scale` is not a positive
 *   number at most 8, an option is unknown, or `@resvg/resvg-js` is not installed.
 */
export async function savePng(path: string, svg: string, options: SavePngOptions = {}): Promise<string> {
  checkSvg('savePng', svg);
  for (const key of Object.keys(options))
    if (key !== 'scale')
      throw new InvalidArgumentError(`savePng: unknown option '${key}'; expected one of scale.`);
  const scale = options.scale ?? 2;
  if (typeof scale !== 'number' || !(scale > 0 && scale <= 8))
    throw new InvalidArgumentError(`savePng: scale must be a number in (0, 8]; got ${String(scale)}.`);
  let Resvg: typeof import('@resvg/resvg-js').Resvg;
  try {
    ({ Resvg } = await import('@resvg/resvg-js'));
  } catch {
    throw new InvalidArgumentError(
      'savePng: install the optional peer dependency @resvg/resvg-js to write PNG files.',
    );
  }
  const png = new Resvg(svg, {
    fitTo: { mode: 'zoom', value: scale },
    background: 'white',
    font: { loadSystemFonts: true, defaultFontFamily: 'DejaVu Sans' },
  })
    .render()
    .asPng();
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, png);
  return path;
}
