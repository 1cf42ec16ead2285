import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eye, reshape } from '@attnkit/tensor';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { showHeatmaps } from '../show-heatmaps.js';
import { savePng } from './save-png.js';
import { saveSvg } from './save-svg.js';

let dir = '';
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'attnkit-plot-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('saveSvg', () => {
  it('writes the SVG document, creating the directory', async () => {
    const svg = await showHeatmaps(reshape(eye(3), [1, 1, 3, 3]));
    const path = await saveSvg(join(dir, 'sub', 'weights.svg'), svg);
    expect(readFileSync(path, 'utf8')).toBe(`${svg}\n`);
  });

  it('throws InvalidArgumentError for text that is not SVG', async () => {
    await expect(saveSvg(join(dir, 'x.svg'), 'hello')).rejects.toThrow(/svg must be an SVG document/);
  });
});

describe('savePng', () => {
  it('rasterises at the given scale', async () => {
    const svg = await showHeatmaps(reshape(eye(3), [1, 1, 3, 3]));
    const width = Number(svg.match(/width="(\d+)"/)![1]);
    const path = await savePng(join(dir, 'weights.png'), svg, { scale: 2 });
    const png = readFileSync(path);
    expect(png.subarray(1, 4).toString('latin1')).toBe('PNG');
    expect(png.readUInt32BE(16)).toBe(width * 2);
  });

  it('throws InvalidArgumentError for a bad scale or option', async () => {
    const svg = '<svg xmlns="http://www.w3.org/2000/svg" width="2" height="2"></svg>';
    await expect(savePng(join(dir, 'a.png'), svg, { scale: 0 })).rejects.toThrow(/scale must be/);
    await expect(savePng(join(dir, 'a.png'), svg, { dpi: 3 } as never)).rejects.toThrow(
      /unknown option 'dpi'/,
    );
  });
});
