import { arange, eye, InvalidArgumentError, reshape, ShapeError, tensor } from '@attnkit/tensor';
import { scheme } from 'vega';
import { describe, expect, it } from 'vitest';
import { cells, texts } from '../test/svg.js';
import { showHeatmaps } from './show-heatmaps.js';

/** The colour vega's scheme gives to t in [0, 1], as the SVG writes it. */
function schemeColor(name: string, t: number): string {
  const interpolate = scheme(name) as (t: number) => string;
  const c = interpolate(t);
  const m = c.match(/rgb\((\d+), ?(\d+), ?(\d+)\)/);
  if (m) return `rgb(${m[1]}, ${m[2]}, ${m[3]})`;
  const n = Number.parseInt(c.slice(1), 16);
  return `rgb(${(n >> 16) & 255}, ${(n >> 8) & 255}, ${n & 255})`;
}

describe('showHeatmaps', () => {
  it('draws one cell per entry of a 1×1 grid, query q in row q and key k in column k (D2L eye(10))', async () => {
    const svg = await showHeatmaps(reshape(eye(10), [1, 1, 10, 10]), { xlabel: 'Keys', ylabel: 'Queries' });
    expect(svg.startsWith('<svg ')).toBe(true);
    expect(svg).toContain('data-attnkit-plot="heatmaps"');
    const all = cells(svg);
    expect(all).toHaveLength(100);
    for (const c of all) expect(c.value).toBeCloseTo(c.key === c.query ? 1 : 0, 12);
    expect(texts(svg, 'axis-title')).toEqual(['Queries', 'Keys']);
    // Row 0 is at the top, as in imshow: the y axis labels run 0…9 downwards.
    expect(texts(svg, 'axis-label').slice(0, 10)).toEqual(['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);
  });

  it('maps values to the colour map linearly between the smallest and largest value', async () => {
    const svg = await showHeatmaps(reshape(tensor([0, 0.5, 1, 0.25]), [1, 1, 2, 2]), { cmap: 'Blues' });
    const byValue = new Map(cells(svg).map((c) => [c.value, c.fill]));
    expect(byValue.get(0)).toBe(schemeColor('blues', 0));
    expect(byValue.get(1)).toBe(schemeColor('blues', 1));
    expect(byValue.get(0.5)).toBe(schemeColor('blues', 0.5));
    expect(byValue.get(0.25)).toBe(schemeColor('blues', 0.25));
  });

  it('shares one colour bar over all panels, spanning the values of the whole grid', async () => {
    const m = reshape(arange(0, 2 * 3 * 2 * 2), [2, 3, 2, 2]);
    const svg = await showHeatmaps(m, { titles: ['a', 'b', 'c'] });
    expect(cells(svg)).toHaveLength(24);
    expect(svg.match(/role-legend"/g)).toHaveLength(1);
    const labels = texts(svg, 'legend-label').map(Number);
    expect(Math.min(...labels)).toBe(0);
    expect(Math.max(...labels)).toBeLessThanOrEqual(23);
    expect(Math.max(...labels)).toBeGreaterThanOrEqual(20);
    // The same value gets the same colour in every panel: 23 (the last) is the darkest red.
    const fills = new Map(cells(svg).map((c) => [c.value, c.fill]));
    expect(fills.get(23)).toBe(schemeColor('reds', 1));
    expect(fills.get(0)).toBe(schemeColor('reds', 0));
    for (const title of ['a', 'b', 'c']) expect(svg).toContain(`>${title}</text>`);
    // Axis titles only on the outer panels: the x title under each of the 3 columns, the y title beside each of the 2 rows.
    expect(texts(svg, 'axis-title').filter((t) => t === 'Keys')).toHaveLength(3);
    expect(texts(svg, 'axis-title').filter((t) => t === 'Queries')).toHaveLength(2);
  });

  it('clamps to vmin and vmax when given', async () => {
    const svg = await showHeatmaps(reshape(tensor([-1, 0, 0.5, 2]), [1, 1, 1, 4]), { vmin: 0, vmax: 1 });
    const fills = new Map(cells(svg).map((c) => [c.value, c.fill]));
    expect(fills.get(-1)).toBe(fills.get(0));
    expect(fills.get(2)).toBe(schemeColor('reds', 1));
    expect(fills.get(0.5)).toBe(schemeColor('reds', 0.5));
  });

  it('labels the ticks with xticklabels and yticklabels', async () => {
    const svg = await showHeatmaps(reshape(eye(3), [1, 1, 3, 3]), {
      xticklabels: ['a', 'b', 'c'],
      yticklabels: ['x', 'y', 'z'],
    });
    expect(texts(svg, 'axis-label')).toEqual(['x', 'y', 'z', 'a', 'b', 'c']);
    await expect(showHeatmaps(reshape(eye(3), [1, 1, 3, 3]), { xticklabels: ['a'] })).rejects.toThrow(
      /xticklabels has 1 entries; matrices has 3 keys/,
    );
  });

  it('gives two figures in one page distinct ids', async () => {
    const a = await showHeatmaps(reshape(eye(2), [1, 1, 2, 2]));
    const b = await showHeatmaps(reshape(eye(3), [1, 1, 3, 3]));
    const id = (svg: string) => svg.match(/id="([^"]+)"/)?.[1];
    expect(id(a)).toBeDefined();
    expect(id(a)).not.toBe(id(b));
  });

  it('throws ShapeError unless matrices is (rows, cols, queries, keys)', async () => {
    await expect(showHeatmaps(eye(3))).rejects.toThrow(ShapeError);
    await expect(showHeatmaps(eye(3))).rejects.toThrow(
      /matrices must have shape \(rows, cols, queries, keys\); got \(3, 3\)/,
    );
  });

  it('throws InvalidArgumentError for unknown options, NaN, bad titles, bad cmap and vmin > vmax', async () => {
    const m = reshape(eye(2), [1, 1, 2, 2]);
    await expect(showHeatmaps(m, { xLabel: 'x' } as never)).rejects.toThrow(/unknown option 'xLabel'/);
    await expect(showHeatmaps(m, { figsize: [1] } as never)).rejects.toThrow(InvalidArgumentError);
    await expect(showHeatmaps(reshape(tensor([0, Number.NaN, 0, 0]), [1, 1, 2, 2]))).rejects.toThrow(/NaN/);
    await expect(showHeatmaps(m, { titles: ['a', 'b'] })).rejects.toThrow(/titles has 2 entries/);
    await expect(showHeatmaps(m, { cmap: 'nope' })).rejects.toThrow(/not a Vega colour scheme/);
    await expect(showHeatmaps(m, { vmin: 2, vmax: 1 })).rejects.toThrow(/vmin/);
  });
});
